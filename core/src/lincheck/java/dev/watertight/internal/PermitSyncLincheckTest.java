package dev.watertight.internal;

import java.util.concurrent.TimeUnit;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.junit.jupiter.api.Test;

/**
 * Lincheck model of an unfair {@link PermitSync} with a limit of 2: {@code tryAcquire},
 * {@code release}, {@code resize} (to 1, 2 or 3), {@code limit}, {@code inUse} and
 * {@code snapshot}, checked for linearizability against {@link PermitSyncSequential}: every result
 * of a concurrent run must be explainable by one order of the calls that respects real time, in
 * which each call sees the permits as a plain counter would. That is: no admission past the limit
 * of its instant, no refusal unless every permit was in use at some instant of the call, a resize
 * that takes effect at one instant, and reads ({@code limit}, {@code inUse}, {@code snapshot}) that
 * each show one instant consistent with the admissions around them.
 *
 * <p><b>Two strategies.</b> The model checker runs the threads one at a time and explores where
 * to switch between them, at every shared-memory access, inside
 * {@code AbstractQueuedLongSynchronizer} and {@code ReentrantLock} as well; with a fixed seed it
 * is deterministic, so a failure reproduces.
 * The stress run uses real threads and additionally covers {@code tryAcquire(timeout)}
 * ({@link TimedWaits}), whose specification is the immediate attempt's (exact for an unfair
 * synchronizer, see {@link PermitSyncSequential#tryAcquireWithin}). Timed waits are not in the
 * model-checked run: its {@code System.nanoTime()} stands still and its {@code park} may always
 * return at once, so a timed wait nobody signals spins forever and is reported as a hang. Blocking
 * {@code acquire()} cannot be a linearizability operation at all (a scenario could leave it blocked
 * forever); {@link PermitSyncWaitingLincheckTest} covers it.
 *
 * <p><b>Sizes.</b> Three threads of three operations after two initial ones and before one final
 * one: room for two holders, a resize and concurrent readers. The races found while writing
 * these models needed no more (Lincheck shrinks a failing scenario before printing it). The model
 * checker tries {@value LincheckBudget#MODEL_ITERATIONS} scenarios of at most {@value LincheckBudget#MODEL_INVOCATIONS}
 * interleavings, the stress run {@value LincheckBudget#STRESS_ITERATIONS} scenarios of
 * {@value LincheckBudget#STRESS_INVOCATIONS} runs: about 3 s and under 1 s on two cores, so that the whole
 * Lincheck suite stays well under a minute on CI.
 * That budget still catches the broken variants of {@link BrokenVariantsLincheckTest} (which use
 * the same options). Raise the numbers locally when changing {@code PermitSync}.
 */
public class PermitSyncLincheckTest extends PermitSyncOperations {
    public PermitSyncLincheckTest() {
        super(false);
    }

    /**
     * The same operations plus a timed attempt, for the stress run only (see the class comment).
     */
    public static class TimedWaits extends PermitSyncOperations {
        /** Long enough to be woken by another thread's release, short enough to keep runs fast. */
        static final long TIMEOUT_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

        public TimedWaits() {
            super(false);
        }

        @Operation
        public boolean tryAcquireWithin(@Param(gen = ThreadIdGen.class) int thread)
                throws InterruptedException {
            boolean taken = permits.tryAcquire(TIMEOUT_NANOS);
            if (taken) {
                tookOne(thread);
            }
            return taken;
        }
    }

    /** The model-checking options of this model, shared with {@link BrokenVariantsLincheckTest}. */
    static ModelCheckingOptions modelChecking() {
        return LincheckBudget.modelChecking(PermitSyncSequential.class);
    }

    /** The stress options of this model. */
    static StressOptions stress() {
        return LincheckBudget.stress(PermitSyncSequential.class);
    }

    @Test
    void everyInterleavingOfTakingGivingBackResizingAndReadingIsLinearizable() {
        modelChecking().check(PermitSyncLincheckTest.class);
    }

    @Test
    void realThreadsTakingWaitingGivingBackAndResizingProduceOnlyLinearizableResults() {
        stress().check(TimedWaits.class);
    }
}
