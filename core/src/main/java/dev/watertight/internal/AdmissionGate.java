package dev.watertight.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Admission to a thread-pool compartment: how many tasks are inside it (queued or running), a
 * hard bound on that number, and whether the compartment is closed.
 *
 * <h2>Design</h2>
 * One 64-bit word holds both facts: the low bits count the tasks inside, bit 62 says closed.
 * Admitting is one CAS that checks both at once, so a task can never slip in after
 * {@link #close()} and the count can never pass the bound, whatever the number of submitters.
 * Leaving is one atomic decrement. A task leaves when its code has really returned (or when it
 * was removed from the queue before starting), not when its future completed, so a task that
 * ignores a timeout keeps its place.
 *
 * <p>Because a task counts from the moment it is admitted, the pool can bound its queue without
 * asking the queue for its size: with {@code threads} workers each running at most one task,
 * at most {@code bound - threads} tasks can be waiting.
 *
 * <h2>Memory ordering</h2>
 * The word is volatile and changed only by CAS or atomic add, so every change is totally ordered
 * and sequentially consistent with the pool's other volatile fields. No ABA is possible that
 * matters: a CAS that succeeds against a count that went down and up again still admits exactly
 * when the count it saw was below the bound, which was true at the CAS.
 */
public final class AdmissionGate {
    /** What {@link #tryAdmit()} returns when the compartment is full. */
    public static final long FULL = -1;
    /** What {@link #tryAdmit()} returns when the compartment is closed. */
    public static final long CLOSED = -2;

    private static final long CLOSED_BIT = 1L << 62;
    private static final long COUNT_MASK = CLOSED_BIT - 1;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(AdmissionGate.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long bound;
    private volatile long state;

    /**
     * Creates an open, empty gate.
     *
     * @param bound the most tasks that may be inside at once
     */
    public AdmissionGate(long bound) {
        this.bound = bound;
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
            if (current >= bound) {
                return FULL;
            }
            if (STATE.compareAndSet(this, current, current + 1)) {
                return current + 1;
            }
        }
    }

    /**
     * One task has left.
     *
     * @return whether the gate is now closed and empty: the last task of a closing compartment
     */
    public boolean leave() {
        long after = (long) STATE.getAndAdd(this, -1L) - 1;
        return after == CLOSED_BIT;
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
        return state == CLOSED_BIT;
    }

    /** Tasks inside now. */
    public long occupancy() {
        return state & COUNT_MASK;
    }

    /** The most tasks that may be inside at once. */
    public long bound() {
        return bound;
    }

    @Override
    public String toString() {
        long current = state;
        return "AdmissionGate[" + (current & COUNT_MASK) + "/" + bound
                + ((current & CLOSED_BIT) != 0 ? ", closed]" : "]");
    }
}
