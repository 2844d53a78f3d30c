package dev.watertight;

import dev.watertight.internal.Settings;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The settings of a {@link Bulkhead}, immutable and validated.
 *
 * @param name the compartment's name
 * @param maxConcurrent how many calls may hold a permit at once, when built
 * @param maxWait how long a caller may wait for a permit; zero means not at all
 * @param fair whether waiting callers are served strictly in arrival order
 * @param writableStackTrace whether rejections record a stack trace
 * @param listeners who hears rejections, in order
 * @param share the share of a {@link SharedCapacity} the permits come from, or null for the
 *     bulkhead's own permits
 */
public record BulkheadConfig(
        String name,
        int maxConcurrent,
        Duration maxWait,
        boolean fair,
        boolean writableStackTrace,
        List<CompartmentListener> listeners,
        SharedCapacity.@Nullable Share share) {

    /** The limit used when none is given, as in the best-known Java bulkheads. */
    public static final int DEFAULT_MAX_CONCURRENT = 25;

    /**
     * Checks every setting.
     *
     * @throws IllegalArgumentException naming the first bad setting, its value and what is allowed
     */
    public BulkheadConfig {
        name = Settings.name(name);
        Settings.atLeast("maxConcurrent", maxConcurrent, 1);
        maxWait = Settings.nonNegative("maxWait", maxWait);
        listeners = Settings.listeners(listeners);
        if (share != null && maxConcurrent != share.ceiling()) {
            throw new IllegalArgumentException("maxConcurrent of a bulkhead on share '" + share.name()
                    + "' must be the share's ceiling " + share.ceiling() + ", was " + maxConcurrent);
        }
        if (share != null && fair) {
            throw new IllegalArgumentException("fair cannot be combined with share '" + share.name()
                    + "': a share's waiters are served in arrival order, and callers within the reservation never wait");
        }
    }

    /**
     * Settings of a bulkhead with its own permits.
     *
     * @param name the compartment's name
     * @param maxConcurrent how many calls may hold a permit at once
     * @param maxWait how long a caller may wait
     * @param fair whether waiting callers are served strictly in arrival order
     * @param writableStackTrace whether rejections record a stack trace
     * @param listeners who hears rejections
     */
    public BulkheadConfig(String name, int maxConcurrent, Duration maxWait, boolean fair,
            boolean writableStackTrace, List<CompartmentListener> listeners) {
        this(name, maxConcurrent, maxWait, fair, writableStackTrace, listeners, null);
    }

    /**
     * These settings with one more listener, after the ones already given.
     *
     * @param listener the listener to add
     * @return a copy with the listener
     */
    public BulkheadConfig withListener(CompartmentListener listener) {
        return new BulkheadConfig(name, maxConcurrent, maxWait, fair, writableStackTrace, Settings.withListener(listeners, listener), share);
    }
}
