package dev.watertight;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of every guard of a {@link Compartment}; a component is null when the compartment
 * has no such guard.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the compartment's name
 * @param retry the retry's stats, or null
 * @param circuitBreaker the breaker's stats, or null
 * @param rateLimiter the rate limiter's stats, or null
 * @param bulkhead the bulkhead's stats, or null
 * @param threadPool the thread pool's stats, or null
 * @param timeout the timeout's stats, or null
 * @param resources what the compartment's calls used (CPU time, bytes allocated), or null if it
 *     has no {@link ResourceMeter}
 * @param cpuBudget its CPU budget's stats, or null
 */
public record CompartmentStats(
        String name,
        @Nullable RetryStats retry,
        @Nullable CircuitBreakerStats circuitBreaker,
        @Nullable RateLimiterStats rateLimiter,
        @Nullable BulkheadStats bulkhead,
        @Nullable ThreadPoolStats threadPool,
        @Nullable TimeoutStats timeout,
        @Nullable ResourceStats resources,
        @Nullable CpuBudgetStats cpuBudget) {}
