package dev.watertight.internal;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.junit.jupiter.api.Test;

/**
 * Lincheck model of an {@link AdmissionGate} whose bounds change while tasks are admitted, started,
 * finished and leave: {@code tryAdmit}, {@code tryStart}, {@code finish}, {@code leave},
 * {@code resize}, {@code occupancy} and {@code running}, checked for linearizability against
 * {@link AdmissionGateResizeSequential}. A resize that changes both bounds must take effect at one
 * instant: no caller may see the new bound on one operation and the old run limit on its next.
 *
 * <p><b>Contract kept by the model.</b> As in the pool, a task leaves or starts only if it was
 * admitted, finishes only if it started, and resizes are serialized by the caller (the pool holds
 * its worker lock; here {@code resize} is {@code synchronized}). Per-thread counts, confined to
 * their thread, enforce that; an operation whose precondition does not hold does nothing and
 * returns {@code null}, and the specification applies the same rule.
 *
 * <p><b>Bounds.</b> The gate starts at bound {@value #BOUND} and run limit {@value #RUN_LIMIT};
 * {@code resize} picks a bound from 1 to 3 and a run limit from 1 to 2, so that raising one bound
 * while lowering the other is among the scenarios. Sizes and budget as in
 * {@link AdmissionGateLincheckTest}.
 *
 * <p><b>What it found.</b> Run with a larger budget (300 scenarios of 3,000 interleavings, set in
 * {@link LincheckBudget}), this model found in about two minutes that the gate as it was, with
 * its two bounds in separate fields, refused an admission that no instant justified: the caller
 * read the word (one task inside, bound 3), a task left, a resize set the bound to 1, and the
 * caller judged its stale count of one against the new bound. The gate now keeps both bounds in
 * one packed value selected by the word's generation and confirms a refusal by reading the word
 * again; the same larger run passes (model checking and 100 stress scenarios, 147 s).
 */
@Param(name = "bound", gen = IntGen.class, conf = "1:3")
@Param(name = "runLimit", gen = IntGen.class, conf = "1:2")
public class AdmissionGateResizeLincheckTest {
    static final int BOUND = 1;
    static final int RUN_LIMIT = 2;
    static final int THREAD_SLOTS = AdmissionGateLincheckTest.THREAD_SLOTS;
    private final AdmissionGate gate = new AdmissionGate(BOUND, RUN_LIMIT);
    private final int[] waiting = new int[THREAD_SLOTS];
    private final int[] running = new int[THREAD_SLOTS];

    @Operation
    public long tryAdmit(@Param(gen = ThreadIdGen.class) int thread) {
        long result = gate.tryAdmit();
        if (result > 0) {
            waiting[thread]++;
        }
        return result;
    }

    /** Starts one of the thread's admitted tasks; {@code null} if it has none waiting. */
    @Operation
    public Boolean tryStart(@Param(gen = ThreadIdGen.class) int thread) {
        if (waiting[thread] == 0) {
            return null;
        }
        boolean started = gate.tryStart();
        if (started) {
            waiting[thread]--;
            running[thread]++;
        }
        return started;
    }

    /** One of the thread's running tasks ends; {@code null} if it has none running. */
    @Operation
    public Boolean finish(@Param(gen = ThreadIdGen.class) int thread) {
        if (running[thread] == 0) {
            return null;
        }
        running[thread]--;
        return gate.finish();
    }

    /** One of the thread's waiting tasks leaves unstarted; {@code null} if it has none waiting. */
    @Operation
    public Boolean leave(@Param(gen = ThreadIdGen.class) int thread) {
        if (waiting[thread] == 0) {
            return null;
        }
        waiting[thread]--;
        return gate.leave();
    }

    @Operation
    public synchronized void resize(@Param(name = "bound") int bound, @Param(name = "runLimit") int runLimit) {
        gate.resize(bound, runLimit);
    }

    @Operation
    public long occupancy() {
        return gate.occupancy();
    }

    @Operation
    public int running() {
        return gate.running();
    }

    /** The model-checking options of this model, shared with {@link BrokenVariantsLincheckTest}. */
    static ModelCheckingOptions modelChecking() {
        return LincheckBudget.modelChecking(AdmissionGateResizeSequential.class);
    }

    @Test
    void everyInterleavingOfResizingAdmittingStartingAndFinishingIsLinearizable() {
        modelChecking().check(AdmissionGateResizeLincheckTest.class);
    }

    @Test
    void realThreadsResizingAdmittingStartingAndFinishingProduceOnlyLinearizableResults() {
        StressOptions stress = LincheckBudget.stress(AdmissionGateResizeSequential.class);
        stress.check(AdmissionGateResizeLincheckTest.class);
    }
}
