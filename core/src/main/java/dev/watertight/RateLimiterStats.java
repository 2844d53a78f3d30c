package dev.watertight;

import java.time.Duration;

/**
 * A snapshot of a {@link RateLimiter}: its rate when the snapshot was taken, and its counters.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the compartment's name
 * @param permitsPerPeriod permits earned per period, as of the last rate change
 * @param period the period, as of the last rate change
 * @param burst the most permits saved up, as of the last rate change
 * @param availablePermits whole permits free now, from 0 to {@code burst}
 * @param waiting callers waiting for permits now
 * @param granted permits granted since the rate limiter was built, by every method
 * @param rejected calls refused with a {@link RateLimitExceededException} (a {@code false} from
 *     {@code tryAcquire} is an answer, not a rejection, and is not counted)
 */
public record RateLimiterStats(
        String name,
        int permitsPerPeriod,
        Duration period,
        int burst,
        int availablePermits,
        int waiting,
        long granted,
        long rejected) {}
