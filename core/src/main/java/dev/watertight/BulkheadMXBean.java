package dev.watertight;

/**
 * A {@link Bulkhead} in JMX: its stats, and a resize. Registered by {@link WatertightJmx}.
 *
 * <p>Implementations are thread-safe: the JMX agent calls them from any thread.
 */
public interface BulkheadMXBean {
    /** {@return the limit now} */
    int getMaxConcurrent();

    /** {@return permits held now} */
    int getInUse();

    /** {@return callers waiting now} */
    int getWaiting();

    /** {@return calls admitted since it was built} */
    long getAccepted();

    /** {@return calls refused since it was built} */
    long getRejected();

    /** {@return admitted calls that returned} */
    long getSucceeded();

    /** {@return admitted calls that threw} */
    long getFailed();

    /**
     * Changes the limit, keeping the permits in flight valid.
     *
     * @param maxConcurrent the new limit, at least 1
     */
    void resize(int maxConcurrent);
}
