package dev.watertight.internal;

/**
 * The sequential specification of {@link PermitSync}, written from its contract rather than its
 * code: a count of permits in use and a limit. A permit may be taken while fewer than the limit are
 * in use; lowering the limit never takes back permits already held, so more than the limit may be
 * in use until enough are given back. Per-thread holdings mirror the rule of
 * {@link PermitSyncOperations}: only a thread holding a permit gives one back.
 *
 * <p>Lincheck calls these methods by name with the same parameters as the operations of the model
 * classes, one at a time, on a fresh instance per candidate order.
 */
public final class PermitSyncSequential {
    private final int[] held = new int[PermitSyncOperations.THREAD_SLOTS];
    private int limit = PermitSyncOperations.INITIAL_LIMIT;
    private long acquired;
    private long released;

    public boolean tryAcquire(int thread) {
        if (acquired - released >= limit) {
            return false;
        }
        acquired++;
        held[thread]++;
        return true;
    }

    /**
     * A timed attempt has the same specification as an immediate one: it succeeds exactly when a
     * permit is free at the instant it takes effect. How long it waited is not part of the result,
     * so a refusal only claims that the permits were all in use at some instant during the call.
     */
    public boolean tryAcquireWithin(int thread) {
        return tryAcquire(thread);
    }

    public boolean release(int thread) {
        if (held[thread] == 0) {
            return false;
        }
        held[thread]--;
        released++;
        return true;
    }

    public void resize(int newLimit) {
        limit = newLimit;
    }

    public int limit() {
        return limit;
    }

    public long inUse() {
        return acquired - released;
    }

    public PermitSync.Counts snapshot() {
        return new PermitSync.Counts(acquired, released, acquired - released, limit);
    }
}
