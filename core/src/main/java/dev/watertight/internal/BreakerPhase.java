package dev.watertight.internal;

import dev.watertight.CircuitBreaker.State;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jspecify.annotations.Nullable;

/**
 * One period in the life of a circuit breaker: from the moment it entered a state to the moment
 * it left it. The breaker holds the current phase in one volatile field and changes state only by
 * a CAS that replaces the phase object, so every transition is a single atomic step, and two
 * threads can never both make the same transition.
 *
 * <p>A call keeps the phase that admitted it and reports its outcome to that phase. If the phase
 * has been replaced meanwhile, the outcome still lands in the old phase's counters, but any
 * transition it would cause is a CAS from the old phase, which fails: a call admitted in one state
 * and finishing in another decides nothing. Phases never change state themselves; their counters
 * (the window, the probes) are their own.
 */
abstract sealed class BreakerPhase {
    final State state;
    /** How many times in a row the breaker has opened, counting the phase that led here. */
    final int trips;
    /** The window of the last closed (or disabled) period, for the stats. */
    final OutcomeWindow window;
    /** Whether calls are admitted without looking further: closed or disabled. */
    final boolean admitsFreely;
    /**
     * The phase that replaced this one when a reconfiguration gave the breaker a new window
     * without changing its state; null otherwise. Calls admitted here record there instead, so
     * calls in flight across a reconfiguration still count. Written once, before the successor is
     * CASed in; volatile so that a recording call that sees it sees the successor whole.
     */
    private volatile @Nullable BreakerPhase successor;

    private BreakerPhase(State state, int trips, OutcomeWindow window) {
        this.state = state;
        this.trips = trips;
        this.window = window;
        this.admitsFreely = state == State.CLOSED || state == State.DISABLED;
    }

    /** Sets the phase that takes over this one's recording; see {@code successor}. */
    void handOver(BreakerPhase next) {
        successor = next;
    }

    /** The phase this one handed over to, followed to the end, or this phase. */
    BreakerPhase latest() {
        BreakerPhase current = this;
        for (BreakerPhase next; (next = current.successor) != null; ) {
            current = next;
        }
        return current;
    }

    /** Calls go through and are recorded in a fresh window. */
    static final class Closed extends BreakerPhase {
        private static final VarHandle CONSECUTIVE_FAILURES;

        static {
            try {
                CONSECUTIVE_FAILURES = MethodHandles.lookup()
                        .findVarHandle(Closed.class, "consecutiveFailures", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private volatile int consecutiveFailures;

        Closed(OutcomeWindow window) {
            super(State.CLOSED, 0, window);
        }

        /** Counts a failure in a row and returns how many there have been. */
        int failedInARow() {
            return (int) CONSECUTIVE_FAILURES.getAndAdd(this, 1) + 1;
        }

        /** A call that did not fail breaks the row. */
        void succeeded() {
            if (consecutiveFailures != 0) {
                consecutiveFailures = 0;
            }
        }
    }

    /** Calls are refused until {@code until}. */
    static final class Open extends BreakerPhase {
        final long until;

        Open(int trips, long until, OutcomeWindow window) {
            super(State.OPEN, trips, window);
            this.until = until;
        }
    }

    /**
     * A round of probes: at most {@code probes} calls are let through, counted by one CAS each.
     * A fresh round (a new phase object) replaces one that has not finished by its deadline.
     */
    static final class HalfOpen extends BreakerPhase {
        private static final VarHandle ISSUED;
        private static final VarHandle SUCCEEDED;

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                ISSUED = lookup.findVarHandle(HalfOpen.class, "issued", int.class);
                SUCCEEDED = lookup.findVarHandle(HalfOpen.class, "succeeded", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final long since;
        private final int probes;
        private volatile int issued;
        @SuppressWarnings("UnusedVariable") // read and written through SUCCEEDED only
        private volatile int succeeded;

        HalfOpen(int trips, long since, int probes, OutcomeWindow window) {
            super(State.HALF_OPEN, trips, window);
            this.since = since;
            this.probes = probes;
        }

        /** Takes one of the round's probe places, if any is left. */
        boolean tryTakeProbe() {
            for (;;) {
                int taken = issued;
                if (taken >= probes) {
                    return false;
                }
                if (ISSUED.compareAndSet(this, taken, taken + 1)) {
                    return true;
                }
            }
        }

        /** A probe's outcome counted for nothing: its place goes to the next caller. */
        void giveProbeBack() {
            ISSUED.getAndAdd(this, -1);
        }

        /** Counts a successful probe; true when it is the last one the round needs. */
        boolean probeSucceeded() {
            return (int) SUCCEEDED.getAndAdd(this, 1) + 1 == probes;
        }
    }

    /** Calls are refused until the breaker is reset. */
    static final class ForcedOpen extends BreakerPhase {
        ForcedOpen(OutcomeWindow window) {
            super(State.FORCED_OPEN, 0, window);
        }
    }

    /** Calls go through and are recorded, but nothing trips the breaker. */
    static final class Disabled extends BreakerPhase {
        Disabled(OutcomeWindow window) {
            super(State.DISABLED, 0, window);
        }
    }
}
