package dev.watertight.internal;

import kotlin.Unit;
import org.jetbrains.lincheck.datastructures.CTestConfiguration;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Options;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * The model of {@link CapacityLedgerLincheckTest} (capacity 4; A reserves 1 of 3, B 1 of 2) with
 * ceilings changed while units are taken and given back: {@code resizeCeilingA(c)} and
 * {@code resizeCeilingB(c)}, {@code c} from 1 (the reservation) to 4 (the capacity), returning the
 * ceiling replaced. Checked by {@link CapacityLedgerVerifier} against
 * {@link CapacityLedgerSequential}, whose ceilings change at the resize's point of the order.
 *
 * <p><b>What it checks.</b> Beyond the base model's promises: a unit is granted only if the share
 * is below the ceiling in force at the grant's point of the order, so a taker that read the old,
 * higher ceiling cannot slip in after a lowering; a refusal at the ceiling is explained by a
 * ceiling in force during the call; resizes of one share are ordered (each returns the ceiling the
 * one before it set); and lowering takes nothing back (releases of units above the new ceiling
 * are counted right, checked at rest). A ledger that kept the ceiling in a volatile field of its
 * own, read apart from the count it CASes, fails this model (tried while writing it): Lincheck
 * finds a taker of B that read ceiling 3 and count 2, lost the processor while another thread took
 * a unit, lowered the ceiling to 1 and gave the unit back, then won its CAS against the same count
 * 2, leaving B with 3 units under a ceiling of 1, which no order of the calls explains.
 *
 * <p><b>Key scenarios.</b> The custom scenarios give each operation with a parameter the thread's
 * index ({@link LincheckScenarios}), so in them thread 1 sets a ceiling of 1, thread 2 of 2 and
 * thread 3 of 3: the scenarios are written around those values.
 *
 * <p><b>Budget.</b> The random scenarios of {@link LincheckBudget}, after two written ones: about
 * 1 s for the model checker and 4 s for the stress run on two slow cores. The stress run adds
 * timed attempts, so a raised ceiling waking a waiter runs on real threads (lost wake-ups
 * themselves are the stress tests' to catch, see the base model).
 */
class CapacityLedgerCeilingLincheckTest {

    /** The base operations and the resizes, for the model checker. */
    public static class Resizing extends CapacityLedgerLincheckTest {
        @Operation
        public int resizeCeilingA(@Param(gen = IntGen.class, conf = "1:4") int ceiling) {
            return ledger.account(0).resizeCeiling(ceiling);
        }

        @Operation
        public int resizeCeilingB(@Param(gen = IntGen.class, conf = "1:4") int ceiling) {
            return ledger.account(1).resizeCeiling(ceiling);
        }
    }

    /** The same with timed attempts, for the stress run only (see {@link CapacityLedgerLincheckTest}). */
    public static class ResizingWhileWaiting extends CapacityLedgerLincheckTest.TimedWaits {
        @Operation
        public int resizeCeilingA(@Param(gen = IntGen.class, conf = "1:4") int ceiling) {
            return ledger.account(0).resizeCeiling(ceiling);
        }

        @Operation
        public int resizeCeilingB(@Param(gen = IntGen.class, conf = "1:4") int ceiling) {
            return ledger.account(1).resizeCeiling(ceiling);
        }
    }

    static <O extends Options<O, ? extends CTestConfiguration>> O withKeyScenarios(O options, Class<?> model) {
        return options
                // Thread 1 takes A's reserved unit, lowers A's ceiling to 1 and gives the unit back;
                // thread 2 borrows for A meanwhile, thread 3 takes for A after. A taker that judged
                // the old ceiling of 3 and then CASes the count it read (1 again, after thread 1's
                // give-back and thread 3's take) would end with 2 units under a ceiling of 1.
                .addCustomScenario(scenario -> {
                    scenario.parallel(threads -> {
                        threads.thread(LincheckScenarios.thread(model, 1, "tryAcquireA", "resizeCeilingA", "releaseA"));
                        threads.thread(LincheckScenarios.thread(model, 2, "tryAcquireA", "tryAcquireB"));
                        threads.thread(LincheckScenarios.thread(model, 3, "tryAcquireB", "tryAcquireA", "releaseA"));
                        return Unit.INSTANCE;
                    });
                    scenario.post(LincheckScenarios.thread(model, 4, "tryAcquireA"));
                    return Unit.INSTANCE;
                })
                // B at its ceiling of 2; thread 3 raises it to 3 and takes, thread 1 takes and lowers it
                // to 1, thread 2 borrows for A meanwhile: the spare (2 units) is raced for by both.
                .addCustomScenario(scenario -> {
                    scenario.initial(LincheckScenarios.thread(model, 0, "tryAcquireB", "tryAcquireB"));
                    scenario.parallel(threads -> {
                        threads.thread(LincheckScenarios.thread(model, 1, "tryAcquireB", "resizeCeilingB", "releaseB"));
                        threads.thread(LincheckScenarios.thread(model, 2, "tryAcquireA", "tryAcquireA", "tryAcquireA"));
                        threads.thread(LincheckScenarios.thread(model, 3, "resizeCeilingB", "tryAcquireB", "releaseB"));
                        return Unit.INSTANCE;
                    });
                    scenario.post(LincheckScenarios.thread(model, 4, "tryAcquireB"));
                    return Unit.INSTANCE;
                });
    }

    @Test
    void everyInterleavingOfResizingTakingAndGivingBackKeepsTheCeilingInForce() {
        withKeyScenarios(LincheckBudget.modelChecking(CapacityLedgerSequential.class)
                .verifier(CapacityLedgerVerifier.class), Resizing.class)
                .check(Resizing.class);
    }

    @Test
    void realThreadsResizingWhileOthersWaitKeepTheCeilingInForce() {
        withKeyScenarios(LincheckBudget.stress(CapacityLedgerSequential.class)
                .verifier(CapacityLedgerVerifier.class), ResizingWhileWaiting.class)
                .check(ResizingWhileWaiting.class);
    }
}
