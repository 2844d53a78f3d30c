package dev.watertight.jdbc;

/**
 * A {@link ConnectionCompartment} in JMX: its quota, its counts and its acquire waits. Read-only:
 * a compartment's reservation is fixed when {@link ConnectionCompartments} are built, and its
 * ceiling changes with the configuration ({@link ConnectionCompartments#reconfigure}), so that the
 * file stays the one place it is set. Registered by {@link ConnectionCompartmentsJmx}.
 *
 * <p>Implementations are thread-safe: the JMX agent calls them from any thread.
 */
public interface ConnectionCompartmentMXBean {
    /** {@return the name of the pool its connections come from} */
    String getPool();

    /** {@return the most connections it may hold at once (its ceiling)} */
    int getLimit();

    /** {@return the connections guaranteed to it} */
    int getReserved();

    /** {@return the connections it holds now} */
    int getInUse();

    /** {@return callers waiting for its quota now} */
    int getWaiting();

    /** {@return connections handed out since it was built} */
    long getAcquired();

    /** {@return callers refused because no quota came within the acquire timeout} */
    long getAcquireTimeouts();

    /** {@return connection failures: the pool's, and borrowed connections that broke} */
    long getConnectionErrors();

    /** {@return connections reported as held past the leak threshold} */
    long getLeaks();

    /** {@return leaked connections taken back by force} */
    long getReclaimed();

    /** {@return the median wait for its quota, in milliseconds} */
    double getAcquireWaitP50Millis();

    /** {@return the 99th percentile of the wait for its quota, in milliseconds} */
    double getAcquireWaitP99Millis();

    /** {@return the longest wait for its quota, in milliseconds} */
    double getAcquireWaitMaxMillis();

    /** {@return how many waits the percentiles describe (see {@link ConnectionCompartmentStats#acquireWaitCount()})} */
    long getAcquireWaitCount();

    /** {@return the sum of those waits, in milliseconds} */
    double getAcquireWaitTotalMillis();
}
