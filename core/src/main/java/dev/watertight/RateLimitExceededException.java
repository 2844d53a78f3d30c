package dev.watertight;

import java.time.Duration;

/**
 * A call refused by a {@link RateLimiter}: its permits were not free, and did not become free
 * within {@code maxWait}; or the caller was interrupted while waiting for them; or it asked for
 * more permits than the burst, which no wait can grant.
 *
 * <p>The message names the compartment, its rate, how long the caller waited and when the permits
 * would be free, for example {@code RateLimiter 'search' is over its rate of 100 per 1 s: 1 permit
 * free again in 7 ms, rejected without waiting (maxWait 0 ms)}. When the caller was interrupted,
 * its interrupt status has been restored and {@link #interrupted()} is {@code true}.
 *
 * <p>Thread-safe once thrown: its fields are final and its message is built from them when it is read.
 *
 * @serial exclude
 */
public final class RateLimitExceededException extends CompartmentRejectedException {
    private static final long serialVersionUID = 1L;

    private final int permits;
    private final int permitsPerPeriod;
    private final Duration period;
    private final int burst;
    private final long waitedNanos;
    private final long maxWaitNanos;
    private final long retryAfterNanos;
    private final boolean interrupted;

    private RateLimitExceededException(
            String compartment,
            int permits,
            int permitsPerPeriod,
            Duration period,
            int burst,
            long waitedNanos,
            long maxWaitNanos,
            long retryAfterNanos,
            boolean interrupted,
            boolean captureStackTrace) {
        super(compartment, captureStackTrace);
        this.permits = permits;
        this.permitsPerPeriod = permitsPerPeriod;
        this.period = period;
        this.burst = burst;
        this.waitedNanos = waitedNanos;
        this.maxWaitNanos = maxWaitNanos;
        this.retryAfterNanos = retryAfterNanos;
        this.interrupted = interrupted;
    }

    /**
     * Permits that were not free in time. Guards create these; applications rarely need to.
     *
     * @param compartment the compartment's name
     * @param permits how many permits the caller asked for
     * @param permitsPerPeriod the rate's permits per period when the call was refused
     * @param period the rate's period
     * @param waitedNanos how long the caller waited
     * @param maxWaitNanos how long it was allowed to wait
     * @param retryAfterNanos how long after the refusal the permits would be free, if nobody
     *     else took them first
     * @param interrupted whether the wait ended by an interrupt
     * @param captureStackTrace whether to record the stack
     * @return the exception to throw
     */
    public static RateLimitExceededException ofRateLimiter(
            String compartment,
            int permits,
            int permitsPerPeriod,
            Duration period,
            long waitedNanos,
            long maxWaitNanos,
            long retryAfterNanos,
            boolean interrupted,
            boolean captureStackTrace) {
        return new RateLimitExceededException(compartment, permits, permitsPerPeriod, period, 0,
                waitedNanos, maxWaitNanos, retryAfterNanos, interrupted, captureStackTrace);
    }

    /**
     * More permits asked for at once than the burst: no wait could grant them at this rate.
     *
     * @param compartment the compartment's name
     * @param permits how many permits the caller asked for
     * @param permitsPerPeriod the rate's permits per period
     * @param period the rate's period
     * @param burst the rate's burst, less than {@code permits}
     * @param captureStackTrace whether to record the stack
     * @return the exception to throw
     */
    public static RateLimitExceededException ofBurstExceeded(
            String compartment, int permits, int permitsPerPeriod, Duration period, int burst,
            boolean captureStackTrace) {
        return new RateLimitExceededException(compartment, permits, permitsPerPeriod, period, burst,
                0, 0, Long.MAX_VALUE, false, captureStackTrace);
    }

    /** {@return how many permits the refused call asked for} */
    public int permits() {
        return permits;
    }

    /** {@return the rate's permits per period when the call was refused} */
    public int permitsPerPeriod() {
        return permitsPerPeriod;
    }

    /** {@return the rate's period when the call was refused} */
    public Duration period() {
        return period;
    }

    /** {@return how long the caller waited before it was refused, in nanoseconds; zero when refused at once} */
    public long waitedNanos() {
        return waitedNanos;
    }

    /**
     * How long after the refusal the permits would have been free, in nanoseconds, if nobody else
     * took them first: a hint for a {@code Retry-After}. {@link Long#MAX_VALUE} when they were
     * more than the burst.
     *
     * @return how long after the refusal the permits would have been free, in nanoseconds, if nobody else took them first
     */
    public long retryAfterNanos() {
        return retryAfterNanos;
    }

    /** {@return whether the caller was interrupted while it waited (its interrupt status is set again)} */
    public boolean interrupted() {
        return interrupted;
    }

    /** {@return whether the call asked for more permits than the burst, which no wait could grant} */
    public boolean burstExceeded() {
        return burst != 0;
    }

    @Override
    protected String describe() {
        String limiter = "RateLimiter '" + compartment() + "'";
        String rate = permitsPerPeriod + " per " + period(period);
        if (burstExceeded()) {
            return limiter + " refused " + count(permits) + " at once: more than its burst of " + burst
                    + ", which no wait can grant (rate " + rate + ")";
        }
        if (interrupted) {
            return limiter + " refused the call: the caller was interrupted after waiting "
                    + elapsed(waitedNanos) + " for " + count(permits) + " (rate " + rate + ")";
        }
        String over = limiter + " is over its rate of " + rate + ": " + count(permits) + " free again in "
                + elapsed(retryAfterNanos);
        if (waitedNanos == 0) {
            return over + ", rejected without waiting (maxWait " + elapsed(maxWaitNanos) + ")";
        }
        return over + ", waited " + elapsed(waitedNanos) + " (maxWait " + elapsed(maxWaitNanos) + ")";
    }

    private static String count(int permits) {
        return permits == 1 ? "1 permit" : permits + " permits";
    }

    /** A wait, truncated to the largest unit it reaches: {@code 250 ms}, {@code 80 us}, {@code 12 ns}. */
    private static String elapsed(long nanos) {
        if (nanos >= 1_000_000 || nanos == 0) {
            return nanos / 1_000_000 + " ms";
        }
        if (nanos >= 1_000) {
            return nanos / 1_000 + " us";
        }
        return nanos + " ns";
    }

    /** A period, exactly, in the largest unit that divides it: {@code 1 s}, {@code 1500 ms}, {@code 1 h}. */
    private static String period(Duration period) {
        long nanos = period.toNanos();
        long[] units = {86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L,
            1_000L};
        String[] names = {"d", "h", "min", "s", "ms", "us"};
        for (int i = 0; i < units.length; i++) {
            if (nanos % units[i] == 0) {
                return nanos / units[i] + " " + names[i];
            }
        }
        return nanos + " ns";
    }
}
