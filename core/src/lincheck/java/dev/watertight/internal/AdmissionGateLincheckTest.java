package dev.watertight.internal;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.junit.jupiter.api.Test;

/**
 * Lincheck model of an {@link AdmissionGate} with a bound of {@value #BOUND}: {@code tryAdmit},
 * {@code leave}, {@code close}, {@code isClosed}, {@code isClosedAndEmpty} and {@code occupancy},
 * checked for linearizability against {@link AdmissionGateSequential}. It checks the gate's two
 * promises under every interleaving explored: the count never passes the bound, and no task is
 * admitted once {@code close()} has taken effect; and that each result (the count an admitted task
 * sees, which caller closed the gate, who left last) is one a sequential gate could have given.
 *
 * <p><b>Who may leave.</b> In the pool, {@code leave()} is called only by a task that was admitted;
 * the gate does not guard against anything else (on an empty gate the decrement would borrow from
 * the closed bit, so the gate would read as closed). The model keeps that contract the way
 * {@link PermitSyncOperations} does: Lincheck passes the index of the scenario thread
 * ({@link ThreadIdGen}), the model counts per thread the tasks that thread got admitted, and
 * {@link #leave} makes one leave only if the calling thread has one inside, returning {@code null}
 * otherwise. The counts are confined to their thread, so the operation's only shared effect is the
 * one {@code leave()} call, and the specification applies the same rule.
 *
 * <p><b>Two strategies.</b> The model checker explores where to switch threads at every access to
 * shared memory, deterministically (fixed seed); the stress run uses real threads and the real
 * memory model.
 *
 * <p><b>Sizes.</b> Three threads of three operations after two initial ones and before one final
 * one, so that admissions can race for the last place, against a close and against a leave. The
 * model checker explores {@value LincheckBudget#MODEL_ITERATIONS} scenarios of at most
 * {@value LincheckBudget#MODEL_INVOCATIONS} interleavings, the stress run {@value LincheckBudget#STRESS_ITERATIONS} scenarios
 * of {@value LincheckBudget#STRESS_INVOCATIONS} runs: a few seconds together on two cores (the first Lincheck
 * test in a JVM also pays about three seconds of instrumentation), keeping the Lincheck suite well
 * under a minute on CI. The same budget catches the racy gate of
 * {@link BrokenVariantsLincheckTest}.
 */
public class AdmissionGateLincheckTest {
    static final int BOUND = 2;
    static final int THREAD_SLOTS = 8;
    private final AdmissionGate gate = new AdmissionGate(BOUND, BOUND);
    private final int[] inside = new int[THREAD_SLOTS];

    @Operation
    public long tryAdmit(@Param(gen = ThreadIdGen.class) int thread) {
        long result = gate.tryAdmit();
        if (result > 0) {
            inside[thread]++;
        }
        return result;
    }

    /** One of the calling thread's tasks leaves; {@code null} (and nothing done) if it has none. */
    @Operation
    public Boolean leave(@Param(gen = ThreadIdGen.class) int thread) {
        if (inside[thread] == 0) {
            return null;
        }
        inside[thread]--;
        return gate.leave();
    }

    @Operation
    public boolean close() {
        return gate.close();
    }

    @Operation
    public boolean isClosed() {
        return gate.isClosed();
    }

    @Operation
    public boolean isClosedAndEmpty() {
        return gate.isClosedAndEmpty();
    }

    @Operation
    public long occupancy() {
        return gate.occupancy();
    }

    /** The model-checking options of this model, shared with {@link BrokenVariantsLincheckTest}. */
    static ModelCheckingOptions modelChecking() {
        return LincheckBudget.modelChecking(AdmissionGateSequential.class);
    }

    /** The stress options of this model. */
    static StressOptions stress() {
        return LincheckBudget.stress(AdmissionGateSequential.class);
    }

    @Test
    void everyInterleavingOfAdmittingLeavingAndClosingIsLinearizable() {
        modelChecking().check(AdmissionGateLincheckTest.class);
    }

    @Test
    void realThreadsAdmittingLeavingAndClosingProduceOnlyLinearizableResults() {
        stress().check(AdmissionGateLincheckTest.class);
    }
}
