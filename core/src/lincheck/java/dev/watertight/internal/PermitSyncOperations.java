package dev.watertight.internal;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;

/**
 * The operations Lincheck may call on a {@link PermitSync} with a limit of {@value #INITIAL_LIMIT};
 * the two model classes ({@link PermitSyncLincheckTest}, {@link FairPermitSyncLincheckTest}) differ
 * only in fairness. Each operation makes exactly one call on the permits, so every operation is as
 * atomic as the method it delegates to; {@link PermitSyncSequential} says what each must return.
 *
 * <p><b>Who may release.</b> In the bulkhead a permit is given back only by the task that took it.
 * Lincheck passes each operation the index of the scenario thread running it ({@link ThreadIdGen}),
 * and the model keeps, per thread, how many permits that thread holds. {@link #release} gives a
 * permit back only when the calling thread holds one, and otherwise does nothing and returns
 * {@code false}; the specification keeps the same per-thread counts and applies the same rule. The
 * counts are confined to their thread (the initial part of a scenario, every parallel thread and
 * the final part each have their own index; when Lincheck shrinks a failing scenario it may move
 * an operation into the initial part, which still runs before all the threads), so this check is
 * not a race with other threads and the operation's only shared effect is still the single
 * {@code release()} call. Without the rule many scenarios would give back permits nobody holds,
 * which the class allows but which only raises the effective capacity.
 */
public abstract class PermitSyncOperations {
    /** The limit every model starts with. */
    static final int INITIAL_LIMIT = 2;
    /** Enough per-thread slots for the initial part, four parallel threads and the final part. */
    static final int THREAD_SLOTS = 8;

    /** The permits under test. */
    protected final PermitSync permits;
    private final int[] held = new int[THREAD_SLOTS];

    protected PermitSyncOperations(boolean fair) {
        this.permits = new PermitSync(INITIAL_LIMIT, fair);
    }

    /** Takes a permit if one is free now, without waiting. */
    @Operation
    public boolean tryAcquire(@Param(gen = ThreadIdGen.class) int thread) {
        boolean taken = permits.tryAcquire();
        if (taken) {
            held[thread]++;
        }
        return taken;
    }

    /** Gives back one permit the calling thread holds; {@code false} (and nothing done) if none. */
    @Operation
    public boolean release(@Param(gen = ThreadIdGen.class) int thread) {
        if (held[thread] == 0) {
            return false;
        }
        held[thread]--;
        permits.release();
        return true;
    }

    /** Changes the limit to 1, 2 or 3: below, at or above the permits that may be held. */
    @Operation
    public void resize(@Param(gen = IntGen.class, conf = "1:3") int newLimit) {
        permits.resize(newLimit);
    }

    @Operation
    public int limit() {
        return permits.limit();
    }

    @Operation
    public long inUse() {
        return permits.inUse();
    }

    @Operation
    public PermitSync.Counts snapshot() {
        return permits.snapshot();
    }

    /** Records a permit taken by a subclass's own acquiring operation. */
    protected final void tookOne(int thread) {
        held[thread]++;
    }
}
