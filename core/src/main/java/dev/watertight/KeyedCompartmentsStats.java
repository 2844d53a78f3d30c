package dev.watertight;

/**
 * A snapshot of a {@link KeyedCompartments} group.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the group's name
 * @param keys how many keys have a live compartment (including one being built)
 * @param maxKeys the most live compartments the group keeps
 * @param created how many compartments the template has built since the group was built
 * @param evicted how many were evicted (idle too long, or least recently used when room was
 *     needed); compartments closed by {@link KeyedCompartments#close()} are not counted
 * @param rejected how many calls were refused because every live compartment had work in flight
 */
public record KeyedCompartmentsStats(
        String name, int keys, int maxKeys, long created, long evicted, long rejected) {}
