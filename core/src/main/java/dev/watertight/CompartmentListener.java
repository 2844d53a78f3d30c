package dev.watertight;

import java.time.Duration;

/**
 * Hears the rare events of a compartment: rejections, timeouts, cancellations and a circuit
 * breaker's changes of state. Nothing is reported per successful call, and no event object is
 * created for a listener.
 *
 * <p>Listeners run on the thread where the event happened (the rejected caller, the timer, the
 * cancelling thread), after the compartment's own state is consistent. A listener that throws
 * cannot break the compartment: the exception, even an {@link Error}, is caught and counted
 * ({@code listenerFailures()} on the compartment). Implementations must be thread-safe and should
 * be quick.
 *
 * <p>Every method does nothing by default; override the ones you need.
 */
public interface CompartmentListener {

    /**
     * A call or task was refused.
     *
     * @param compartment the compartment's name
     * @param rejection the exception the caller receives (do not throw it)
     */
    default void onRejected(String compartment, CompartmentRejectedException rejection) {}

    /**
     * A running task exceeded its timeout; its future has failed and its thread was interrupted.
     *
     * @param compartment the compartment's name
     * @param timeout the timeout that ran out
     */
    default void onTimedOut(String compartment, Duration timeout) {}

    /**
     * A task's future was cancelled, or the task was dropped when the compartment closed.
     *
     * @param compartment the compartment's name
     * @param wasRunning whether the task had started (its thread was then interrupted)
     */
    default void onCancelled(String compartment, boolean wasRunning) {}

    /**
     * A circuit breaker changed state.
     *
     * @param compartment the breaker's name
     * @param from the state it left
     * @param to the state it entered
     */
    default void onStateChange(String compartment, CircuitBreaker.State from, CircuitBreaker.State to) {}
}
