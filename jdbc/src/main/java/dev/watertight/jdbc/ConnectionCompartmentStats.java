package dev.watertight.jdbc;

import java.time.Duration;

/**
 * A snapshot of one connection compartment.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the compartment's name
 * @param pool the name of the pool its connections come from (its own name for a compartment with
 *     a dedicated {@code DataSource})
 * @param limit the most connections it may hold at once (its ceiling)
 * @param reserved the connections guaranteed to it, whatever its neighbours do
 * @param inUse the connections it holds now
 * @param waiting the callers waiting for its quota now
 * @param acquired connections handed out since it was built
 * @param acquireTimeouts callers refused because no quota came within the acquire timeout
 * @param connectionErrors connection failures: a {@code getConnection()} of the pool that failed,
 *     or a borrowed connection that broke (counted once per borrow); application errors are not
 *     counted
 * @param leaks connections reported as held past the leak threshold
 * @param reclaimed leaked connections taken back by force
 * @param acquireWaitP50 the median time callers waited for the compartment's quota
 * @param acquireWaitP99 the 99th percentile of that wait
 * @param acquireWaitMax the longest such wait
 * @param acquireWaitCount how many waits the percentiles describe: every connection the quota
 *     granted (at once, as a zero wait, or after waiting), and every refusal after a wait (none
 *     with an acquire timeout of zero); a wait cut short by an interrupt is not counted
 * @param acquireWaitTotal the exact sum of those waits, so that {@code acquireWaitTotal /
 *     acquireWaitCount} is the mean wait
 */
public record ConnectionCompartmentStats(
        String name,
        String pool,
        int limit,
        int reserved,
        int inUse,
        int waiting,
        long acquired,
        long acquireTimeouts,
        long connectionErrors,
        long leaks,
        long reclaimed,
        Duration acquireWaitP50,
        Duration acquireWaitP99,
        Duration acquireWaitMax,
        long acquireWaitCount,
        Duration acquireWaitTotal) {

    /**
     * A snapshot without the count and sum of the waits (both zero), for stats built by hand, as
     * tests and demos do.
     *
     * @param name the compartment's name
     * @param pool the name of its pool
     * @param limit its ceiling
     * @param reserved its reservation
     * @param inUse the connections it holds now
     * @param waiting the callers waiting now
     * @param acquired connections handed out
     * @param acquireTimeouts callers refused after the acquire timeout
     * @param connectionErrors connection failures
     * @param leaks leaks reported
     * @param reclaimed leaked connections taken back
     * @param acquireWaitP50 the median wait
     * @param acquireWaitP99 the 99th percentile of the wait
     * @param acquireWaitMax the longest wait
     */
    public ConnectionCompartmentStats(String name, String pool, int limit, int reserved, int inUse, int waiting,
            long acquired, long acquireTimeouts, long connectionErrors, long leaks, long reclaimed,
            Duration acquireWaitP50, Duration acquireWaitP99, Duration acquireWaitMax) {
        this(name, pool, limit, reserved, inUse, waiting, acquired, acquireTimeouts, connectionErrors, leaks, reclaimed,
                acquireWaitP50, acquireWaitP99, acquireWaitMax, 0, Duration.ZERO);
    }

    /** {@return the share of the limit in use now, from 0 to 1} */
    public double utilization() {
        return (double) inUse / limit;
    }
}
