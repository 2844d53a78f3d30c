package dev.watertight;

/**
 * A {@link RateLimiter} in JMX: its stats, and a change of rate. Registered by {@link WatertightJmx}.
 *
 * <p>Implementations are thread-safe: the JMX agent calls them from any thread.
 */
public interface RateLimiterMXBean {
    /** {@return permits per period now} */
    int getPermitsPerPeriod();

    /** {@return the period now, in milliseconds} */
    long getPeriodMillis();

    /** {@return the burst now} */
    int getBurst();

    /** {@return permits that could be taken at once now} */
    int getAvailablePermits();

    /** {@return callers waiting now} */
    int getWaiting();

    /** {@return permits granted since it was built} */
    long getGranted();

    /** {@return calls refused since it was built} */
    long getRejected();

    /**
     * Changes the rate at once, keeping the burst.
     *
     * @param permitsPerPeriod the new number of permits per period
     * @param periodMillis the new period in milliseconds
     */
    void changeRate(int permitsPerPeriod, long periodMillis);
}
