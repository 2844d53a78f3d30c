package dev.watertight;

import dev.watertight.internal.Settings;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A byte budget for one compartment: what it may hold in caches, buffers or batches, accounted
 * for the compartment alone, not read off the process. A compartment that reserves until refused
 * takes nothing from its neighbours' budgets.
 *
 * <pre>{@code
 * MemoryBulkhead caches = MemoryBulkhead.builder("caches").budget(300 * MB).build();
 * MemoryBulkhead users = MemoryBulkhead.builder("user-cache").budget(100 * MB).parent(caches).build();
 *
 * try (MemoryReservation buffer = users.reserve(4 * MB)) {   // or MemoryBudgetExceededException
 *     ...
 * }
 * if (users.tryReserve(bytes)) {                              // the allocation-free form
 *     try { ... } finally { users.release(bytes); }
 * }
 * }</pre>
 *
 * <p><b>Guarantees.</b> What a bulkhead holds never exceeds its budget, and what all the children
 * of a parent hold never exceeds the parent's budget, not even for an instant: a reservation is
 * counted in the child first, then in each parent up the chain, and undone if a parent refuses;
 * a release never takes a count below zero (releasing more than is held fails and changes
 * nothing).
 * Children's budgets may add up to more than their parent's (the parent is then shared, first
 * come, first served); no child's may exceed it. Refusals are best effort while others reserve and
 * release at the same moment (a parent may refuse bytes that a sibling is about to give back).
 *
 * <p><b>Cost.</b> {@link #tryReserve} and {@link #release} are one CAS per level, take no lock
 * and allocate nothing; a {@link MemoryReservation} handle is one small object. Waiting callers
 * ({@link #reserve(long, Duration)}) park on a lock shared by the whole tree, which a release (or
 * a refusal by a parent, whose undo frees a child's bytes) takes only when someone waits.
 *
 * <p><b>Resizing.</b> {@link #resize} changes a budget in place. Nothing is taken back: after a
 * lowering, what is reserved may stay above the new budget, and new reservations are refused
 * until releases bring it below; a raise wakes the waiters at once. The parent and child rules
 * of the builder hold across resizes: a child's budget never exceeds its parent's. A reservation
 * that is under way while the budget is lowered may still be granted against the old budget: it
 * counts as made before the change (which takes nothing back); one that starts after
 * {@code resize} returns sees the new budget.
 *
 * <p>Thread-safe.
 */
public final class MemoryBulkhead {
    private static final VarHandle RESERVED;
    private static final VarHandle PEAK;
    /** Budgets up to 4 EiB: far beyond any heap, and sums of two never overflow. */
    private static final long MAX_BUDGET = 1L << 62;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            RESERVED = lookup.findVarHandle(MemoryBulkhead.class, "reserved", long.class);
            PEAK = lookup.findVarHandle(MemoryBulkhead.class, "peak", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    /** Written only by resize, under the tree's lock; read by every reservation. */
    private volatile long budget;
    private final @Nullable MemoryBulkhead parent;
    /** This bulkhead's children, weakly held, for resize to check; guarded by the tree's lock. */
    private final List<WeakReference<MemoryBulkhead>> children = new ArrayList<>();
    private final boolean writableStackTrace;
    private final Waiters waiters;
    private final LongAdder refusals = new LongAdder();
    private volatile long reserved;
    private volatile long peak;

    private MemoryBulkhead(Builder builder) {
        this.name = builder.name;
        this.budget = builder.budget;
        this.parent = builder.parent;
        this.writableStackTrace = builder.writableStackTrace;
        this.waiters = parent == null ? new Waiters() : parent.waiters;
    }

    /**
     * Starts describing a memory bulkhead.
     *
     * @param name the compartment's name, used in messages and stats
     * @return a builder; the budget must be set
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** {@return the compartment's name} */
    public String name() {
        return name;
    }

    /** {@return the budget in force, in bytes} */
    public long budget() {
        return budget;
    }

    /**
     * Changes the budget in place. Reservations held stay held, even above a lowered budget: new
     * ones are then refused until enough is released. A raise wakes waiting callers at once.
     *
     * @param bytes from 1 byte to 4 EiB (2^62), at most the parent's budget and at least the
     *     budget of each child
     * @throws IllegalArgumentException naming the setting, the bad value and what is allowed
     */
    public void resize(long bytes) {
        checkBudget(name, bytes);
        waiters.lock.lock(); // resizes of a tree are serialized, so the parent/child rule holds
        try {
            if (parent != null && bytes > parent.budget) {
                throw aboveParent(name, bytes, parent);
            }
            for (MemoryBulkhead child : liveChildren()) {
                if (child.budget > bytes) {
                    throw new IllegalArgumentException("budget of '" + name + "' must be at least the budget of its child '"
                            + child.name + "', " + MemoryBudgetExceededException.bytesExactly(child.budget) + ", was "
                            + MemoryBudgetExceededException.bytesExactly(bytes));
                }
            }
            long before = budget;
            budget = bytes;
            if (bytes > before) {
                waiters.released.signalAll(); // waiters re-check against the new budget
            }
        } finally {
            waiters.lock.unlock();
        }
    }

    /** The children still reachable; the caller holds the tree's lock. */
    private List<MemoryBulkhead> liveChildren() {
        List<MemoryBulkhead> live = new ArrayList<>();
        children.removeIf(reference -> {
            MemoryBulkhead child = reference.get();
            if (child != null) {
                live.add(child);
            }
            return child == null;
        });
        return live;
    }

    private static void checkBudget(String name, long bytes) {
        if (bytes < 1 || bytes > MAX_BUDGET) {
            throw new IllegalArgumentException("budget of '" + name + "' must be between 1 byte and 4 EiB (2^62 bytes), was "
                    + bytes + " bytes");
        }
    }

    private static IllegalArgumentException aboveParent(String name, long bytes, MemoryBulkhead parent) {
        return new IllegalArgumentException("budget of '" + name + "' must be at most the budget of its parent '"
                + parent.name + "', " + MemoryBudgetExceededException.bytesExactly(parent.budget) + ", was "
                + MemoryBudgetExceededException.bytesExactly(bytes));
    }

    /** {@return the bulkhead whose budget this one's reservations also count against, or null} */
    public @Nullable MemoryBulkhead parent() {
        return parent;
    }

    /** {@return bytes reserved now} */
    public long reserved() {
        return reserved;
    }

    /**
     * Reserves bytes if the budget (and every parent's) has room now; never waits, never throws
     * for a full budget, allocates nothing.
     *
     * @param bytes how many, zero or more
     * @return whether they were reserved; if so, {@link #release(long)} them exactly once
     * @throws IllegalArgumentException if bytes is negative
     */
    public boolean tryReserve(long bytes) {
        checkBytes(bytes);
        if (take(bytes) == null) {
            return true;
        }
        refusals.increment();
        return false;
    }

    /**
     * Reserves bytes now, or throws.
     *
     * @param bytes how many, zero or more
     * @return a handle that releases them when closed (closing twice is harmless)
     * @throws MemoryBudgetExceededException if this budget or a parent's has no room
     * @throws IllegalArgumentException if bytes is negative
     */
    public MemoryReservation reserve(long bytes) {
        checkBytes(bytes);
        MemoryBulkhead full = take(bytes);
        if (full != null) {
            throw refused(bytes, full, 0, 0, false);
        }
        return new MemoryReservation(this, bytes);
    }

    /**
     * Reserves bytes, waiting up to {@code maxWait} for others to release enough.
     *
     * @param bytes how many, zero or more
     * @param maxWait how long to wait at most; zero means not at all
     * @return a handle that releases them when closed
     * @throws MemoryBudgetExceededException if there was no room within the wait, or the caller
     *     was interrupted (its interrupt status is set again)
     * @throws IllegalArgumentException if bytes is negative or maxWait negative
     */
    public MemoryReservation reserve(long bytes, Duration maxWait) {
        checkBytes(bytes);
        long maxWaitNanos = Settings.nonNegative("maxWait", maxWait).toNanos();
        MemoryBulkhead full = take(bytes);
        if (full == null) {
            return new MemoryReservation(this, bytes);
        }
        if (maxWaitNanos == 0 || bytes > budget) {
            throw refused(bytes, full, 0, maxWaitNanos, false);
        }
        long start = System.nanoTime();
        try {
            full = waiters.await(this, bytes, maxWaitNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw refused(bytes, this, System.nanoTime() - start, maxWaitNanos, true);
        }
        if (full != null) {
            throw refused(bytes, full, System.nanoTime() - start, maxWaitNanos, false);
        }
        return new MemoryReservation(this, bytes);
    }

    /**
     * Releases bytes reserved with {@link #tryReserve(long)}; exactly once per reservation.
     *
     * @param bytes how many, as reserved
     * @throws IllegalStateException if more is released than is reserved (nothing is released then)
     */
    public void release(long bytes) {
        checkBytes(bytes);
        for (MemoryBulkhead level = this; level != null; level = level.parent) {
            if (!level.releaseHere(bytes)) {
                long held = level.reserved;
                for (MemoryBulkhead undo = this; undo != level; undo = below(undo, level)) {
                    RESERVED.getAndAdd(undo, bytes); // the levels below gave theirs back: take them again
                }
                throw new IllegalStateException("MemoryBulkhead '" + level.name + "' was asked to release " + bytes
                        + " bytes but holds only " + held + ": a reservation was released twice or never made");
            }
        }
        waiters.released();
    }

    /** Lowers this level's count by bytes if it holds that many; never lets it go below zero. */
    private boolean releaseHere(long bytes) {
        for (;;) {
            long held = reserved;
            if (held < bytes) {
                return false;
            }
            if (RESERVED.compareAndSet(this, held, held - bytes)) {
                return true;
            }
        }
    }

    /**
     * Takes bytes from this bulkhead and every parent, or none of them.
     *
     * @return null if taken, else the bulkhead that had no room
     */
    @Nullable MemoryBulkhead take(long bytes) {
        return take(bytes, true);
    }

    /**
     * Takes bytes from this bulkhead and every parent, or none of them.
     *
     * @param signal whether giving back a child's bytes after a parent refused wakes the waiters;
     *     a waiter, which holds the waiters' lock, must not (it would wake the others, who would
     *     wake it, for the whole wait)
     * @return null if taken, else the bulkhead that had no room
     */
    private @Nullable MemoryBulkhead take(long bytes, boolean signal) {
        MemoryBulkhead level = this;
        for (; level != null; level = level.parent) {
            if (!level.takeHere(bytes)) {
                break;
            }
        }
        if (level == null) {
            notePeaks();
            return null;
        }
        for (MemoryBulkhead undo = this; undo != level; undo = below(undo, level)) {
            RESERVED.getAndAdd(undo, -bytes); // a parent refused: give back what the children took
        }
        if (signal && level != this) {
            waiters.released(); // those bytes may be what a sibling's waiter needs
        }
        return level;
    }

    private boolean takeHere(long bytes) {
        for (;;) {
            long held = reserved;
            long limit = budget;
            if (bytes > limit - held) {
                return false;
            }
            if (RESERVED.compareAndSet(this, held, held + bytes)) {
                // A lowering between the read of the budget and the CAS needs no second look:
                // this reservation was under way when the budget changed, so it counts as made
                // before the change, and a lowering takes nothing back.
                return true;
            }
        }
    }

    private void notePeaks() {
        for (MemoryBulkhead level = this; level != null; level = level.parent) {
            long now = level.reserved;
            long seen = level.peak;
            // A new peak is rare once a compartment has warmed up: usually one read and no write.
            while (now > seen && !PEAK.compareAndSet(level, seen, now)) {
                seen = level.peak;
            }
        }
    }

    /** The level above {@code level}, which lies below {@code top}: never null, as {@code top} is above it. */
    private static MemoryBulkhead below(MemoryBulkhead level, MemoryBulkhead top) {
        MemoryBulkhead parent = level.parent;
        if (parent == null) {
            throw new IllegalStateException("'" + top.name + "' is not above '" + level.name + "'");
        }
        return parent;
    }

    private void checkBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes asked of MemoryBulkhead '" + name + "' must be zero or more, was " + bytes);
        }
    }

    private MemoryBudgetExceededException refused(long bytes, MemoryBulkhead full, long waitedNanos, long maxWaitNanos,
            boolean interrupted) {
        refusals.increment();
        return new MemoryBudgetExceededException(name, bytes, reserved, budget, bytes > budget,
                full == this ? null : full.name, full.reserved, full.budget, waitedNanos, maxWaitNanos, interrupted,
                writableStackTrace);
    }

    /** Called by a reservation that grows: counted as a refusal here if it cannot. */
    MemoryBudgetExceededException refusedGrowth(long bytes, MemoryBulkhead full) {
        return refused(bytes, full, 0, 0, false);
    }

    /**
     * A snapshot of the budget and what is held.
     *
     * @return the stats now
     */
    public MemoryBulkheadStats stats() {
        return new MemoryBulkheadStats(name, parent == null ? null : parent.name, budget, reserved, peak, refusals.sum());
    }

    @Override
    public String toString() {
        return "MemoryBulkhead[" + name + ", " + MemoryBudgetExceededException.bytes(reserved) + " of "
                + MemoryBudgetExceededException.bytes(budget) + (parent == null ? "" : ", in " + parent.name) + "]";
    }

    /**
     * Where callers wait for bytes: one lock for a whole tree of bulkheads, since a release
     * anywhere in it can be what a waiter anywhere in it needs. Releases touch it only when
     * someone waits.
     */
    private static final class Waiters {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition released = lock.newCondition();
        /** Written only under {@link #lock}; volatile so that a release reads it without the lock. */
        private volatile int waiting;

        @SuppressWarnings("NonAtomicVolatileUpdate") // every write holds the lock
        @Nullable MemoryBulkhead await(MemoryBulkhead bulkhead, long bytes, long timeoutNanos) throws InterruptedException {
            long remaining = timeoutNanos;
            lock.lock();
            try {
                waiting++;
                try {
                    for (;;) {
                        // Checked under the lock after counting ourselves in: a release that
                        // happens after this check sees waiting > 0 and signals.
                        MemoryBulkhead full = bulkhead.take(bytes, false);
                        if (full == null || remaining <= 0) {
                            return full;
                        }
                        remaining = released.awaitNanos(remaining);
                    }
                } finally {
                    waiting--;
                }
            } finally {
                lock.unlock();
            }
        }

        void released() {
            if (waiting > 0) {
                lock.lock();
                try {
                    released.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /** Describes a {@link MemoryBulkhead}; every setting is checked as it is given. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private long budget = -1;
        private @Nullable MemoryBulkhead parent;
        private boolean writableStackTrace;

        private Builder(String name) {
            this.name = Settings.name(name);
        }

        /**
         * The budget in bytes.
         *
         * @param bytes from 1 byte to 4 EiB (2^62), and at most the parent's budget
         * @return this builder
         */
        public Builder budget(long bytes) {
            checkBudget(name, bytes);
            this.budget = bytes;
            return this;
        }

        /**
         * A bulkhead whose budget this one's reservations also count against, so that what all
         * its children hold never exceeds it.
         *
         * @param parent the parent
         * @return this builder
         */
        public Builder parent(MemoryBulkhead parent) {
            this.parent = Objects.requireNonNull(parent, "parent must not be null");
            return this;
        }

        /**
         * Whether refusals record a stack trace; off by default, since refusals are part of
         * normal operation under load and a stack trace costs microseconds.
         *
         * @param writableStackTrace whether to record it
         * @return this builder
         */
        public Builder writableStackTrace(boolean writableStackTrace) {
            this.writableStackTrace = writableStackTrace;
            return this;
        }

        /**
         * Builds the bulkhead.
         *
         * @return a bulkhead with nothing reserved
         * @throws IllegalArgumentException if the budget was not set or is above the parent's
         */
        public MemoryBulkhead build() {
            if (budget < 0) {
                throw new IllegalArgumentException("budget of '" + name + "' must be set, in bytes, from 1 to 2^62");
            }
            if (parent == null) {
                return new MemoryBulkhead(this);
            }
            parent.waiters.lock.lock(); // against a resize of the parent meanwhile
            try {
                if (budget > parent.budget) {
                    throw aboveParent(name, budget, parent);
                }
                MemoryBulkhead child = new MemoryBulkhead(this);
                parent.liveChildren(); // drop the children collected since
                parent.children.add(new WeakReference<>(child));
                return child;
            } finally {
                parent.waiters.lock.unlock();
            }
        }
    }
}
