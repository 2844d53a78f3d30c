package dev.watertight;

import dev.watertight.internal.GcraRateLimiter;
import dev.watertight.internal.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The settings of a {@link RateLimiter}, immutable and validated.
 *
 * @param name the compartment's name
 * @param permitsPerPeriod how many permits are earned per period, when built
 * @param period the period over which they are earned, evenly
 * @param burst the most permits saved up, and granted at one instant
 * @param maxWait how long a caller may wait for its permits; zero means not at all
 * @param writableStackTrace whether rejections record a stack trace
 * @param timeSource where the rate limiter reads the time and schedules wake-ups
 * @param listeners who hears rejections, in order
 */
public record RateLimiterConfig(
        String name,
        int permitsPerPeriod,
        Duration period,
        int burst,
        Duration maxWait,
        boolean writableStackTrace,
        TimeSource timeSource,
        List<CompartmentListener> listeners) {

    /** The period used when none is given. */
    public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(1);

    /**
     * Checks every setting, and that the rate is usable: at most one permit per nanosecond, and a
     * full burst earned in at most about 146 years.
     *
     * @throws IllegalArgumentException naming the first bad setting, its value and what is allowed
     */
    public RateLimiterConfig {
        name = Settings.name(name);
        GcraRateLimiter.checkRate(permitsPerPeriod, period, burst);
        maxWait = Settings.nonNegative("maxWait", maxWait);
        Objects.requireNonNull(timeSource, "timeSource must not be null");
        listeners = Settings.listeners(listeners);
    }

    /**
     * These settings with one more listener, after the ones already given.
     *
     * @param listener the listener to add
     * @return a copy with the listener
     */
    public RateLimiterConfig withListener(CompartmentListener listener) {
        return new RateLimiterConfig(name, permitsPerPeriod, period, burst, maxWait, writableStackTrace, timeSource,
                Settings.withListener(listeners, listener));
    }
}
