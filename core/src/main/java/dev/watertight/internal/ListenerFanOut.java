package dev.watertight.internal;

import dev.watertight.CircuitBreaker;
import dev.watertight.CompartmentListener;
import dev.watertight.CompartmentRejectedException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * One listener that passes every event on to listeners added at any time (a registry's
 * metrics, dashboard or alerting join after its guards were built). Each listener is called in
 * turn; one that throws is counted and the others still hear the event. Adding is rare, so the
 * list is copied on write and each event reads it without a lock.
 */
public final class ListenerFanOut implements CompartmentListener {
    private final List<CompartmentListener> listeners = new CopyOnWriteArrayList<>();
    private final LongAdder failures = new LongAdder();

    /**
     * Adds a listener after the ones already there.
     *
     * @param listener the listener
     */
    public void add(CompartmentListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
    }

    /** How many times a listener threw. */
    public long failures() {
        return failures.sum();
    }

    @Override
    public void onRejected(String compartment, CompartmentRejectedException rejection) {
        for (CompartmentListener listener : listeners) {
            try {
                listener.onRejected(compartment, rejection);
            } catch (Throwable failure) {
                failures.increment();
            }
        }
    }

    @Override
    public void onTimedOut(String compartment, Duration timeout) {
        for (CompartmentListener listener : listeners) {
            try {
                listener.onTimedOut(compartment, timeout);
            } catch (Throwable failure) {
                failures.increment();
            }
        }
    }

    @Override
    public void onCancelled(String compartment, boolean wasRunning) {
        for (CompartmentListener listener : listeners) {
            try {
                listener.onCancelled(compartment, wasRunning);
            } catch (Throwable failure) {
                failures.increment();
            }
        }
    }

    @Override
    public void onStateChange(String compartment, CircuitBreaker.State from, CircuitBreaker.State to) {
        for (CompartmentListener listener : listeners) {
            try {
                listener.onStateChange(compartment, from, to);
            } catch (Throwable failure) {
                failures.increment();
            }
        }
    }
}
