package dev.watertight;

import dev.watertight.internal.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one {@link Compartment}, as a configuration file describes it: which guards it
 * has and how each is set. A component is null when the compartment has no such guard. Each
 * guard's settings come from that guard's builder ({@code Bulkhead.builder(name)...config()}),
 * so they were validated when they were made.
 *
 * <p>A {@link CompartmentRegistry} builds the compartment from these settings, and applies a
 * changed copy to the running guards in place.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the compartment's name
 * @param retry the retry's settings, or null
 * @param circuitBreaker the breaker's settings, or null
 * @param rateLimiter the rate limiter's settings, or null
 * @param bulkhead the bulkhead's settings, or null (not with a thread pool)
 * @param threadPool the thread pool's settings, or null (not with a bulkhead)
 * @param timeout how long a call may take, or null for no timeout
 * @param cpuCores the CPU budget in cores (its window the default one second), or null for none
 */
public record CompartmentConfig(
        String name,
        @Nullable RetryConfig retry,
        @Nullable CircuitBreakerConfig circuitBreaker,
        @Nullable RateLimiterConfig rateLimiter,
        @Nullable BulkheadConfig bulkhead,
        @Nullable ThreadPoolBulkheadConfig threadPool,
        @Nullable Duration timeout,
        @Nullable Double cpuCores) {

    /** Checks that the settings fit together. */
    public CompartmentConfig {
        Settings.name(name);
        if (bulkhead != null && threadPool != null) {
            throw new IllegalArgumentException("compartment '" + name
                    + "' has both a bulkhead and a thread pool; it may have one of them");
        }
        if (timeout != null) {
            Settings.positive("timeout", timeout);
        }
        if (cpuCores != null) {
            Settings.doubleBetween("cpuCores", cpuCores, 0.001, 1024);
        }
    }

    /**
     * The kinds of guard the compartment has, outermost first, e.g. {@code [circuitBreaker,
     * bulkhead, timeout]}: a running compartment can change its settings in place, not this.
     *
     * @return the kinds, in the compartment's order
     */
    public List<String> guards() {
        List<String> kinds = new ArrayList<>();
        if (cpuCores != null) {
            kinds.add("cpuBudget");
        }
        if (retry != null) {
            kinds.add("retry");
        }
        if (circuitBreaker != null) {
            kinds.add("circuitBreaker");
        }
        if (rateLimiter != null) {
            kinds.add("rateLimiter");
        }
        if (bulkhead != null) {
            kinds.add("bulkhead");
        }
        if (threadPool != null) {
            kinds.add(threadPool.virtualThreads() ? "threadPool (virtual threads)" : "threadPool");
        }
        if (timeout != null) {
            kinds.add("timeout");
        }
        return List.copyOf(kinds);
    }
}
