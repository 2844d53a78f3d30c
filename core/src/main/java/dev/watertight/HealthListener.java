package dev.watertight;

import org.jspecify.annotations.Nullable;

/**
 * Hears a compartment's health change, from a {@link HealthMonitor}: called once per change, never
 * once per sample, on the thread that sampled, after the monitor's {@link HealthMonitor#report()}
 * shows the change. Calls are made one at a time, in the order of the changes, so a listener
 * should be quick. Whatever it throws is caught and counted ({@link HealthMonitor#listenerFailures()}),
 * never passed on to the sampling.
 *
 * <p>Implementations must be thread-safe: the monitor calls them from the thread that takes a sample.
 */
@FunctionalInterface
public interface HealthListener {

    /**
     * The health of a compartment changed.
     *
     * @param previous its health before, or null if the monitor sees it for the first time (a
     *     compartment that is first seen healthy is not reported)
     * @param current its health now, or null if it is gone from the monitor's source (a
     *     compartment that leaves while healthy is not reported)
     */
    void onHealthChange(@Nullable CompartmentHealth previous, @Nullable CompartmentHealth current);
}
