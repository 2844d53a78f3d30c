package dev.watertight;

import dev.watertight.internal.Settings;
import java.time.Duration;
import java.util.List;

/**
 * The settings of a {@link Bulkhead}, immutable and validated.
 *
 * @param name the compartment's name
 * @param maxConcurrent how many calls may hold a permit at once, when built
 * @param maxWait how long a caller may wait for a permit; zero means not at all
 * @param fair whether waiting callers are served strictly in arrival order
 * @param writableStackTrace whether rejections record a stack trace
 * @param listeners who hears rejections, in order
 */
public record BulkheadConfig(
        String name,
        int maxConcurrent,
        Duration maxWait,
        boolean fair,
        boolean writableStackTrace,
        List<CompartmentListener> listeners) {

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
    }
}
