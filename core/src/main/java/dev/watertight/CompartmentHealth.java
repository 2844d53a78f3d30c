package dev.watertight;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The health of one compartment as a {@link HealthMonitor} last judged it, with the signals it
 * judged from. Every signal is over the monitor's window (see {@link HealthThresholds}); a signal
 * is null when the compartment has no guard that gives it, or, for a rate, when the window holds
 * fewer than {@link HealthThresholds#minimumCalls()} calls.
 *
 * <p>Immutable and thread-safe (the reasons are copied).
 *
 * @param name the compartment's name
 * @param health its health
 * @param reasons why it is not healthy, one short sentence per signal naming its value and the
 *     threshold, such as {@code "utilization 0.86 over 30 s >= 0.80"}; empty when healthy
 * @param utilization permits or threads in use over the limit, averaged over the window, or null
 * @param rejectionRate calls refused over calls offered in the window, or null
 * @param failureRate calls failed (or timed out) over calls ended in the window, or null
 * @param queueFill a thread pool's queued tasks over its queue capacity, averaged over the
 *     window, or null
 * @param breakerState the circuit breaker's state at the last sample, or null if there is none
 * @param since when the health last changed (or when the monitor first saw the compartment)
 */
public record CompartmentHealth(
        String name,
        Health health,
        List<String> reasons,
        @Nullable Double utilization,
        @Nullable Double rejectionRate,
        @Nullable Double failureRate,
        @Nullable Double queueFill,
        CircuitBreaker.@Nullable State breakerState,
        Instant since) {

    /** Checks the components and copies the reasons. */
    public CompartmentHealth {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(health, "health");
        reasons = List.copyOf(reasons);
        Objects.requireNonNull(since, "since");
    }
}
