package dev.watertight.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Admission to a thread-pool compartment: how many tasks are inside it (queued or running), how
 * many of them run, the bounds on both, and whether the compartment is closed.
 *
 * <h2>Design</h2>
 * One 64-bit word holds every fact the bounds depend on:
 * <pre>
 *   bit 62      closed
 *   bits 49-61  generation: bumped by every {@link #resize}
 *   bits 32-48  running: tasks that hold one of the {@code runLimit} run slots
 *   bits 0-31   inside: admitted tasks that have not left (queued, waiting for a slot, running)
 * </pre>
 * Admitting is one CAS that checks the closed bit and {@code inside < bound} at once, so a task
 * can never slip in after {@link #close()} and {@code inside} never passes the bound in force.
 * A worker that has taken a task starts it only after a CAS that checks
 * {@code running < runLimit}; finishing gives the slot back and leaves in one atomic add. A task
 * leaves when its code has really returned (or when it was removed from the queue before
 * starting), not when its future completed, so a task that ignores a timeout keeps its place.
 *
 * <h2>Resizing</h2>
 * The two bounds are packed into one long ({@code bound | runLimit << 32}) held in one of two
 * volatile slots; the generation's lowest bit says which slot is in force. {@link #resize}
 * (which callers serialize) writes the new bounds into the slot not in force, then bumps the
 * generation with a CAS on the word: that one CAS changes the bounds in force, so every
 * decision is taken against the bounds of the generation in the word it read, and both bounds
 * change at one instant (a caller cannot see the new bound on one call and the old run limit on
 * its next). A caller that read the word, then the bounds, then succeeds in its CAS saw no bump
 * in between, so the bounds it read were in force at its CAS; a refusal is confirmed the same
 * way, by reading the word again and finding it unchanged (otherwise a stale word could be
 * judged against bounds that were never in force with it, and refuse a call that at no instant
 * was over a bound). Lowering a bound takes nothing back: {@code inside} or {@code running} may
 * stay above it, and new admissions or starts are refused until they are below it again. The
 * generation has 13 bits and wraps; a CAS would be fooled only by exactly 8192 resizes between
 * one caller's two reads.
 *
 * <h2>Memory ordering</h2>
 * The word is volatile and changed only by CAS or atomic add, so every change is totally ordered
 * and sequentially consistent with the pool's other volatile fields. No ABA matters otherwise: a
 * CAS that succeeds against a count that went down and up again still admits exactly when the
 * count it saw was below the bound, which was true at the CAS.
 */
public final class AdmissionGate {
    /** What {@link #tryAdmit()} returns when the compartment is full. */
    public static final long FULL = -1;
    /** What {@link #tryAdmit()} returns when the compartment is closed. */
    public static final long CLOSED = -2;

    private static final long INSIDE_MASK = 0xFFFF_FFFFL;
    private static final int RUNNING_SHIFT = 32;
    private static final long RUNNING_ONE = 1L << RUNNING_SHIFT;
    private static final long RUNNING_MASK = 0x1_FFFFL << RUNNING_SHIFT;
    private static final long GENERATION_ONE = 1L << 49;
    private static final long GENERATION_MASK = 0x1FFFL << 49;
    private static final long CLOSED_BIT = 1L << 62;

    /** The most run slots the word can count. */
    static final int MAX_RUN_LIMIT = (int) (RUNNING_MASK >>> RUNNING_SHIFT);

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(AdmissionGate.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The bounds of even generations, packed ({@link #pack}). */
    private volatile long limitsEven;
    /** The bounds of odd generations, packed. */
    private volatile long limitsOdd;
    private volatile long state;

    /**
     * Creates an open, empty gate.
     *
     * @param bound the most tasks that may be inside at once, at most {@code Integer.MAX_VALUE}
     * @param runLimit the most that may run at once
     */
    public AdmissionGate(long bound, int runLimit) {
        checkBounds(bound, runLimit);
        this.limitsEven = pack(bound, runLimit); // generation 0 is even
    }

    private static long pack(long bound, int runLimit) {
        return bound | (long) runLimit << 32;
    }

    private static long boundOf(long limits) {
        return limits & INSIDE_MASK;
    }

    private static int runLimitOf(long limits) {
        return (int) (limits >>> 32);
    }

    /** The bounds in force while the word is {@code word}: the slot its generation selects. */
    private long limitsOf(long word) {
        return (word & GENERATION_ONE) == 0 ? limitsEven : limitsOdd;
    }

    private static void checkBounds(long bound, int runLimit) {
        if (bound < 1 || bound > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bound must be between 1 and " + Integer.MAX_VALUE + ", was " + bound);
        }
        if (runLimit < 1 || runLimit > MAX_RUN_LIMIT) {
            throw new IllegalArgumentException("runLimit must be between 1 and " + MAX_RUN_LIMIT + ", was " + runLimit);
        }
    }

    /**
     * Lets one task in if there is room and the gate is open.
     *
     * @return the number of tasks inside after this one entered, or {@link #FULL} or {@link #CLOSED}
     */
    public long tryAdmit() {
        for (;;) {
            long current = state;
            if ((current & CLOSED_BIT) != 0) {
                return CLOSED;
            }
            long inside = current & INSIDE_MASK;
            if (inside >= boundOf(limitsOf(current))) { // read after the word: see "Resizing"
                if (state == current) {
                    return FULL;
                }
                continue;
            }
            if (STATE.compareAndSet(this, current, current + 1)) {
                return inside + 1;
            }
        }
    }

    /**
     * Takes a run slot for a task that is inside, if fewer than {@code runLimit} are taken.
     *
     * @return whether the task may start
     */
    public boolean tryStart() {
        for (;;) {
            long current = state;
            if (((current & RUNNING_MASK) >>> RUNNING_SHIFT) >= runLimitOf(limitsOf(current))) {
                if (state == current) { // confirmed: see "Resizing"
                    return false;
                }
                continue;
            }
            if (STATE.compareAndSet(this, current, current + RUNNING_ONE)) {
                return true;
            }
        }
    }

    /**
     * A task that held a run slot has ended: gives the slot back and leaves, in one atomic add.
     *
     * @return whether the gate is now closed and empty: the last task of a closing compartment
     */
    public boolean finish() {
        long after = (long) STATE.getAndAdd(this, -(1 + RUNNING_ONE)) - (1 + RUNNING_ONE);
        return closedAndEmpty(after);
    }

    /** Gives back a run slot whose task had already left (it was cancelled while queued). */
    public void releaseSlot() {
        STATE.getAndAdd(this, -RUNNING_ONE);
    }

    /**
     * One task that held no run slot has left (removed from the queue).
     *
     * @return whether the gate is now closed and empty: the last task of a closing compartment
     */
    public boolean leave() {
        long after = (long) STATE.getAndAdd(this, -1L) - 1;
        return closedAndEmpty(after);
    }

    private static boolean closedAndEmpty(long word) {
        return (word & CLOSED_BIT) != 0 && (word & INSIDE_MASK) == 0;
    }

    /**
     * Sets new bounds; tasks inside or running stay, even above them. Callers serialize resizes.
     *
     * @param newBound the most tasks that may be inside at once, at most {@code Integer.MAX_VALUE}
     * @param newRunLimit the most that may run at once
     */
    public void resize(long newBound, int newRunLimit) {
        checkBounds(newBound, newRunLimit);
        long limits = pack(newBound, newRunLimit);
        for (;;) {
            long current = state;
            long nextGeneration = (current + GENERATION_ONE) & GENERATION_MASK;
            // The slot of the next generation is not in force: nobody decides against it until
            // the CAS below makes it so (resizes are serialized, so nobody else bumps meanwhile).
            if ((nextGeneration & GENERATION_ONE) == 0) {
                limitsEven = limits;
            } else {
                limitsOdd = limits;
            }
            if (STATE.compareAndSet(this, current, (current & ~GENERATION_MASK) | nextGeneration)) {
                return;
            }
        }
    }

    /**
     * Closes the gate to new tasks; tasks inside may still leave.
     *
     * @return whether this call closed it (false if it was closed already)
     */
    public boolean close() {
        for (;;) {
            long current = state;
            if ((current & CLOSED_BIT) != 0) {
                return false;
            }
            if (STATE.compareAndSet(this, current, current | CLOSED_BIT)) {
                return true;
            }
        }
    }

    /** Whether the gate is closed. */
    public boolean isClosed() {
        return (state & CLOSED_BIT) != 0;
    }

    /** Whether the gate is closed and no task is inside. */
    public boolean isClosedAndEmpty() {
        return closedAndEmpty(state);
    }

    /** Tasks inside now. */
    public long occupancy() {
        return state & INSIDE_MASK;
    }

    /** Tasks holding a run slot now. */
    public int running() {
        return (int) ((state & RUNNING_MASK) >>> RUNNING_SHIFT);
    }

    /** The whole word, so that a caller can take both counts from one instant ({@link #insideOf}, {@link #runningOf}). */
    long word() {
        return state;
    }

    /** Tasks inside, in a word read by {@link #word()}. */
    static long insideOf(long word) {
        return word & INSIDE_MASK;
    }

    /** Tasks holding a run slot, in a word read by {@link #word()}. */
    static int runningOf(long word) {
        return (int) ((word & RUNNING_MASK) >>> RUNNING_SHIFT);
    }

    /** The most tasks that may be inside at once. */
    public long bound() {
        return boundOf(limitsOf(state));
    }

    /** The most tasks that may run at once. */
    public int runLimit() {
        return runLimitOf(limitsOf(state));
    }

    @Override
    public String toString() {
        long current = state;
        long limits = limitsOf(current);
        return "AdmissionGate[" + insideOf(current) + "/" + boundOf(limits) + ", running " + runningOf(current)
                + "/" + runLimitOf(limits) + ((current & CLOSED_BIT) != 0 ? ", closed]" : "]");
    }
}
