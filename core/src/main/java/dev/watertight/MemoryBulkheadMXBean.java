package dev.watertight;

/**
 * A {@link MemoryBulkhead} in JMX: its bytes, and a resize. Registered by {@link WatertightJmx}.
 *
 * <p>Implementations are thread-safe: the JMX agent calls them from any thread.
 */
public interface MemoryBulkheadMXBean {
    /** {@return the budget now, in bytes} */
    long getBudget();

    /** {@return bytes reserved now} */
    long getReserved();

    /** {@return the most bytes ever reserved at once} */
    long getPeak();

    /** {@return reservations refused since it was built} */
    long getRefusals();

    /** {@return the parent budget's name, or an empty string} */
    String getParent();

    /**
     * Changes the budget; bytes already reserved stay reserved.
     *
     * @param bytes the new budget, at least 1
     */
    void resize(long bytes);
}
