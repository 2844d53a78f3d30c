package dev.watertight.internal;

import java.util.concurrent.TimeUnit;
import kotlin.Unit;
import org.jetbrains.lincheck.datastructures.CTestConfiguration;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Options;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck model of a {@link CapacityLedger} of {@value #CAPACITY} units with two shares, A
 * (reserves 1, ceiling 3) and B (reserves 1, ceiling 2), so 2 units are spare:
 * {@code tryAcquireA}, {@code tryAcquireB}, {@code releaseA} and {@code releaseB}, checked by
 * {@link CapacityLedgerVerifier} against {@link CapacityLedgerSequential}.
 *
 * <p><b>What it checks.</b> That every run can be explained by one order of the calls that
 * respects real time, in which each call sees the shares as plain counters would: a unit is
 * granted only within the capacity, within the share's ceiling, and beyond the share's
 * reservation only from what no share has reserved; a share below its reservation is never
 * refused. And, once the threads are done ({@link #countersAgreeAtRest}), that each share counts
 * exactly the units its holders hold and the global count of borrowed units is exactly what the
 * shares hold beyond their reservations: nothing leaked, nothing counted twice. The one
 * relaxation: a borrower (a share already holding its whole reservation) may be refused while
 * the spare is not all in use, see {@link CapacityLedgerVerifier} for why.
 *
 * <p><b>Why these sizes.</b> With 2 spare units the ceiling of B (one borrowed unit) binds while
 * A may still borrow, and the spare runs out either through A alone or through both; with 1
 * spare unit every ceiling would coincide with the spare running out, and a ledger that ignored
 * ceilings would pass.
 *
 * <p><b>Who may release.</b> As in {@link PermitSyncOperations}: Lincheck passes the scenario
 * thread's index ({@link ThreadIdGen}), the model counts per thread and share the units that
 * thread holds, and a release gives one back only if the calling thread holds one (otherwise it
 * does nothing and returns {@code false}); the specification applies the same rule.
 *
 * <p><b>No reads.</b> {@code used()}, {@code borrowed()} and {@code inUse()} are left out: they
 * are not linearizable, nor meant to be. A give-back lowers the share's count before the global
 * one, so a read of the share's count can show the unit back while a borrower is still refused
 * for it; and {@code SharedCapacity.inUse()} sums the shares one by one. They are checked at rest
 * instead.
 *
 * <p><b>Two strategies.</b> The model checker explores where to switch threads at every
 * shared-memory access, inside {@code AbstractQueuedSynchronizer} too; it runs the immediate
 * attempts only (a timed wait nobody signals would spin forever on its standing clock, see
 * {@link PermitSyncLincheckTest}). The stress run uses real threads and adds
 * {@code tryTake(timeout)} ({@link TimedWaits}), whose specification is the immediate attempt's.
 * Lost wake-ups cannot show here (Lincheck lets a parked thread return spuriously, see
 * {@link PermitSyncWaitingLincheckTest}); the stress tests of {@code SharedCapacity} cover them.
 *
 * <p><b>What it cannot see.</b> The relaxation also accepts a refusal of a caller whose share was
 * at its reservation when the call began and fell below it during the call (the refusal is
 * ordered at the beginning, as a borrower's), even if a reserved unit was free when the ledger
 * decided. Showing that takes a fixed program of threads, not a linearizability check
 * ({@code CapacityLedgerSpuriousRefusals}).
 *
 * <p><b>Budget.</b> Three scenarios written for the key races ({@link #withKeyScenarios}), then the
 * random ones of {@link LincheckBudget}: about 14 s for the model checker and 5 s for the stress run
 * on two slow cores (where {@link PermitSyncLincheckTest} takes 11 s and 3 s), the instrumentation
 * the first Lincheck test in a JVM pays included. A run of 150 random scenarios of 3,000
 * interleavings each, tried while writing the model, found nothing more. The same options catch a
 * ledger that ignores the spare, ignores ceilings, refuses a reservation while the spare is taken,
 * loses an update of a share's count, or lets the count of borrowed units drift.
 */
public class CapacityLedgerLincheckTest {
    static final int CAPACITY = 4;
    static final int[] RESERVED = {1, 1};
    static final int[] CEILINGS = {3, 2};
    /** Enough per-thread slots for the initial part, four parallel threads and the final part. */
    static final int THREAD_SLOTS = 8;

    /** The ledger under test. */
    protected final CapacityLedger ledger = new CapacityLedger(CAPACITY, RESERVED, CEILINGS);
    private final int[][] held = new int[RESERVED.length][THREAD_SLOTS];

    @Operation
    public boolean tryAcquireA(@Param(gen = ThreadIdGen.class) int thread) {
        return took(0, thread, ledger.account(0).tryTake());
    }

    @Operation
    public boolean tryAcquireB(@Param(gen = ThreadIdGen.class) int thread) {
        return took(1, thread, ledger.account(1).tryTake());
    }

    /** Gives back one unit of A the calling thread holds; {@code false} (and nothing done) if none. */
    @Operation
    public boolean releaseA(@Param(gen = ThreadIdGen.class) int thread) {
        return giveBack(0, thread);
    }

    /** Gives back one unit of B the calling thread holds; {@code false} (and nothing done) if none. */
    @Operation
    public boolean releaseB(@Param(gen = ThreadIdGen.class) int thread) {
        return giveBack(1, thread);
    }

    /** Records a unit taken by the calling thread. */
    protected final boolean took(int share, int thread, boolean taken) {
        if (taken) {
            held[share][thread]++;
        }
        return taken;
    }

    private boolean giveBack(int share, int thread) {
        if (held[share][thread] == 0) {
            return false;
        }
        held[share][thread]--;
        ledger.account(share).giveBack();
        return true;
    }

    /**
     * Once every thread is done: each share counts what its holders hold, the global count of
     * borrowed units is what the shares hold beyond their reservations, and nobody waits.
     */
    @Validate
    public void countersAgreeAtRest() {
        int borrowed = 0;
        for (int share = 0; share < RESERVED.length; share++) {
            CapacityLedger.Account account = ledger.account(share);
            int holding = 0;
            for (int count : held[share]) {
                holding += count;
            }
            if (account.used() != holding || account.waiting() != 0) {
                throw new IllegalStateException("share " + share + " at rest: " + account + ", "
                        + account.waiting() + " waiting, its holders hold " + holding);
            }
            borrowed += Math.max(0, holding - RESERVED[share]);
        }
        if (ledger.borrowed() != borrowed) {
            throw new IllegalStateException("at rest the ledger counts " + ledger.borrowed()
                    + " borrowed units, the shares hold " + borrowed + " beyond their reservations");
        }
    }

    /** The same operations plus timed attempts, for the stress run only (see the class comment). */
    public static class TimedWaits extends CapacityLedgerLincheckTest {
        /** Long enough to be woken by another thread's release, short enough to keep runs fast. */
        static final long TIMEOUT_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

        @Operation
        public boolean tryAcquireAWithin(@Param(gen = ThreadIdGen.class) int thread) throws InterruptedException {
            return took(0, thread, ledger.account(0).tryTake(TIMEOUT_NANOS));
        }

        @Operation
        public boolean tryAcquireBWithin(@Param(gen = ThreadIdGen.class) int thread) throws InterruptedException {
            return took(1, thread, ledger.account(1).tryTake(TIMEOUT_NANOS));
        }
    }

    /**
     * Adds the scenarios written for this model's key races, run before the random ones. Each
     * thread's operations get that thread's index, as {@link ThreadIdGen} would give them: 0 for
     * the initial part, 1 to 3 for the threads, 4 for the final part.
     *
     * @param options the options to add them to
     * @param model the class whose operations the scenarios call
     * @return the options
     */
    static <O extends Options<O, ? extends CTestConfiguration>> O withKeyScenarios(O options, Class<?> model) {
        return options
                // Both shares at their reservation; A borrows twice and gives back, B borrows, a
                // third thread cycles A: the two spare units raced for while borrowed units come back.
                .addCustomScenario(scenario -> {
                    scenario.initial(LincheckScenarios.thread(model, 0, "tryAcquireA", "tryAcquireB"));
                    scenario.parallel(threads -> {
                        threads.thread(LincheckScenarios.thread(model, 1, "tryAcquireA", "tryAcquireA", "releaseA"));
                        threads.thread(LincheckScenarios.thread(model, 2, "tryAcquireB", "tryAcquireB", "releaseB"));
                        threads.thread(LincheckScenarios.thread(model, 3, "tryAcquireA", "releaseA", "tryAcquireA"));
                        return Unit.INSTANCE;
                    });
                    scenario.post(LincheckScenarios.thread(model, 4, "tryAcquireB"));
                    return Unit.INSTANCE;
                })
                // A has borrowed a spare unit and floods for the other; B's reservation must hold,
                // and B's own borrowing stop at the spare or its ceiling.
                .addCustomScenario(scenario -> {
                    scenario.initial(LincheckScenarios.thread(model, 0, "tryAcquireA", "tryAcquireA"));
                    scenario.parallel(threads -> {
                        threads.thread(LincheckScenarios.thread(model, 1, "tryAcquireA", "tryAcquireA", "tryAcquireB"));
                        threads.thread(LincheckScenarios.thread(model, 2, "tryAcquireB", "tryAcquireB", "tryAcquireB"));
                        threads.thread(LincheckScenarios.thread(model, 3, "tryAcquireB", "releaseB", "tryAcquireA"));
                        return Unit.INSTANCE;
                    });
                    scenario.post(LincheckScenarios.thread(model, 4, "tryAcquireB"));
                    return Unit.INSTANCE;
                })
                // B at its ceiling gives back its borrowed unit while A and B race for it.
                .addCustomScenario(scenario -> {
                    scenario.initial(LincheckScenarios.thread(model, 0, "tryAcquireA", "tryAcquireB"));
                    scenario.parallel(threads -> {
                        threads.thread(LincheckScenarios.thread(model, 1, "tryAcquireB", "releaseB", "tryAcquireB"));
                        threads.thread(LincheckScenarios.thread(model, 2, "tryAcquireA", "tryAcquireA", "releaseA"));
                        threads.thread(LincheckScenarios.thread(model, 3, "tryAcquireB", "tryAcquireA", "releaseB"));
                        return Unit.INSTANCE;
                    });
                    scenario.post(LincheckScenarios.thread(model, 4, "tryAcquireA"));
                    return Unit.INSTANCE;
                });
    }

    /** The model-checking options of this model, with its key scenarios. */
    static ModelCheckingOptions modelChecking() {
        return withKeyScenarios(LincheckBudget.modelChecking(CapacityLedgerSequential.class)
                .verifier(CapacityLedgerVerifier.class), CapacityLedgerLincheckTest.class);
    }

    /** The stress options of this model, with its key scenarios. */
    static StressOptions stress() {
        return withKeyScenarios(LincheckBudget.stress(CapacityLedgerSequential.class)
                .verifier(CapacityLedgerVerifier.class), TimedWaits.class);
    }

    @Test
    void everyInterleavingOfTakingAndGivingBackKeepsCapacityCeilingsAndReservations() {
        modelChecking().check(CapacityLedgerLincheckTest.class);
    }

    @Test
    void realThreadsTakingWaitingAndGivingBackKeepCapacityCeilingsAndReservations() {
        stress().check(TimedWaits.class);
    }
}
