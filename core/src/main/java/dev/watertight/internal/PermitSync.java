package dev.watertight.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.AbstractQueuedLongSynchronizer;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The permits of a semaphore bulkhead: a limit on how many holders there may be at once, with a
 * FIFO queue of waiting threads and a limit that can change while permits are held.
 *
 * <h2>Design</h2>
 * Two counters that only ever grow describe everything:
 * <ul>
 *   <li>{@code taken} (the synchronizer's own {@code state}): permits ever taken, plus every
 *       amount by which the limit was ever lowered;</li>
 *   <li>{@code given}: permits ever given back, plus every amount by which the limit was ever
 *       raised.</li>
 * </ul>
 * A permit may be taken while {@code taken - given < initialLimit}. Lowering the limit by
 * {@code d} adds {@code d} to {@code taken}, as if {@code d} phantom holders had arrived; raising
 * it by {@code u} adds {@code u} to {@code given}, as if {@code u} holders had left. So the
 * admission test compares against a constant, and every change that could make an admission
 * wrong (another admission, a lower limit) changes the very word the admission CASes.
 *
 * <p>Taking a permit is one CAS on {@code taken}; giving one back is one atomic add on
 * {@code given}, which never fails or retries. Neither allocates, locks or reads a clock. The
 * stats need no counter of their own for "accepted" or "in use": they are derived, with the
 * totals of the resizes taken out.
 *
 * <p>Waiting is left to {@link AbstractQueuedLongSynchronizer}, whose queue, timed and
 * interruptible parking, cancellation and wake-up propagation are the JDK's own. It calls
 * {@code tryAcquireShared} and {@code tryReleaseShared}; a release (or a raise of the limit)
 * signals the first waiter, which re-checks and, once admitted, signals the next.
 *
 * <h2>Why it is linearizable</h2>
 * Both counters are volatile, so their accesses are sequentially consistent.
 * <ul>
 *   <li><b>Admission.</b> A taker reads {@code taken} (T), then {@code given} (G), then CASes T
 *       to T+1. A successful CAS means {@code taken} did not move in between: no other admission
 *       and no lowering of the limit happened. {@code given} can only have grown. So at the CAS,
 *       the test {@code T - given < initialLimit} still holds: the admission is correct at the
 *       instant it takes effect, against the limit of that instant.</li>
 *   <li><b>Refusal.</b> {@code taken} is read before {@code given}. At the moment G is read,
 *       {@code taken} is at least T, so {@code taken - given >= T - G >= initialLimit}: the
 *       compartment really was full at that instant. (Reading them the other way round could
 *       refuse a call while the compartment was never full.)</li>
 *   <li><b>Resize</b> is a single atomic add on one counter, so it takes effect at one instant.
 *       Resizes are serialized among themselves by a lock; taking and giving back permits never
 *       touch it (only reading the limit or a snapshot waits, briefly, for a resize under way).</li>
 *   <li><b>No lost wake-up.</b> A waiter marks its queue node as waiting and re-checks before it
 *       parks; a releaser adds to {@code given} and then reads the queue. Both are volatile
 *       accesses, so at least one sees the other. This is the synchronizer's own protocol.</li>
 *   <li><b>Snapshots.</b> {@link #snapshot} reads under a sequence number that resizes make odd
 *       while they work, and re-reads {@code given} after {@code taken}; when neither moved, the
 *       numbers are those of one instant.</li>
 * </ul>
 *
 * <h2>Fairness</h2>
 * When fair, a taker first checks that no thread is queued ahead of it
 * ({@code hasQueuedPredecessors()}); fail-fast takers obey this too, so nobody overtakes a
 * waiter. When unfair, a taker may take a permit just freed for a waiter, which then parks
 * again; waiters are still woken in arrival order.
 *
 * <p>Bugs this avoids by construction: a waiter that times out or is interrupted takes nothing
 * and passes any wake-up it received on to the next waiter (failsafe #393 lost a permit for good
 * per timed-out waiter); a resize never invalidates or double-counts a held permit.
 */
public final class PermitSync implements BulkheadPermits {
    private final Sync sync;

    // Written only by resize(), under resizeLock; read by snapshots under resizeSequence.
    // Volatile so that a snapshot's reads cannot drift past its closing sequence check.
    private final ReentrantLock resizeLock = new ReentrantLock();
    private volatile long resizeSequence;
    private volatile int limit;
    private volatile long totalLowered;
    private volatile long totalRaised;

    /**
     * Creates the permits, all free.
     *
     * @param limit how many may be held at once
     * @param fair whether takers must queue behind waiters
     */
    public PermitSync(int limit, boolean fair) {
        this.sync = new Sync(limit, fair);
        this.limit = limit;
    }

    /**
     * Takes a permit if one is free now, without waiting; when fair, only if nobody waits.
     *
     * @return whether a permit was taken
     */
    @Override
    public boolean tryAcquire() {
        return sync.tryTake();
    }

    /**
     * Takes a permit, waiting up to the timeout.
     *
     * @param timeoutNanos how long to wait; zero or less means not at all
     * @return whether a permit was taken
     * @throws InterruptedException if interrupted before a permit was taken (none is taken then)
     */
    @Override
    public boolean tryAcquire(long timeoutNanos) throws InterruptedException {
        return sync.tryAcquireSharedNanos(1, timeoutNanos);
    }

    /**
     * Takes a permit, waiting as long as it takes.
     *
     * @throws InterruptedException if interrupted before a permit was taken (none is taken then)
     */
    public void acquire() throws InterruptedException {
        sync.acquireSharedInterruptibly(1);
    }

    /** Gives one permit back and wakes the first waiter, if any. */
    @Override
    public void release() {
        sync.releaseShared(1);
    }

    /**
     * Sets a new limit; permits in use stay valid, and waiters are re-checked at once.
     *
     * @param newLimit the new limit, at least 1
     */
    @Override
    @SuppressWarnings("NonAtomicVolatileUpdate") // the totals are written only under resizeLock
    public void resize(int newLimit) {
        resizeLock.lock();
        try {
            long delta = (long) newLimit - limit;
            RESIZE_SEQUENCE.getAndAdd(this, 1L); // odd: a resize is under way
            if (delta < 0) {
                sync.lower(-delta);
                totalLowered += -delta;
            } else if (delta > 0) {
                sync.raise(delta);
                totalRaised += delta;
            }
            limit = newLimit;
            RESIZE_SEQUENCE.getAndAdd(this, 1L); // even again
        } finally {
            resizeLock.unlock();
        }
        sync.releaseShared(0); // wake the first waiter to re-check against the new limit
    }

    /**
     * The current limit, read under the resize sequence: a resize changes the counters before it
     * writes {@code limit}, so a bare read could return the old limit after a call had already
     * been admitted (or refused) under the new one.
     *
     * @return the limit in force at one instant during the call
     */
    @Override
    public int limit() {
        for (;;) {
            long sequence = resizeSequence;
            if ((sequence & 1) == 0) {
                int current = limit;
                if (sequence == resizeSequence) {
                    return current;
                }
            } else {
                awaitResize();
            }
        }
    }

    /** Waits for a resize under way to finish: the lock is taken only to be let go. */
    private void awaitResize() {
        resizeLock.lock();
        try {
            // nothing to do under the lock: having had it means the resize before us is done
        } finally {
            resizeLock.unlock();
        }
    }

    /** Threads waiting for a permit now; walks the queue, so meant for stats. */
    @Override
    public int waiting() {
        return sync.getQueueLength();
    }

    /** Permits in use now, as of one instant during the call. */
    public long inUse() {
        return snapshot().inUse();
    }

    /**
     * Counts as of one instant during the call.
     *
     * @return permits taken ever, given back ever, in use now, and the limit, all consistent
     */
    @Override
    public Counts snapshot() {
        for (int attempt = 0; ; attempt++) {
            long sequence = resizeSequence;
            if ((sequence & 1) != 0) {
                awaitResize(); // it holds the lock for a handful of instructions
                continue;
            }
            long givenBefore = sync.given();
            long taken = sync.taken();
            long givenAfter = sync.given();
            int currentLimit = limit;
            long lowered = totalLowered;
            long raised = totalRaised;
            boolean exact = givenBefore == givenAfter;
            // Under a storm of releases the exact read may keep failing; after enough tries take
            // the releases as of just before 'taken' was read. The counts still add up and are
            // never negative; "in use" may then include a few permits already given back.
            if ((exact || attempt >= 64) && sequence == resizeSequence) {
                long acquired = taken - lowered;
                long released = givenBefore - raised;
                return new Counts(acquired, released, acquired - released, currentLimit);
            }
        }
    }

    /**
     * Counts from one instant.
     *
     * @param acquired permits ever taken
     * @param released permits ever given back
     * @param inUse permits held at that instant
     * @param limit the limit at that instant
     */
    public record Counts(long acquired, long released, long inUse, int limit) {}

    @Override
    public String toString() {
        Counts counts = snapshot();
        return "PermitSync[limit=" + counts.limit() + ", inUse=" + counts.inUse() + ", waiting="
                + waiting() + "]";
    }

    private static final VarHandle RESIZE_SEQUENCE;

    static {
        try {
            RESIZE_SEQUENCE = MethodHandles.lookup().findVarHandle(PermitSync.class, "resizeSequence", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The two counters and the wait queue. The synchronizer's {@code state} is {@code taken};
     * {@code given} lives beside it, on the same cache line, since every call touches both.
     */
    private static final class Sync extends AbstractQueuedLongSynchronizer {
        private static final long serialVersionUID = 1L;
        private static final VarHandle GIVEN;

        static {
            try {
                GIVEN = MethodHandles.lookup().findVarHandle(Sync.class, "given", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final int initialLimit;
        private final boolean fair;
        /** Permits ever given back plus all raises of the limit; only ever added to. */
        private volatile long given;

        Sync(int initialLimit, boolean fair) {
            this.initialLimit = initialLimit;
            this.fair = fair;
        }

        long taken() {
            return getState();
        }

        long given() {
            return given;
        }

        boolean tryTake() {
            if (fair && hasQueuedPredecessors()) {
                return false;
            }
            return admit();
        }

        private boolean admit() {
            for (;;) {
                long taken = getState();
                long givenNow = given; // read after taken: see "Refusal" above
                if (taken - givenNow >= initialLimit) {
                    return false;
                }
                if (compareAndSetState(taken, taken + 1)) {
                    return true;
                }
            }
        }

        void lower(long amount) {
            for (;;) {
                long taken = getState();
                if (compareAndSetState(taken, taken + amount)) {
                    return;
                }
            }
        }

        void raise(long amount) {
            GIVEN.getAndAdd(this, amount);
        }

        @Override
        protected long tryAcquireShared(long ignored) {
            if (fair && hasQueuedPredecessors()) {
                return -1;
            }
            return admit() ? 1 : -1;
        }

        @Override
        protected boolean tryReleaseShared(long permits) {
            if (permits != 0) {
                GIVEN.getAndAdd(this, permits);
            }
            return true; // always signal: the first waiter may now fit
        }
    }
}
