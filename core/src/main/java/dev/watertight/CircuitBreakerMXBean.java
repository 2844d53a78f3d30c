package dev.watertight;

/**
 * A {@link CircuitBreaker} in JMX: its state and window, and the operations that force it.
 *
 * <p>Implementations are thread-safe: the JMX agent calls them from any thread.
 */
public interface CircuitBreakerMXBean {
    /** {@return the state now, as its name (CLOSED, OPEN, HALF_OPEN, FORCED_OPEN, DISABLED)} */
    String getState();

    /** {@return the failure rate of the window, percent} */
    double getFailureRate();

    /** {@return the slow-call rate of the window, percent} */
    double getSlowCallRate();

    /** {@return calls in the window} */
    long getWindowCalls();

    /** {@return calls refused while open} */
    long getNotPermitted();

    /** Opens the breaker until {@link #reset()}. */
    void forceOpen();

    /** Lets every call through and records nothing, until {@link #reset()}. */
    void disable();

    /** Closes the breaker with an empty window. */
    void reset();
}
