package dev.watertight;

/**
 * A {@link KeyedCompartments} group in JMX: its counts, and an eviction of idle compartments now.
 * Registered by {@link WatertightJmx}.
 */
public interface KeyedCompartmentsMXBean {
    /** Keys with a live compartment now. */
    int getKeys();

    /** The most live compartments the group keeps. */
    int getMaxKeys();

    /** Compartments the template has built since the group was built. */
    long getCreated();

    /** Compartments evicted, idle too long or least recently used when room was needed. */
    long getEvicted();

    /** Calls refused because every live compartment had work in flight. */
    long getRejected();

    /**
     * Evicts now every compartment with nothing in flight that has been idle for the group's
     * {@code idleAfter}, as the group does from time to time on its own.
     *
     * @return how many were evicted
     */
    int evictIdle();
}
