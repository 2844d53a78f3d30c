package dev.watertight;

import dev.watertight.internal.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The settings of a {@link Timeout}, validated when made.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the compartment's name
 * @param timeout the longest a call may take, positive
 * @param timeSource where the timeout gets its time and schedules its expiries
 * @param listeners who hears timeouts, in order
 */
public record TimeoutConfig(String name, Duration timeout, TimeSource timeSource, List<CompartmentListener> listeners) {

    /**
     * Checks every setting.
     *
     * @throws IllegalArgumentException naming the first bad setting, its value and what is allowed
     */
    public TimeoutConfig {
        name = Settings.name(name);
        timeout = checkedTimeout(timeout);
        Objects.requireNonNull(timeSource, "timeSource must not be null");
        listeners = Settings.listeners(listeners);
    }

    /** The one check of {@code timeout}, for the builder and this record. */
    static Duration checkedTimeout(Duration timeout) {
        return Settings.positive("timeout", timeout);
    }

    /**
     * These settings with one more listener, after the ones already given.
     *
     * @param listener the listener to add
     * @return a copy with the listener
     */
    public TimeoutConfig withListener(CompartmentListener listener) {
        return new TimeoutConfig(name, timeout, timeSource, Settings.withListener(listeners, listener));
    }
}
