package dev.watertight.internal;

/**
 * Where a semaphore bulkhead gets its permits: its own ({@link PermitSync}) or a share of a
 * capacity it shares with other compartments ({@link SharePermits}).
 */
interface BulkheadPermits {

    /** Takes a permit if one is free now, without waiting. */
    boolean tryAcquire();

    /**
     * Takes a permit, waiting up to the timeout.
     *
     * @param timeoutNanos how long to wait
     * @return whether a permit was taken
     * @throws InterruptedException if interrupted while waiting; nothing is taken then
     */
    boolean tryAcquire(long timeoutNanos) throws InterruptedException;

    /** Gives one permit back. */
    void release();

    /** The current limit. */
    int limit();

    /**
     * Changes the limit.
     *
     * @param newLimit the new limit
     */
    void resize(int newLimit);

    /** Callers waiting now. */
    int waiting();

    /** Counts as of one instant, or consistent with each other. */
    PermitSync.Counts snapshot();
}
