package dev.watertight.internal;

import dev.watertight.CircuitBreaker.State;
import java.util.ArrayDeque;

/**
 * The sequential specification of the circuit breaker modelled by {@link CircuitBreakerLincheckTest},
 * written from the contract of {@link dev.watertight.CircuitBreaker} and {@link BreakerPhase}
 * rather than from {@link WindowedCircuitBreaker}'s code: a breaker whose state is one phase at a
 * time, each numbered by an epoch that every transition (automatic or manual) increments.
 *
 * <ul>
 *   <li><b>Closed:</b> every call is admitted; its outcome goes into the window of the closed
 *       phase it was admitted in (the last {@value CircuitBreakerLincheckTest#WINDOW} outcomes)
 *       and into that phase's count of failures in a row. If that phase is still the current one
 *       and either {@value CircuitBreakerLincheckTest#CONSECUTIVE_FAILURES} failure(s) in a row
 *       have been recorded, or the window holds at least
 *       {@value CircuitBreakerLincheckTest#MINIMUM_CALLS} calls and the failure rate reaches
 *       {@value CircuitBreakerLincheckTest#FAILURE_RATE} %, the breaker opens. An outcome that
 *       reaches a phase that has ended still lands in its counts, but opens nothing. (With the
 *       model's settings the window never holds enough calls: see
 *       {@link CircuitBreakerLincheckTest} for why the rate rule is out of the model.)</li>
 *   <li><b>Open:</b> calls are refused until {@value CircuitBreakerLincheckTest#OPEN_TICKS} tick
 *       after the opening; the first call after that moves the breaker to a new half-open round
 *       and is its probe. Reading the state after that also moves it to a new round (with no
 *       probe out), so that a breaker no call visits does not look open for ever.</li>
 *   <li><b>Half-open:</b> a round admits {@value CircuitBreakerLincheckTest#PROBES} probe(s) and
 *       refuses the rest. A probe of the current round that succeeds closes the breaker (with a new
 *       window) once that many have succeeded; one that fails opens it again; one whose outcome is
 *       ignored gives its place back to the round it was admitted in. A probe of an ended round
 *       decides nothing. (The half-open deadline, one day, is never reached by a scenario's
 *       ticks, so a round is never replaced by a fresh one here.)</li>
 *   <li><b>Manual:</b> {@code forceOpen} and {@code reset} start a forced-open phase or a closed
 *       one with an empty window, from any phase, even the same state.</li>
 * </ul>
 *
 * Per-thread bookkeeping mirrors {@link CircuitBreakerLincheckTest}: each thread holds at most
 * one admitted call, remembered with its phase; an admission while holding one, or an outcome
 * without one, does nothing.
 *
 * <p>Lincheck calls these methods by name with the same parameters as the model's operations, one
 * at a time, on a fresh instance per candidate order.
 */
public final class CircuitBreakerSequential {

    /** A period in one state, from the transition that entered it to the one that left it. */
    private static final class Phase {
        final int epoch;
        final State state;
        /** Closed: the last outcomes, {@code true} for a failure, and how many were recorded. */
        final ArrayDeque<Boolean> window = new ArrayDeque<>();
        int recorded;
        int failuresInARow;
        /** Open: the tick at which calls may be let through again. */
        long until;
        /** Half-open: the probes out and the probes that succeeded, in this round. */
        int probesOut;
        int probesSucceeded;

        Phase(int epoch, State state) {
            this.epoch = epoch;
            this.state = state;
        }

        /**
         * Closed: adds an outcome to the window and to the failures in a row, and says whether
         * either rule now trips the breaker.
         */
        boolean recordAndTrips(boolean failed) {
            window.addLast(failed);
            if (window.size() > CircuitBreakerLincheckTest.WINDOW) {
                window.removeFirst();
            }
            recorded++;
            failuresInARow = failed ? failuresInARow + 1 : 0;
            if (failed && CircuitBreakerLincheckTest.CONSECUTIVE_FAILURES != 0
                    && failuresInARow >= CircuitBreakerLincheckTest.CONSECUTIVE_FAILURES) {
                return true;
            }
            int calls = Math.min(recorded, CircuitBreakerLincheckTest.WINDOW);
            long failures = window.stream().filter(f -> f).count();
            return calls >= CircuitBreakerLincheckTest.MINIMUM_CALLS
                    && failures * 100.0 >= CircuitBreakerLincheckTest.FAILURE_RATE * calls;
        }
    }

    private final Phase[] held = new Phase[CircuitBreakerLincheckTest.THREAD_SLOTS];
    private int epoch;
    private Phase current = new Phase(0, State.CLOSED);
    private long now;

    public String admit(int thread) {
        if (held[thread] != null) {
            return CircuitBreakerLincheckTest.ALREADY_HOLDING;
        }
        switch (current.state) {
            case CLOSED, DISABLED -> {
                held[thread] = current;
                return current.state.name();
            }
            case OPEN -> {
                if (now < current.until) {
                    return CircuitBreakerLincheckTest.refused(State.OPEN);
                }
                enter(State.HALF_OPEN);
                return admitProbe(thread);
            }
            case HALF_OPEN -> {
                return admitProbe(thread);
            }
            default -> {
                return CircuitBreakerLincheckTest.refused(current.state);
            }
        }
    }

    private String admitProbe(int thread) {
        if (current.probesOut >= CircuitBreakerLincheckTest.PROBES) {
            return CircuitBreakerLincheckTest.refused(State.HALF_OPEN);
        }
        current.probesOut++;
        held[thread] = current;
        return State.HALF_OPEN.name();
    }

    public boolean succeed(int thread) {
        Phase admitted = takeHeld(thread);
        if (admitted == null) {
            return false;
        }
        if (admitted.state == State.CLOSED) {
            if (admitted.recordAndTrips(false) && isCurrent(admitted)) {
                trip();
            }
        } else if (admitted.state == State.HALF_OPEN) {
            admitted.probesSucceeded++;
            if (isCurrent(admitted) && admitted.probesSucceeded == CircuitBreakerLincheckTest.PROBES) {
                enter(State.CLOSED);
            }
        }
        return true;
    }

    public boolean fail(int thread) {
        Phase admitted = takeHeld(thread);
        if (admitted == null) {
            return false;
        }
        if (admitted.state == State.CLOSED) {
            if (admitted.recordAndTrips(true) && isCurrent(admitted)) {
                trip();
            }
        } else if (admitted.state == State.HALF_OPEN && isCurrent(admitted)) {
            trip();
        }
        return true;
    }

    public boolean ignore(int thread) {
        Phase admitted = takeHeld(thread);
        if (admitted == null) {
            return false;
        }
        if (admitted.state == State.HALF_OPEN) {
            admitted.probesOut--;
        }
        return true;
    }

    public State state() {
        if (current.state == State.OPEN && now >= current.until) {
            enter(State.HALF_OPEN);
        }
        return current.state;
    }

    public void forceOpen() {
        enter(State.FORCED_OPEN);
    }

    public void reset() {
        enter(State.CLOSED);
    }

    public void tick() {
        now++;
    }

    private Phase takeHeld(int thread) {
        Phase admitted = held[thread];
        held[thread] = null;
        return admitted;
    }

    private boolean isCurrent(Phase phase) {
        return phase.epoch == current.epoch;
    }

    private void trip() {
        enter(State.OPEN);
        current.until = now + CircuitBreakerLincheckTest.OPEN_TICKS;
    }

    private void enter(State state) {
        current = new Phase(++epoch, state);
    }
}
