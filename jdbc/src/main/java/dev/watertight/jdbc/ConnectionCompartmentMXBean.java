package dev.watertight.jdbc;

/**
 * A {@link ConnectionCompartment} in JMX: its quota, its counts and its acquire waits. Read-only:
 * a compartment's reservation is fixed when {@link ConnectionCompartments} are built, and its
 * ceiling changes with the configuration ({@link ConnectionCompartments#reconfigure}), so that the
 * file stays the one place it is set. Registered by {@link ConnectionCompartmentsJmx}.
 */
public interface ConnectionCompartmentMXBean {
    /** The name of the pool its connections come from. */
    String getPool();

    /** The most connections it may hold at once (its ceiling). */
    int getLimit();

    /** The connections guaranteed to it. */
    int getReserved();

    /** The connections it holds now. */
    int getInUse();

    /** Callers waiting for its quota now. */
    int getWaiting();

    /** Connections handed out since it was built. */
    long getAcquired();

    /** Callers refused because no quota came within the acquire timeout. */
    long getAcquireTimeouts();

    /** Connection failures: the pool's, and borrowed connections that broke. */
    long getConnectionErrors();

    /** Connections reported as held past the leak threshold. */
    long getLeaks();

    /** Leaked connections taken back by force. */
    long getReclaimed();

    /** The median wait for its quota, in milliseconds. */
    double getAcquireWaitP50Millis();

    /** The 99th percentile of the wait for its quota, in milliseconds. */
    double getAcquireWaitP99Millis();

    /** The longest wait for its quota, in milliseconds. */
    double getAcquireWaitMaxMillis();

    /** How many waits the percentiles describe (see {@link ConnectionCompartmentStats#acquireWaitCount()}). */
    long getAcquireWaitCount();

    /** The sum of those waits, in milliseconds. */
    double getAcquireWaitTotalMillis();
}
