package dev.watertight;

import dev.watertight.internal.Settings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one {@link Compartment}, as a configuration file describes it: which guards it
 * has and how each is set, one settings record per {@link GuardKind}. Each guard's settings come
 * from that guard's builder ({@code Bulkhead.builder(name)...config()}), so they were validated
 * when they were made.
 *
 * <p>A {@link CompartmentRegistry} builds the compartment from these settings, and applies a
 * changed copy to the running guards in place.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the compartment's name
 * @param settings each guard's settings record, by kind, in the compartment's order (outermost first)
 */
public record CompartmentConfig(String name, Map<GuardKind<?, ?, ?>, Object> settings) {

    /**
     * Checks the name, that each value is its kind's settings record, and that the guards fit
     * together; copies the map in the compartment's order.
     *
     * @throws IllegalArgumentException naming what does not fit
     */
    public CompartmentConfig {
        Settings.name(name);
        Objects.requireNonNull(settings, "settings must not be null");
        List<GuardKind<?, ?, ?>> kinds = new ArrayList<>(settings.keySet());
        kinds.sort(Comparator.comparingInt(GuardKind::rank));
        Map<GuardKind<?, ?, ?>, Object> ordered = new LinkedHashMap<>();
        for (GuardKind<?, ?, ?> kind : kinds) {
            Object config = Objects.requireNonNull(settings.get(kind), () -> kind.name() + " must not be null");
            ordered.put(kind, kind.castConfig(config));
        }
        for (GuardKind<?, ?, ?> kind : kinds) {
            kind.excludes().ifPresent(other -> kinds.stream()
                    .filter(given -> given.name().equals(other) && kind.name().compareTo(other) < 0)
                    .findFirst()
                    .ifPresent(given -> {
                        throw new IllegalArgumentException("compartment '" + name + "' has both a " + kind.title()
                                + " and a " + given.title() + "; it may have one of them");
                    }));
        }
        settings = Collections.unmodifiableMap(ordered);
    }

    /**
     * The settings of a compartment with the guards of this library's own kinds; a null argument
     * is a guard the compartment does not have.
     *
     * @param name the compartment's name
     * @param retry the retry's settings, or null
     * @param circuitBreaker the breaker's settings, or null
     * @param rateLimiter the rate limiter's settings, or null
     * @param bulkhead the bulkhead's settings, or null (not with a thread pool)
     * @param threadPool the thread pool's settings, or null (not with a bulkhead)
     * @param timeout the timeout's settings, or null for no timeout
     * @param cpuBudget the CPU budget's settings, or null for none
     */
    public CompartmentConfig(String name, @Nullable RetryConfig retry, @Nullable CircuitBreakerConfig circuitBreaker,
            @Nullable RateLimiterConfig rateLimiter, @Nullable BulkheadConfig bulkhead,
            @Nullable ThreadPoolBulkheadConfig threadPool, @Nullable TimeoutConfig timeout,
            @Nullable CpuBudgetConfig cpuBudget) {
        this(name, given(GuardKind.RETRY, retry, GuardKind.CIRCUIT_BREAKER, circuitBreaker, GuardKind.RATE_LIMITER,
                rateLimiter, GuardKind.BULKHEAD, bulkhead, GuardKind.THREAD_POOL, threadPool, GuardKind.TIMEOUT, timeout,
                GuardKind.CPU_BUDGET, cpuBudget));
    }

    /** The given ones of kinds and settings in pairs. */
    private static Map<GuardKind<?, ?, ?>, Object> given(@Nullable Object... kindsAndSettings) {
        Map<GuardKind<?, ?, ?>, Object> given = new LinkedHashMap<>();
        for (int i = 0; i < kindsAndSettings.length; i += 2) {
            Object config = kindsAndSettings[i + 1];
            if (config != null) {
                given.put((GuardKind<?, ?, ?>) Objects.requireNonNull(kindsAndSettings[i]), config);
            }
        }
        return given;
    }

    /**
     * The settings of one kind of guard.
     *
     * @param kind the kind
     * @param <C> its settings record
     * @return the settings, or empty if the compartment has no such guard
     */
    public <C> Optional<C> get(GuardKind<?, C, ?> kind) {
        Object config = settings.get(kind);
        return config == null ? Optional.empty() : Optional.of(kind.castConfig(config));
    }

    /** {@return the retry's settings, or null} */
    public @Nullable RetryConfig retry() {
        return get(GuardKind.RETRY).orElse(null);
    }

    /** {@return the breaker's settings, or null} */
    public @Nullable CircuitBreakerConfig circuitBreaker() {
        return get(GuardKind.CIRCUIT_BREAKER).orElse(null);
    }

    /** {@return the rate limiter's settings, or null} */
    public @Nullable RateLimiterConfig rateLimiter() {
        return get(GuardKind.RATE_LIMITER).orElse(null);
    }

    /** {@return the bulkhead's settings, or null} */
    public @Nullable BulkheadConfig bulkhead() {
        return get(GuardKind.BULKHEAD).orElse(null);
    }

    /** {@return the thread pool's settings, or null} */
    public @Nullable ThreadPoolBulkheadConfig threadPool() {
        return get(GuardKind.THREAD_POOL).orElse(null);
    }

    /** {@return the timeout's settings, or null} */
    public @Nullable TimeoutConfig timeout() {
        return get(GuardKind.TIMEOUT).orElse(null);
    }

    /** {@return the CPU budget's settings, or null} */
    public @Nullable CpuBudgetConfig cpuBudget() {
        return get(GuardKind.CPU_BUDGET).orElse(null);
    }

    /**
     * The kinds of guard the compartment has, outermost first, e.g. {@code [circuitBreaker,
     * bulkhead, timeout]}: a running compartment can change its settings in place, not this.
     *
     * @return the kinds, in the compartment's order
     */
    public List<String> guards() {
        List<String> kinds = new ArrayList<>();
        settings.forEach((kind, config) -> kinds.add(label(kind, config)));
        return List.copyOf(kinds);
    }

    private static <C> String label(GuardKind<?, C, ?> kind, Object config) {
        return kind.label(kind.castConfig(config));
    }
}
