package dev.watertight;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of every guard of a {@link Compartment}: one stats record per {@link GuardKind} it
 * has, outermost first.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the compartment's name
 * @param guards each guard's stats, by kind, in the compartment's order
 */
public record CompartmentStats(String name, Map<GuardKind<?, ?, ?>, Object> guards) {

    /** Checks that each value is its kind's stats record, and copies the map. */
    public CompartmentStats {
        Objects.requireNonNull(name, "name must not be null");
        Map<GuardKind<?, ?, ?>, Object> copy = new LinkedHashMap<>();
        guards.forEach((kind, stats) -> copy.put(kind, kind.castStats(Objects.requireNonNull(stats, kind.name()))));
        guards = Collections.unmodifiableMap(copy);
    }

    /**
     * A snapshot of a compartment with guards of this library's own kinds; a null argument is a
     * guard the compartment does not have.
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
    public CompartmentStats(String name, @Nullable RetryStats retry, @Nullable CircuitBreakerStats circuitBreaker,
            @Nullable RateLimiterStats rateLimiter, @Nullable BulkheadStats bulkhead, @Nullable ThreadPoolStats threadPool,
            @Nullable TimeoutStats timeout, @Nullable ResourceStats resources, @Nullable CpuBudgetStats cpuBudget) {
        this(name, given(GuardKind.CPU_BUDGET, cpuBudget, GuardKind.RETRY, retry, GuardKind.CIRCUIT_BREAKER,
                circuitBreaker, GuardKind.RATE_LIMITER, rateLimiter, GuardKind.BULKHEAD, bulkhead, GuardKind.THREAD_POOL,
                threadPool, GuardKind.TIMEOUT, timeout, GuardKind.RESOURCE_METER, resources));
    }

    private static Map<GuardKind<?, ?, ?>, Object> given(@Nullable Object... kindsAndStats) {
        Map<GuardKind<?, ?, ?>, Object> given = new LinkedHashMap<>();
        for (int i = 0; i < kindsAndStats.length; i += 2) {
            Object stats = kindsAndStats[i + 1];
            if (stats != null) {
                given.put((GuardKind<?, ?, ?>) Objects.requireNonNull(kindsAndStats[i]), stats);
            }
        }
        return given;
    }

    /**
     * The stats of one kind of guard.
     *
     * @param kind the kind
     * @param <S> its stats record
     * @return the stats, or empty if the compartment has no such guard
     */
    public <S> Optional<S> get(GuardKind<?, ?, S> kind) {
        Object stats = guards.get(kind);
        return stats == null ? Optional.empty() : Optional.of(kind.castStats(stats));
    }

    /** {@return the retry's stats, or null} */
    public @Nullable RetryStats retry() {
        return get(GuardKind.RETRY).orElse(null);
    }

    /** {@return the breaker's stats, or null} */
    public @Nullable CircuitBreakerStats circuitBreaker() {
        return get(GuardKind.CIRCUIT_BREAKER).orElse(null);
    }

    /** {@return the rate limiter's stats, or null} */
    public @Nullable RateLimiterStats rateLimiter() {
        return get(GuardKind.RATE_LIMITER).orElse(null);
    }

    /** {@return the bulkhead's stats, or null} */
    public @Nullable BulkheadStats bulkhead() {
        return get(GuardKind.BULKHEAD).orElse(null);
    }

    /** {@return the thread pool's stats, or null} */
    public @Nullable ThreadPoolStats threadPool() {
        return get(GuardKind.THREAD_POOL).orElse(null);
    }

    /** {@return the timeout's stats, or null} */
    public @Nullable TimeoutStats timeout() {
        return get(GuardKind.TIMEOUT).orElse(null);
    }

    /** {@return what the compartment's calls used (CPU time, bytes allocated), or null if it has no {@link ResourceMeter}} */
    public @Nullable ResourceStats resources() {
        return get(GuardKind.RESOURCE_METER).orElse(null);
    }

    /** {@return its CPU budget's stats, or null} */
    public @Nullable CpuBudgetStats cpuBudget() {
        return get(GuardKind.CPU_BUDGET).orElse(null);
    }
}
