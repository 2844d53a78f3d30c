package dev.watertight.internal;

import dev.watertight.CircuitBreakerConfig;

/**
 * The numeric settings of a running {@link WindowedCircuitBreaker}, converted once to the units
 * the call path uses. Immutable: the breaker holds one in a volatile field and
 * {@link WindowedCircuitBreaker#reconfigure} replaces it whole, so a call that reads the field
 * once sees one consistent set of settings.
 *
 * @param config the config these settings come from (the breaker's predicates, time source and
 *     listeners are those it was built with, whatever this config says)
 * @param slowCallNanos the slow-call duration in nanoseconds; 0 for no slow-call tracking
 * @param halfOpenDeadlineNanos how long a round of probes may take
 * @param openNanos the first open period
 * @param maxOpenNanos the longest open period
 */
record BreakerSettings(CircuitBreakerConfig config, long slowCallNanos, long halfOpenDeadlineNanos,
        long openNanos, long maxOpenNanos) {

    static BreakerSettings of(CircuitBreakerConfig config) {
        return new BreakerSettings(
                config,
                config.slowCallDuration() == null ? 0 : config.slowCallDuration().toNanos(),
                config.halfOpenDeadline().toNanos(),
                config.openDuration().toNanos(),
                config.maxOpenDuration().toNanos());
    }

    /** Whether a window built for {@code other} would have another shape than one built for these. */
    boolean windowDiffers(BreakerSettings other) {
        CircuitBreakerConfig mine = config;
        CircuitBreakerConfig theirs = other.config;
        return mine.timeBasedWindow() != theirs.timeBasedWindow()
                || (mine.timeBasedWindow()
                        ? !java.util.Objects.equals(mine.slidingWindowDuration(), theirs.slidingWindowDuration())
                        : mine.slidingWindowSize() != theirs.slidingWindowSize());
    }
}
