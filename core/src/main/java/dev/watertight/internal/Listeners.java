package dev.watertight.internal;

import dev.watertight.CircuitBreaker;
import dev.watertight.CompartmentListener;
import dev.watertight.CompartmentRejectedException;
import java.time.Duration;
import java.util.List;

/**
 * Delivers a compartment's rare events to its listeners so that no listener can break it: each
 * call is made after the compartment's state is consistent, and whatever a listener throws, even
 * an {@link Error}, is caught and counted, never passed on (by {@link FanOut}). With no listeners,
 * each method is a field read and a length check, and none allocates.
 *
 * <p>Thread-safe.
 */
public final class Listeners {
    private final String compartment;
    private final FanOut<CompartmentListener> listeners;

    /**
     * Creates the dispatcher.
     *
     * @param compartment the name passed to every listener
     * @param listeners the listeners, in calling order
     */
    public Listeners(String compartment, List<CompartmentListener> listeners) {
        this.compartment = compartment;
        this.listeners = new FanOut<>(listeners);
    }

    /** {@return how many times a listener threw} */
    public long failures() {
        return listeners.failures();
    }

    /**
     * Reports a rejection.
     *
     * @param rejection the exception the caller is about to receive
     */
    public void rejected(CompartmentRejectedException rejection) {
        listeners.tell(CompartmentListener::onRejected, compartment, rejection);
    }

    /**
     * Reports a timeout.
     *
     * @param timeout the timeout that ran out
     */
    public void timedOut(Duration timeout) {
        listeners.tell(CompartmentListener::onTimedOut, compartment, timeout);
    }

    /**
     * Reports a cancellation.
     *
     * @param wasRunning whether the task had started
     */
    public void cancelled(boolean wasRunning) {
        listeners.tell(CompartmentListener::onCancelled, compartment, wasRunning);
    }

    /**
     * Reports a circuit breaker's change of state.
     *
     * @param from the state it left
     * @param to the state it entered
     */
    public void stateChanged(CircuitBreaker.State from, CircuitBreaker.State to) {
        listeners.tell(CompartmentListener::onStateChange, compartment, from, to);
    }

    /**
     * Counts a failure of something else the compartment reports to on its behalf, such as its
     * {@link dev.watertight.CallTimings}.
     *
     * @param failure what it threw
     */
    public void failed(Throwable failure) {
        listeners.countFailure();
    }
}
