package dev.watertight.testing;

import java.math.BigInteger;
import java.time.Duration;

/**
 * The token bucket a {@code RateLimiter} is specified as, written the plainest way: a credit of
 * earned nanoseconds and the reading it was last brought up to date with (the "continuous-state
 * leaky bucket" form of the GCRA), in exact arithmetic. The limiter keeps a single arrival time
 * instead (the "virtual scheduling" form); the property tests check that the two agree.
 *
 * <p>A permit costs {@code interval = ceil(period / permitsPerPeriod)} nanoseconds of credit; the
 * credit never exceeds {@code burst * interval}. Readings may wrap past {@code Long.MAX_VALUE};
 * the model is defined for a clock that never goes backwards. Not thread-safe.
 */
public final class ReferenceTokenBucket {
    private int burst;
    private BigInteger interval;
    private BigInteger capacity;
    private BigInteger credit;
    private long last;

    /**
     * A full bucket.
     *
     * @param permitsPerPeriod permits earned per period
     * @param period the period
     * @param burst the most permits held
     * @param now the current reading
     */
    public ReferenceTokenBucket(int permitsPerPeriod, Duration period, int burst, long now) {
        setRate(permitsPerPeriod, period, burst);
        this.credit = capacity;
        this.last = now;
    }

    private void setRate(int permitsPerPeriod, Duration period, int burst) {
        this.burst = burst;
        BigInteger[] division =
                BigInteger.valueOf(period.toNanos()).divideAndRemainder(BigInteger.valueOf(permitsPerPeriod));
        this.interval = division[1].signum() == 0 ? division[0] : division[0].add(BigInteger.ONE);
        this.capacity = interval.multiply(BigInteger.valueOf(burst));
    }

    /** Nanoseconds of refill per permit. */
    public long interval() {
        return interval.longValueExact();
    }

    /** Brings the credit up to the reading: the clock moved forward by {@code now - last} ns. */
    private void catchUp(long now) {
        long elapsed = now - last; // wraps like the clock does
        if (elapsed < 0) {
            throw new IllegalArgumentException("the reference model is for clocks that never go backwards");
        }
        credit = credit.add(BigInteger.valueOf(elapsed)).min(capacity);
        last = now;
    }

    /**
     * Takes the permits if the credit covers them.
     *
     * @param permits how many
     * @param now the reading
     * @return whether they were granted
     */
    public boolean tryAcquire(int permits, long now) {
        catchUp(now);
        if (permits > burst) {
            return false;
        }
        BigInteger cost = interval.multiply(BigInteger.valueOf(permits));
        if (credit.compareTo(cost) < 0) {
            return false;
        }
        credit = credit.subtract(cost);
        return true;
    }

    /**
     * How long until the permits would be covered, if nothing else is taken.
     *
     * @param permits how many
     * @param now the reading
     * @return nanoseconds, zero if covered now, {@link Long#MAX_VALUE} if more than the burst
     */
    public long shortfall(int permits, long now) {
        catchUp(now);
        if (permits > burst) {
            return Long.MAX_VALUE;
        }
        BigInteger cost = interval.multiply(BigInteger.valueOf(permits));
        return cost.subtract(credit).max(BigInteger.ZERO).longValueExact();
    }

    /**
     * Whole permits covered by the credit.
     *
     * @param now the reading
     * @return the count
     */
    public int available(long now) {
        catchUp(now);
        return credit.divide(interval).intValueExact();
    }

    /**
     * Changes the rate, keeping the credit as the same fraction of permits, capped at the new
     * burst and rounded down.
     *
     * @param permitsPerPeriod the new permits per period
     * @param period the new period
     * @param burst the new burst
     * @param now the reading
     */
    public void changeRate(int permitsPerPeriod, Duration period, int burst, long now) {
        catchUp(now);
        BigInteger oldInterval = interval;
        setRate(permitsPerPeriod, period, burst);
        credit = credit.multiply(interval).divide(oldInterval).min(capacity);
    }
}
