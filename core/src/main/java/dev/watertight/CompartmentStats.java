package dev.watertight;

/**
 * A snapshot of every guard of a {@link Compartment}; a component is null when the compartment
 * has no such guard.
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
        RetryStats retry,
        CircuitBreakerStats circuitBreaker,
        RateLimiterStats rateLimiter,
        BulkheadStats bulkhead,
        ThreadPoolStats threadPool,
        TimeoutStats timeout,
        ResourceStats resources,
        CpuBudgetStats cpuBudget) {}
