package dev.watertight;

/** A {@link Bulkhead} in JMX: its stats, and a resize. Registered by {@link WatertightJmx}. */
public interface BulkheadMXBean {
    /** The limit now. */
    int getMaxConcurrent();

    /** Permits held now. */
    int getInUse();

    /** Callers waiting now. */
    int getWaiting();

    /** Calls admitted since it was built. */
    long getAccepted();

    /** Calls refused since it was built. */
    long getRejected();

    /** Admitted calls that returned. */
    long getSucceeded();

    /** Admitted calls that threw. */
    long getFailed();

    /**
     * Changes the limit, keeping the permits in flight valid.
     *
     * @param maxConcurrent the new limit, at least 1
     */
    void resize(int maxConcurrent);
}
