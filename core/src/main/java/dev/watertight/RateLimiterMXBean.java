package dev.watertight;

/** A {@link RateLimiter} in JMX: its stats, and a change of rate. Registered by {@link WatertightJmx}. */
public interface RateLimiterMXBean {
    /** Permits per period now. */
    int getPermitsPerPeriod();

    /** The period now, in milliseconds. */
    long getPeriodMillis();

    /** The burst now. */
    int getBurst();

    /** Permits that could be taken at once now. */
    int getAvailablePermits();

    /** Callers waiting now. */
    int getWaiting();

    /** Permits granted since it was built. */
    long getGranted();

    /** Calls refused since it was built. */
    long getRejected();

    /**
     * Changes the rate at once, keeping the burst.
     *
     * @param permitsPerPeriod the new number of permits per period
     * @param periodMillis the new period in milliseconds
     */
    void changeRate(int permitsPerPeriod, long periodMillis);
}
