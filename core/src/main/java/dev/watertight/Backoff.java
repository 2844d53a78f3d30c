package dev.watertight;

import dev.watertight.internal.Settings;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * How long a {@link Retry} waits before each retry.
 *
 * <pre>{@code
 * Backoff.none()                                                        // retry at once
 * Backoff.fixed(Duration.ofMillis(200))                                 // 200 ms, 200 ms, ...
 * Backoff.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(5)) // 100, 200, 400 ms ... 5 s
 * Backoff.decorrelatedJitter(Duration.ofMillis(100), Duration.ofSeconds(5))
 * }</pre>
 *
 * <p><b>Never negative, never overflowed.</b> Every delay lies between zero and {@link #max()},
 * for any retry number up to {@link Integer#MAX_VALUE} and any extreme setting (a multiplier of
 * {@code 1e300}, a maximum of 292 years). Exponential delays are computed in floating point and
 * clamped to the maximum before they are turned back into nanoseconds; jitter bounds saturate at
 * {@link Long#MAX_VALUE} instead of wrapping around.
 *
 * <p><b>Which one.</b> When many callers fail at the same moment (a dependency restarts), fixed
 * and exponential delays make them retry at the same moment too, in waves. Decorrelated jitter
 * spreads them out and is the default of {@link Retry.Builder}: each delay is drawn at random
 * between {@code base} and three times the previous delay, then capped, as described in
 * <a href="https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/">Exponential
 * Backoff And Jitter</a> (AWS Architecture Blog, 2015).
 *
 * <p>Immutable and thread-safe. Two backoffs are equal when they are of the same kind with the
 * same settings.
 */
public final class Backoff {
    private static final Backoff NONE = new Backoff(Kind.NONE, 0, 1.0, 0);

    private enum Kind {
        NONE,
        FIXED,
        EXPONENTIAL,
        DECORRELATED_JITTER
    }

    private final Kind kind;
    /** The fixed delay, the exponential's first delay or the jitter's base, in nanoseconds. */
    private final long firstNanos;
    private final double multiplier;
    private final long maxNanos;

    private Backoff(Kind kind, long firstNanos, double multiplier, long maxNanos) {
        this.kind = kind;
        this.firstNanos = firstNanos;
        this.multiplier = multiplier;
        this.maxNanos = maxNanos;
    }

    /**
     * No wait at all: each retry follows its failure at once.
     *
     * @return the backoff
     */
    public static Backoff none() {
        return NONE;
    }

    /**
     * The same wait before every retry.
     *
     * @param delay zero or a positive duration of at most {@link Long#MAX_VALUE} nanoseconds
     * @return the backoff
     * @throws IllegalArgumentException if the delay is null, negative or too long
     */
    public static Backoff fixed(Duration delay) {
        long nanos = Settings.nonNegative("backoff.delay", delay).toNanos();
        return new Backoff(Kind.FIXED, nanos, 1.0, nanos);
    }

    /**
     * Waits that grow by a factor per retry, up to a maximum: retry {@code n} waits
     * {@code min(max, initial × multiplier^(n-1))}.
     *
     * @param initial the wait before the first retry: a positive duration
     * @param multiplier how much each wait grows: a finite number of at least 1.0
     * @param max the longest wait: at least {@code initial}, at most {@link Long#MAX_VALUE} ns
     * @return the backoff
     * @throws IllegalArgumentException naming the first bad argument and its value
     */
    public static Backoff exponential(Duration initial, double multiplier, Duration max) {
        long initialNanos = Settings.positive("backoff.initial", initial).toNanos();
        if (!Double.isFinite(multiplier) || multiplier < 1.0) {
            throw new IllegalArgumentException(
                    "backoff.multiplier must be a finite number of at least 1.0, was " + multiplier);
        }
        long maxNanos = atLeast("backoff.max", max, "backoff.initial", initial);
        return new Backoff(Kind.EXPONENTIAL, initialNanos, multiplier, maxNanos);
    }

    /**
     * Random waits that grow with the previous one ("decorrelated jitter"): each wait is drawn
     * between {@code base} and three times the previous wait (the first between {@code base} and
     * {@code 3 × base}), then capped at {@code max}.
     *
     * @param base the shortest wait: a positive duration
     * @param max the longest wait: at least {@code base}, at most {@link Long#MAX_VALUE} ns
     * @return the backoff
     * @throws IllegalArgumentException naming the first bad argument and its value
     */
    public static Backoff decorrelatedJitter(Duration base, Duration max) {
        long baseNanos = Settings.positive("backoff.base", base).toNanos();
        long maxNanos = atLeast("backoff.max", max, "backoff.base", base);
        return new Backoff(Kind.DECORRELATED_JITTER, baseNanos, 1.0, maxNanos);
    }

    private static long atLeast(String setting, Duration value, String lowerSetting, Duration lower) {
        Settings.positive(setting, value);
        if (value.compareTo(lower) < 0) {
            throw new IllegalArgumentException(setting + " must be at least " + lowerSetting + " ("
                    + lower + "), was " + value);
        }
        return value.toNanos();
    }

    /**
     * The wait before a retry, with jitter drawn from {@link ThreadLocalRandom}.
     *
     * @param retry which retry: 1 for the wait after the first attempt failed
     * @param previousDelayNanos the wait this backoff gave for the retry before (any value,
     *     zero for the first retry); only decorrelated jitter uses it
     * @return the wait in nanoseconds, from zero to {@link #max()}
     * @throws IllegalArgumentException if {@code retry} is less than 1
     */
    public long delayNanos(int retry, long previousDelayNanos) {
        return delayNanos(retry, previousDelayNanos, ThreadLocalRandom.current());
    }

    /**
     * The wait before a retry, with jitter drawn from the given source, so that tests and
     * simulations can repeat a sequence of waits.
     *
     * @param retry which retry: 1 for the wait after the first attempt failed
     * @param previousDelayNanos the wait this backoff gave for the retry before (any value,
     *     zero for the first retry); only decorrelated jitter uses it
     * @param random where jitter comes from; not used by the other kinds
     * @return the wait in nanoseconds, from zero to {@link #max()}
     * @throws IllegalArgumentException if {@code retry} is less than 1
     */
    public long delayNanos(int retry, long previousDelayNanos, RandomGenerator random) {
        if (retry < 1) {
            Settings.atLeast("retry", retry, 1); // throws, naming the value
        }
        return switch (kind) {
            case NONE -> 0;
            case FIXED -> firstNanos;
            case EXPONENTIAL -> exponentialNanos(retry);
            case DECORRELATED_JITTER -> jitterNanos(previousDelayNanos, random);
        };
    }

    /**
     * {@code initial × multiplier^(retry-1)} in floating point, where it cannot overflow (it may
     * become infinite, which compares above any maximum), and turned back into a {@code long}
     * only when it is below the maximum. The clamps around the cast only absorb the rounding of
     * nanosecond counts above 2^53 to the nearest {@code double}.
     */
    private long exponentialNanos(int retry) {
        double scaled = firstNanos * Math.pow(multiplier, retry - 1);
        return scaled < maxNanos ? Math.min(maxNanos, Math.max(firstNanos, (long) scaled)) : maxNanos;
    }

    /**
     * AWS's {@code min(cap, random_between(base, previous × 3))}. A previous delay below the base
     * (the first retry passes zero) counts as the base; three times a previous delay saturates at
     * {@link Long#MAX_VALUE} rather than wrapping around to a negative bound.
     */
    private long jitterNanos(long previousDelayNanos, RandomGenerator random) {
        long previous = Math.max(previousDelayNanos, firstNanos);
        long upper = previous > Long.MAX_VALUE / 3 ? Long.MAX_VALUE : previous * 3;
        long drawn = upper > firstNanos ? random.nextLong(firstNanos, upper) : firstNanos;
        return Math.min(drawn, maxNanos);
    }

    /** {@return the longest wait this backoff ever gives; zero for {@link #none()}} */
    public Duration max() {
        return Duration.ofNanos(maxNanos);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Backoff that
                && kind == that.kind
                && firstNanos == that.firstNanos
                && Double.compare(multiplier, that.multiplier) == 0
                && maxNanos == that.maxNanos;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, firstNanos, multiplier, maxNanos);
    }

    /** The factory call that builds an equal backoff, such as {@code Backoff.fixed(PT0.2S)}. */
    @Override
    public String toString() {
        return switch (kind) {
            case NONE -> "Backoff.none()";
            case FIXED -> "Backoff.fixed(" + Duration.ofNanos(firstNanos) + ")";
            case EXPONENTIAL -> "Backoff.exponential(" + Duration.ofNanos(firstNanos) + ", " + multiplier
                    + ", " + Duration.ofNanos(maxNanos) + ")";
            case DECORRELATED_JITTER -> "Backoff.decorrelatedJitter(" + Duration.ofNanos(firstNanos) + ", "
                    + Duration.ofNanos(maxNanos) + ")";
        };
    }
}
