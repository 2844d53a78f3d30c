package dev.watertight.jdbc;

import java.time.Duration;

/**
 * A snapshot of one connection compartment.
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
        Duration acquireWaitMax) {

    /** The share of the limit in use now, from 0 to 1. */
    public double utilization() {
        return (double) inUse / limit;
    }
}
