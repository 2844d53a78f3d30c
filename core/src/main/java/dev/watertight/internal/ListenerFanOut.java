package dev.watertight.internal;

import dev.watertight.CircuitBreaker;
import dev.watertight.CompartmentListener;
import dev.watertight.CompartmentRejectedException;
import java.time.Duration;

/**
 * One listener that passes every event on to listeners added at any time (a registry's
 * metrics, dashboard or alerting join after its guards were built). Each listener is called in
 * turn; one that throws is counted and the others still hear the event. Adding is rare, so the
 * list is copied on write and each event reads it without a lock (see {@link FanOut}).
 *
 * <p>Thread-safe.
 */
public final class ListenerFanOut implements CompartmentListener {
    private final FanOut<CompartmentListener> listeners = new FanOut<>();

    /**
     * Adds a listener after the ones already there.
     *
     * @param listener the listener
     */
    public void add(CompartmentListener listener) {
        listeners.add(listener);
    }

    /** {@return how many times a listener threw} */
    public long failures() {
        return listeners.failures();
    }

    @Override
    public void onRejected(String compartment, CompartmentRejectedException rejection) {
        listeners.tell(CompartmentListener::onRejected, compartment, rejection);
    }

    @Override
    public void onTimedOut(String compartment, Duration timeout) {
        listeners.tell(CompartmentListener::onTimedOut, compartment, timeout);
    }

    @Override
    public void onCancelled(String compartment, boolean wasRunning) {
        listeners.tell(CompartmentListener::onCancelled, compartment, wasRunning);
    }

    @Override
    public void onStateChange(String compartment, CircuitBreaker.State from, CircuitBreaker.State to) {
        listeners.tell(CompartmentListener::onStateChange, compartment, from, to);
    }
}
