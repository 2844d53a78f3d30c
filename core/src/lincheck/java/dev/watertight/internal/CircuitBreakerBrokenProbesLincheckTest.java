package dev.watertight.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.watertight.CircuitBreaker.State;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.junit.jupiter.api.Test;

/**
 * Proof that {@link CircuitBreakerLincheckTest} has teeth, in the manner of
 * {@link BrokenVariantsLincheckTest}: look-alike breakers with one classic bug each, checked with
 * exactly that model's options, operations and specification, must be reported by Lincheck. If
 * one of these tests fails, the model has become too weak (too small a budget, a specification
 * that accepts too much, key scenarios that no longer reach the race).
 *
 * <p>The look-alike is not {@link WindowedCircuitBreaker}: it is the sequential breaker of
 * {@link CircuitBreakerSequential} (with the model's settings: one failure trips the closed
 * breaker), made thread-safe by one lock, except for the one place where its bug lives.
 */
class CircuitBreakerBrokenProbesLincheckTest {

    /** A phase of the look-alike; the probe count is atomic, as in {@link BreakerPhase.HalfOpen}. */
    private static final class Phase {
        final State state;
        final long until;
        final AtomicInteger probesOut = new AtomicInteger();
        int probesSucceeded;

        Phase(State state, long until) {
            this.state = state;
            this.until = until;
        }
    }

    /**
     * The look-alike with the model's operations. {@code probePlaceInTwoSteps}: a half-open round
     * checks that a probe place is free and takes it in a separate step (each atomic), so two
     * callers can both see the last place free, as failsafe #391 and resilience4j #1432 did.
     * {@code judgesByCurrentState}: an outcome decides by the state the breaker is in now rather
     * than by the phase that admitted its call, so a failure of a call admitted before a reset
     * or in an ended round opens the breaker.
     */
    public abstract static class LookAlike {
        private final boolean probePlaceInTwoSteps;
        private final boolean judgesByCurrentState;
        private final Phase[] held = new Phase[CircuitBreakerLincheckTest.THREAD_SLOTS];
        private volatile Phase current = new Phase(State.CLOSED, 0);
        private long now;

        LookAlike(boolean probePlaceInTwoSteps, boolean judgesByCurrentState) {
            this.probePlaceInTwoSteps = probePlaceInTwoSteps;
            this.judgesByCurrentState = judgesByCurrentState;
        }

        @Operation
        public String admit(@Param(gen = ThreadIdGen.class) int thread) {
            if (held[thread] != null) {
                return CircuitBreakerLincheckTest.ALREADY_HOLDING;
            }
            Phase round;
            synchronized (this) {
                Phase phase = current;
                if (phase.state == State.CLOSED) {
                    held[thread] = phase;
                    return State.CLOSED.name();
                }
                if (phase.state == State.OPEN && now >= phase.until) {
                    phase = new Phase(State.HALF_OPEN, 0);
                    current = phase;
                }
                if (phase.state != State.HALF_OPEN) {
                    return CircuitBreakerLincheckTest.refused(phase.state);
                }
                round = phase;
                if (!probePlaceInTwoSteps) {
                    return takeProbe(thread, round, round.probesOut.get() < CircuitBreakerLincheckTest.PROBES);
                }
            }
            return takeProbe(thread, round, round.probesOut.get() < CircuitBreakerLincheckTest.PROBES);
        }

        private String takeProbe(int thread, Phase round, boolean placeFree) {
            if (!placeFree) {
                return CircuitBreakerLincheckTest.refused(State.HALF_OPEN);
            }
            round.probesOut.incrementAndGet();
            held[thread] = round;
            return State.HALF_OPEN.name();
        }

        @Operation
        public synchronized boolean succeed(@Param(gen = ThreadIdGen.class) int thread) {
            Phase admitted = takeHeld(thread);
            if (admitted == null) {
                return false;
            }
            if (admitted.state == State.HALF_OPEN
                    && ++admitted.probesSucceeded == CircuitBreakerLincheckTest.PROBES
                    && decides(admitted)) {
                current = new Phase(State.CLOSED, 0);
            }
            return true;
        }

        @Operation
        public synchronized boolean fail(@Param(gen = ThreadIdGen.class) int thread) {
            Phase admitted = takeHeld(thread);
            if (admitted == null) {
                return false;
            }
            if (decides(admitted)) {
                current = new Phase(State.OPEN, now + CircuitBreakerLincheckTest.OPEN_TICKS);
            }
            return true;
        }

        @Operation
        public synchronized boolean ignore(@Param(gen = ThreadIdGen.class) int thread) {
            Phase admitted = takeHeld(thread);
            if (admitted == null) {
                return false;
            }
            if (admitted.state == State.HALF_OPEN) {
                admitted.probesOut.decrementAndGet();
            }
            return true;
        }

        @Operation
        public synchronized State state() {
            if (current.state == State.OPEN && now >= current.until) {
                current = new Phase(State.HALF_OPEN, 0);
            }
            return current.state;
        }

        @Operation
        public synchronized void forceOpen() {
            current = new Phase(State.FORCED_OPEN, 0);
        }

        @Operation
        public synchronized void reset() {
            current = new Phase(State.CLOSED, 0);
        }

        @Operation
        public synchronized void tick() {
            now++;
        }

        private Phase takeHeld(int thread) {
            Phase admitted = held[thread];
            held[thread] = null;
            return admitted;
        }

        /** Whether an outcome of a call admitted in {@code admitted} may move the breaker. */
        private boolean decides(Phase admitted) {
            if (judgesByCurrentState) {
                return current.state == State.CLOSED || current.state == State.HALF_OPEN;
            }
            return admitted == current;
        }
    }

    /** Two callers can both take a half-open round's last probe place. */
    public static class ChecksThenTakesProbePlace extends LookAlike {
        public ChecksThenTakesProbePlace() {
            super(true, false);
        }
    }

    /** Outcomes decide by the current state, whichever phase admitted their call. */
    public static class JudgesOutcomesByTheCurrentState extends LookAlike {
        public JudgesOutcomesByTheCurrentState() {
            super(false, true);
        }
    }

    /** The look-alike without either bug, to show that the model accepts it. */
    public static class Correct extends LookAlike {
        public Correct() {
            super(false, false);
        }
    }

    /**
     * Without its bugs the look-alike passes the model's key scenarios, so the two tests below
     * fail for their bug and not for some other difference. (Only the key scenarios, which are
     * where the bugs are caught: the random ones would cost ten seconds more.)
     */
    @Test
    void lincheckAcceptsTheLookAlikeWithoutItsBugsInTheKeyScenarios() {
        CircuitBreakerLincheckTest.modelChecking(Correct.class).iterations(0).check(Correct.class);
    }

    @Test
    void lincheckCatchesAHalfOpenRoundThatChecksAndTakesItsProbePlaceInTwoSteps() {
        assertThatThrownBy(() -> CircuitBreakerLincheckTest.modelChecking(ChecksThenTakesProbePlace.class)
                        .check(ChecksThenTakesProbePlace.class))
                .isInstanceOf(LincheckAssertionError.class)
                .hasMessageContaining("Invalid execution results");
    }

    @Test
    void lincheckCatchesOutcomesThatDecideByTheCurrentStateInsteadOfTheAdmittingPhase() {
        assertThatThrownBy(() -> CircuitBreakerLincheckTest.modelChecking(JudgesOutcomesByTheCurrentState.class)
                        .check(JudgesOutcomesByTheCurrentState.class))
                .isInstanceOf(LincheckAssertionError.class)
                .hasMessageContaining("Invalid execution results");
    }
}
