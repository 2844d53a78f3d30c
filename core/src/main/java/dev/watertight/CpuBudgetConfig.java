package dev.watertight;

import dev.watertight.internal.Settings;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings of a {@link CpuBudget}, validated when made.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the compartment's name
 * @param cores the CPU rate allowed, from 0.001 to 1024 (0.5 is half of one core)
 * @param window how far ahead of its rate the compartment may run, from 1 ms to 1 minute
 * @param whenOver what a call does when the compartment is over its budget
 * @param maxWait how long a call may wait for the compartment to be within its budget, from 0 to 1 hour
 * @param writableStackTrace whether refusals record a stack trace
 * @param timeSource the clock
 */
public record CpuBudgetConfig(String name, double cores, Duration window, CpuBudget.WhenOver whenOver,
        Duration maxWait, boolean writableStackTrace, TimeSource timeSource) {

    /** The window when none is given. */
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(1);

    /** The longest wait when none is given. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(5);

    /**
     * Checks every setting.
     *
     * @throws IllegalArgumentException naming the first bad setting, its value and what is allowed
     */
    public CpuBudgetConfig {
        name = Settings.name(name);
        checkedCores(cores);
        checkedWindow(window);
        Objects.requireNonNull(whenOver, "whenOver must not be null");
        checkedMaxWait(maxWait);
        Objects.requireNonNull(timeSource, "timeSource must not be null");
    }

    /**
     * A budget of {@code cores} with the other settings at their defaults.
     *
     * @param name the compartment's name
     * @param cores from 0.001 to 1024
     * @return the settings
     */
    public static CpuBudgetConfig of(String name, double cores) {
        return new CpuBudgetConfig(name, cores, DEFAULT_WINDOW, CpuBudget.WhenOver.WAIT, DEFAULT_MAX_WAIT, false,
                TimeSource.system());
    }

    /** The one check of {@code cores}, for the builder and this record. */
    static double checkedCores(double cores) {
        return Settings.doubleBetween("cores", cores, 0.001, 1024);
    }

    /** The one check of {@code window}, for the builder and this record. */
    static Duration checkedWindow(Duration window) {
        return Settings.durationBetween("window", window, Duration.ofMillis(1), Duration.ofMinutes(1));
    }

    /** The one check of {@code maxWait}, for the builder and this record. */
    static Duration checkedMaxWait(Duration maxWait) {
        return Settings.durationBetween("maxWait", maxWait, Duration.ZERO, Duration.ofHours(1));
    }
}
