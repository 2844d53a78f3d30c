package dev.watertight.internal;

import dev.watertight.CircuitBreaker;
import dev.watertight.CompartmentListener;
import dev.watertight.CompartmentRejectedException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Delivers a compartment's rare events to its listeners so that no listener can break it: each
 * call is made after the compartment's state is consistent, and whatever a listener throws, even
 * an {@link Error}, is caught and counted, never passed on. With no listeners, each method is a
 * single field read.
 */
public final class Listeners {
    private final String compartment;
    private final CompartmentListener[] listeners;
    private final LongAdder failures = new LongAdder();

    /**
     * Creates the dispatcher.
     *
     * @param compartment the name passed to every listener
     * @param listeners the listeners, in calling order
     */
    public Listeners(String compartment, List<CompartmentListener> listeners) {
        this.compartment = compartment;
        this.listeners = listeners.toArray(new CompartmentListener[0]);
    }

    /** How many times a listener threw. */
    public long failures() {
        return failures.sum();
    }

    /**
     * Reports a rejection.
     *
     * @param rejection the exception the caller is about to receive
     */
    public void rejected(CompartmentRejectedException rejection) {
        for (CompartmentListener listener : listeners) {
            try {
                listener.onRejected(compartment, rejection);
            } catch (Throwable failure) {
                countFailure();
            }
        }
    }

    /**
     * Reports a timeout.
     *
     * @param timeout the timeout that ran out
     */
    public void timedOut(Duration timeout) {
        for (CompartmentListener listener : listeners) {
            try {
                listener.onTimedOut(compartment, timeout);
            } catch (Throwable failure) {
                countFailure();
            }
        }
    }

    /**
     * Reports a cancellation.
     *
     * @param wasRunning whether the task had started
     */
    public void cancelled(boolean wasRunning) {
        for (CompartmentListener listener : listeners) {
            try {
                listener.onCancelled(compartment, wasRunning);
            } catch (Throwable failure) {
                countFailure();
            }
        }
    }

    /**
     * Reports a circuit breaker's change of state.
     *
     * @param from the state it left
     * @param to the state it entered
     */
    public void stateChanged(CircuitBreaker.State from, CircuitBreaker.State to) {
        for (CompartmentListener listener : listeners) {
            try {
                listener.onStateChange(compartment, from, to);
            } catch (Throwable failure) {
                countFailure();
            }
        }
    }

    /**
     * Counts a failure of something else the compartment reports to on its behalf, such as its
     * {@link dev.watertight.CallTimings}.
     *
     * @param failure what it threw
     */
    public void failed(Throwable failure) {
        countFailure();
    }

    private void countFailure() {
        failures.increment();
    }
}
