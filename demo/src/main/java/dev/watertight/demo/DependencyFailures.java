package dev.watertight.demo;

import dev.watertight.CircuitBreakerConfig;
import dev.watertight.CompartmentConfig;
import dev.watertight.GuardKind;
import dev.watertight.WatertightConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * What a dependency's circuit breaker counts, given to every breaker of the configuration: only
 * the dependency's own failures — a timeout, a 5xx, an unreachable or garbled answer
 * ({@link DependencyFailedException}) — never a refusal on the request's merits
 * ({@link DependencyRefusedException}, a 4xx) or a client's mistake ({@link ApiException}), which
 * count for nothing. Anything else (a bug of the shop's own) counts as a success: it says nothing
 * about the dependency. The file sets the numbers; these predicates are code, as they must be.
 */
final class DependencyFailures {
    private DependencyFailures() {}

    /** Whether a breaker records this as the dependency's failure. */
    static boolean isFailure(Throwable failure) {
        return failure instanceof DependencyFailedException || failure instanceof TimeoutException;
    }

    /** Whether a breaker ignores this outcome altogether. */
    static boolean isIgnored(Throwable failure) {
        return failure instanceof DependencyRefusedException || failure instanceof ApiException;
    }

    /** The configuration with these predicates on every breaker. */
    static WatertightConfig applied(WatertightConfig config) {
        Map<String, CompartmentConfig> compartments = new LinkedHashMap<>();
        config.compartments().forEach((name, c) -> {
            CircuitBreakerConfig breaker = c.circuitBreaker();
            if (breaker == null) {
                compartments.put(name, c);
                return;
            }
            Map<GuardKind<?, ?, ?>, Object> settings = new LinkedHashMap<>(c.settings());
            settings.put(GuardKind.CIRCUIT_BREAKER, applied(breaker));
            compartments.put(name, new CompartmentConfig(c.name(), settings));
        });
        return new WatertightConfig(compartments, config.memory(), config.connectionPools(),
                config.connectionCompartments(), config.keyed(), config.health());
    }

    private static CircuitBreakerConfig applied(CircuitBreakerConfig b) {
        return new CircuitBreakerConfig(b.name(), b.failureRateThreshold(), b.slowCallRateThreshold(),
                b.slowCallDuration(), b.slidingWindowSize(), b.slidingWindowDuration(), b.minimumCalls(),
                b.consecutiveFailures(), b.openDuration(), b.openDurationMultiplier(), b.maxOpenDuration(),
                b.halfOpenProbes(), b.halfOpenDeadline(), DependencyFailures::isFailure, DependencyFailures::isIgnored,
                b.failureResult(), b.writableStackTrace(), b.timeSource(), b.listeners());
    }
}
