package dev.watertight;

/** A {@link MemoryBulkhead} in JMX: its bytes, and a resize. Registered by {@link WatertightJmx}. */
public interface MemoryBulkheadMXBean {
    /** The budget now, in bytes. */
    long getBudget();

    /** Bytes reserved now. */
    long getReserved();

    /** The most bytes ever reserved at once. */
    long getPeak();

    /** Reservations refused since it was built. */
    long getRefusals();

    /** The parent budget's name, or an empty string. */
    String getParent();

    /**
     * Changes the budget; bytes already reserved stay reserved.
     *
     * @param bytes the new budget, at least 1
     */
    void resize(long bytes);
}
