package dev.watertight;

import dev.watertight.internal.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The settings of a {@link CircuitBreaker}, immutable and validated. See the builder's methods
 * for what each one means.
 *
 * @param name the breaker's name
 * @param failureRateThreshold the failure rate, in percent, that trips the breaker
 * @param slowCallRateThreshold the slow-call rate, in percent, that trips the breaker
 * @param slowCallDuration how long a call may take before it is slow; null for no slow-call tracking
 * @param slidingWindowSize the calls a count-based window holds
 * @param slidingWindowDuration the span of a time-based window; null for a count-based one
 * @param minimumCalls the calls the window must hold before a rate can trip the breaker
 * @param consecutiveFailures failures in a row that trip the breaker; 0 for off
 * @param openDuration the first open period
 * @param openDurationMultiplier the growth of each further open period
 * @param maxOpenDuration the longest open period
 * @param halfOpenProbes the probe calls a half-open round lets through, in all (not at a time)
 * @param halfOpenDeadline how long a round of probes may take before a fresh round is admitted
 * @param recordFailures which exceptions count as failures
 * @param ignoreFailures which exceptions count for nothing
 * @param failureResult which results count as failures; null for none
 * @param writableStackTrace whether rejections record a stack trace
 * @param timeSource where the breaker gets its time
 * @param listeners who hears state changes and rejections
 */
public record CircuitBreakerConfig(
        String name,
        double failureRateThreshold,
        double slowCallRateThreshold,
        @Nullable Duration slowCallDuration,
        int slidingWindowSize,
        @Nullable Duration slidingWindowDuration,
        int minimumCalls,
        int consecutiveFailures,
        Duration openDuration,
        double openDurationMultiplier,
        Duration maxOpenDuration,
        int halfOpenProbes,
        Duration halfOpenDeadline,
        Predicate<? super Throwable> recordFailures,
        Predicate<? super Throwable> ignoreFailures,
        @Nullable Predicate<Object> failureResult,
        boolean writableStackTrace,
        TimeSource timeSource,
        List<CompartmentListener> listeners) {

    /** The most calls a count-based window may hold. */
    public static final int MAX_WINDOW_CALLS = 1_000_000;

    /** The number of buckets a time-based window is kept in. */
    public static final int TIME_WINDOW_BUCKETS = 10;

    /**
     * Checks every setting.
     *
     * @throws IllegalArgumentException naming the first bad setting, its value and what is allowed
     */
    public CircuitBreakerConfig {
        name = Settings.name(name);
        Settings.percent("failureRateThreshold", failureRateThreshold);
        Settings.percent("slowCallRateThreshold", slowCallRateThreshold);
        if (slowCallDuration != null) {
            Settings.positive("slowCallDuration", slowCallDuration);
        }
        Settings.between("slidingWindowSize", slidingWindowSize, 1, MAX_WINDOW_CALLS);
        if (slidingWindowDuration != null) {
            Settings.durationBetween("slidingWindowDuration", slidingWindowDuration,
                    Duration.ofMillis(100), Duration.ofDays(1));
        }
        Settings.atLeast("minimumCalls", minimumCalls, 1);
        Settings.atLeast("consecutiveFailures", consecutiveFailures, 0);
        Settings.positive("openDuration", openDuration);
        Settings.doubleBetween("openDurationMultiplier", openDurationMultiplier, 1, 100);
        Settings.positive("maxOpenDuration", maxOpenDuration);
        if (maxOpenDuration.compareTo(openDuration) < 0) {
            throw new IllegalArgumentException("maxOpenDuration must be at least openDuration ("
                    + openDuration + "), was " + maxOpenDuration);
        }
        Settings.between("halfOpenProbes", halfOpenProbes, 1, 10_000);
        Settings.positive("halfOpenDeadline", halfOpenDeadline);
        Objects.requireNonNull(recordFailures, "recordFailures must not be null");
        Objects.requireNonNull(ignoreFailures, "ignoreFailures must not be null");
        Objects.requireNonNull(timeSource, "timeSource must not be null");
        listeners = Settings.listeners(listeners);
    }

    /** {@return whether the window is time-based} */
    public boolean timeBasedWindow() {
        return slidingWindowDuration != null;
    }

    /**
     * These settings with one more listener, after the ones already given.
     *
     * @param listener the listener to add
     * @return a copy with the listener
     */
    public CircuitBreakerConfig withListener(CompartmentListener listener) {
        return new CircuitBreakerConfig(name, failureRateThreshold, slowCallRateThreshold, slowCallDuration,
                slidingWindowSize, slidingWindowDuration, minimumCalls, consecutiveFailures, openDuration,
                openDurationMultiplier, maxOpenDuration, halfOpenProbes, halfOpenDeadline, recordFailures,
                ignoreFailures, failureResult, writableStackTrace, timeSource, Settings.withListener(listeners, listener));
    }
}
