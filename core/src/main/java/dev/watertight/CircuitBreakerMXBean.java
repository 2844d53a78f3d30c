package dev.watertight;

/** A {@link CircuitBreaker} in JMX: its state and window, and the operations that force it. */
public interface CircuitBreakerMXBean {
    /** The state now, as its name (CLOSED, OPEN, HALF_OPEN, FORCED_OPEN, DISABLED). */
    String getState();

    /** The failure rate of the window, percent. */
    double getFailureRate();

    /** The slow-call rate of the window, percent. */
    double getSlowCallRate();

    /** Calls in the window. */
    long getWindowCalls();

    /** Calls refused while open. */
    long getNotPermitted();

    /** Opens the breaker until {@link #reset()}. */
    void forceOpen();

    /** Lets every call through and records nothing, until {@link #reset()}. */
    void disable();

    /** Closes the breaker with an empty window. */
    void reset();
}
