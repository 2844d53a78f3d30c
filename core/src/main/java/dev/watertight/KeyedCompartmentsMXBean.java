package dev.watertight;

/**
 * A {@link KeyedCompartments} group in JMX: its counts, and an eviction of idle compartments now.
 * Registered by {@link WatertightJmx}.
 *
 * <p>Implementations are thread-safe: the JMX agent calls them from any thread.
 */
public interface KeyedCompartmentsMXBean {
    /** {@return keys with a live compartment now} */
    int getKeys();

    /** {@return the most live compartments the group keeps} */
    int getMaxKeys();

    /** {@return compartments the template has built since the group was built} */
    long getCreated();

    /** {@return compartments evicted, idle too long or least recently used when room was needed} */
    long getEvicted();

    /** {@return calls refused because every live compartment had work in flight} */
    long getRejected();

    /**
     * Evicts now every compartment with nothing in flight that has been idle for the group's
     * {@code idleAfter}, as the group does from time to time on its own.
     *
     * @return how many were evicted
     */
    int evictIdle();
}
