package dev.watertight.internal;

import dev.watertight.BulkheadStats;
import dev.watertight.CircuitBreaker;
import dev.watertight.CircuitBreakerStats;
import dev.watertight.CompartmentStats;
import dev.watertight.CpuBudgetStats;
import dev.watertight.RateLimiterStats;
import dev.watertight.ThreadPoolStats;
import dev.watertight.TimeoutStats;
import org.jspecify.annotations.Nullable;

/**
 * What a health monitor reads from one {@link CompartmentStats} snapshot: the instant values it
 * averages over time, the cumulative counters whose growth gives its rates, and the breaker's
 * state. A value the compartment's guards cannot give is {@link Double#NaN} (instant values) or
 * -1 (counters).
 *
 * <p>Which counters are used, guard by guard (see {@link dev.watertight.Compartment} for the
 * order of the stack):
 * <ul>
 *   <li>utilization: a thread pool's active threads over its threads, else a bulkhead's permits
 *       in use over its limit;</li>
 *   <li>queue fill: a thread pool's queued tasks over its queue capacity (none with no queue). A
 *       bulkhead's waiting callers are left out: callers wait only while every permit is taken,
 *       which utilization already shows, and their number has no bound to be a share of;</li>
 *   <li>rejected: every guard's refusals added up (a refused call goes no further in, so none is
 *       counted twice): the CPU budget's refused, the breaker's not permitted, the rate limiter's
 *       rejected, the bulkhead's or pool's rejected;</li>
 *   <li>admitted: calls that passed every admission guard, read from the innermost one that
 *       counts them: the pool's submitted, else the bulkhead's accepted, else the rate limiter's
 *       granted, else the timeout's calls;</li>
 *   <li>ended and failed: the pool's succeeded + failed + timed out and failed + timed out (a
 *       cancellation is the caller's choice, not a failure), else the bulkhead's succeeded +
 *       failed and failed (a timeout inside it is a failure), else the timeout's calls and timed
 *       out (calls still running count as ended: a slight underestimate of the rate).</li>
 * </ul>
 * With a retry outside, these count attempts, not calls. The retry's own counters are not used.
 *
 * @param utilization in use over the limit now, or NaN
 * @param queueFill queued over queue capacity now, or NaN
 * @param admitted calls admitted so far, or -1
 * @param rejected calls refused so far, or -1 when nothing can refuse or nothing counts admissions
 * @param ended calls that ended so far, or -1
 * @param failed of those, the failures, or -1
 * @param breaker the breaker's state, or null
 */
public record HealthReading(
        double utilization,
        double queueFill,
        long admitted,
        long rejected,
        long ended,
        long failed,
        CircuitBreaker.@Nullable State breaker) {

    /**
     * Reads a snapshot.
     *
     * @param stats the snapshot
     * @return what the monitor needs of it
     */
    public static HealthReading of(CompartmentStats stats) {
        ThreadPoolStats pool = stats.threadPool();
        BulkheadStats bulkhead = stats.bulkhead();
        RateLimiterStats limiter = stats.rateLimiter();
        CircuitBreakerStats breaker = stats.circuitBreaker();
        TimeoutStats timeout = stats.timeout();
        CpuBudgetStats cpu = stats.cpuBudget();

        double utilization = Double.NaN;
        double queueFill = Double.NaN;
        long admitted = -1;
        long ended = -1;
        long failed = -1;
        if (pool != null) {
            utilization = share(pool.activeThreads(), pool.threads());
            queueFill = share(pool.queued(), pool.queueCapacity());
            admitted = pool.submitted();
            ended = pool.succeeded() + pool.failed() + pool.timedOut();
            failed = pool.failed() + pool.timedOut();
        } else if (bulkhead != null) {
            utilization = share(bulkhead.inUse(), bulkhead.maxConcurrent());
            admitted = bulkhead.accepted();
            ended = bulkhead.succeeded() + bulkhead.failed();
            failed = bulkhead.failed();
        } else if (timeout != null) {
            ended = timeout.calls();
            failed = timeout.timedOut();
        }
        if (admitted < 0) {
            admitted = limiter != null ? limiter.granted() : timeout != null ? timeout.calls() : -1;
        }

        long rejected = -1;
        boolean canRefuse = pool != null || bulkhead != null || limiter != null || breaker != null || cpu != null;
        if (canRefuse && admitted >= 0) {
            rejected = (pool != null ? pool.rejected() : 0)
                    + (bulkhead != null ? bulkhead.rejected() : 0)
                    + (limiter != null ? limiter.rejected() : 0)
                    + (breaker != null ? breaker.notPermitted() : 0)
                    + (cpu != null ? cpu.refused() : 0);
        } else {
            admitted = -1;
        }
        return new HealthReading(utilization, queueFill, admitted, rejected, ended, failed,
                breaker != null ? breaker.state() : null);
    }

    /**
     * Whether another reading has the same signals, so that windows of the two can be compared.
     *
     * @param other the other reading
     * @return true if each signal is present in both or absent from both
     */
    public boolean sameShape(HealthReading other) {
        return Double.isNaN(utilization) == Double.isNaN(other.utilization)
                && Double.isNaN(queueFill) == Double.isNaN(other.queueFill)
                && (rejected < 0) == (other.rejected < 0)
                && (failed < 0) == (other.failed < 0);
    }

    private static double share(int part, int whole) {
        return whole > 0 ? (double) part / whole : Double.NaN;
    }
}
