package dev.watertight;

import java.util.concurrent.TimeUnit;

/**
 * A call refused by a circuit breaker that is not letting calls through: open, forced open, or
 * half-open with every probe of its round already let through (some may have answered already: a
 * round lets {@code halfOpenProbes} calls through in all, not at a time). The message names the breaker, its state and,
 * when known, how long until it will try again: {@code CircuitBreaker 'payment' is OPEN: calls
 * are refused for another 25 s}. {@link #retryAfterNanos()} gives the same figure to code (for a
 * {@code Retry-After} header, say).
 *
 * <p>Like every Watertight rejection it carries no stack trace unless the breaker was built with
 * {@code writableStackTrace(true)}, and its message is built only when read. A circuit breaker
 * never records these, or any other {@link CompartmentRejectedException}, as a failure.
 *
 * <p>Thread-safe once thrown: its fields are final and its message is built from them when it is read.
 *
 * @serial exclude
 */
public final class CircuitBreakerOpenException extends CompartmentRejectedException {
    private static final long serialVersionUID = 1L;

    private final CircuitBreaker.State state;
    private final long retryAfterNanos;
    private final int halfOpenProbes;

    /**
     * Creates the rejection. Guards create these; applications rarely need to.
     *
     * @param compartment the breaker's name
     * @param state the state that refused the call
     * @param retryAfterNanos how long until the breaker lets a probe through, or -1 if unknown
     * @param halfOpenProbes the number of probes, shown when a half-open breaker refused
     * @param captureStackTrace whether to record the stack
     */
    public CircuitBreakerOpenException(
            String compartment,
            CircuitBreaker.State state,
            long retryAfterNanos,
            int halfOpenProbes,
            boolean captureStackTrace) {
        super(compartment, captureStackTrace);
        this.state = state;
        this.retryAfterNanos = retryAfterNanos;
        this.halfOpenProbes = halfOpenProbes;
    }

    /** {@return the state of the breaker when it refused the call} */
    public CircuitBreaker.State state() {
        return state;
    }

    /** {@return how long until the breaker lets a probe through, in nanoseconds; -1 if it cannot say} */
    public long retryAfterNanos() {
        return retryAfterNanos;
    }

    @Override
    protected String describe() {
        String prefix = "CircuitBreaker '" + compartment() + "' is " + state;
        return switch (state) {
            case HALF_OPEN -> prefix + ": the " + halfOpenProbes + " probe calls of this round have all been let through"
                    + " and it decides when they have answered; the call was refused";
            case FORCED_OPEN -> prefix + ": calls are refused until it is reset";
            default -> prefix + ": calls are refused for another " + humane(retryAfterNanos);
        };
    }

    private static String humane(long nanos) {
        if (nanos < 0) {
            return "while";
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(nanos);
        return millis >= 10_000 ? TimeUnit.MILLISECONDS.toSeconds(millis) + " s" : millis + " ms";
    }
}
