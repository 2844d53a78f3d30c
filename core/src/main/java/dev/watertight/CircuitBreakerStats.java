package dev.watertight;

/**
 * A snapshot of a {@link CircuitBreaker}.
 *
 * <p>The window counts are those of the breaker's current closed period (its sliding window
 * starts empty each time the breaker closes); while the breaker is open or half-open they are the
 * counts that tripped it. Rates are percentages, or -1 while the window holds fewer than
 * {@code minimumCalls} calls.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the breaker's name
 * @param state its state
 * @param windowCalls calls recorded in the sliding window
 * @param windowFailures of those, the failures
 * @param windowSlowCalls of those, the slow ones (zero unless a slow-call duration is set)
 * @param failureRate failures as a percentage of the window, or -1
 * @param slowCallRate slow calls as a percentage of the window, or -1
 * @param notPermitted calls refused since the breaker was built
 */
public record CircuitBreakerStats(
        String name,
        CircuitBreaker.State state,
        long windowCalls,
        long windowFailures,
        long windowSlowCalls,
        double failureRate,
        double slowCallRate,
        long notPermitted) {}
