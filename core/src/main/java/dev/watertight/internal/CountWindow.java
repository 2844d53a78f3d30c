package dev.watertight.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A circuit breaker's window over the last {@code size} calls, without a lock.
 *
 * <h2>Design</h2>
 * A ring of slots, one outcome per slot, and a counter of calls ever recorded. Recording takes
 * the next index with one atomic increment and writes the slot at {@code index mod size}. The
 * counts of failures and slow calls are kept exactly in step with the slots' contents: a writer
 * swaps the slot's old outcome for its own ({@code getAndSet}) and adds the difference between
 * the two to a packed word (failures in the low half, slow calls in the high half). Because every
 * slot change is accounted by the thread that made it, with the old value it really replaced, the
 * counts always converge to the number of failing and slow slots, however writers interleave.
 *
 * <p>When the slot already holds the outcome being written (the common case: a success where a
 * success was) nothing is written at all. Two writers racing for the same slot (possible only when
 * {@code size} calls are in flight at once) may leave the older outcome in it; the counts still
 * match the slots. A window is a sample, and this keeps it cheap: the healthy path is one
 * increment and one plain read.
 *
 * <p>The slot of an index is computed without a division, by Lemire's multiply-shift reduction
 * of the low 32 bits of the index (exact for any size below 2<sup>32</sup>). The sequence of slots
 * jumps once every 2<sup>32</sup> calls when those bits wrap, which overwrites one slot out of
 * turn: harmless.
 *
 * <h2>Memory ordering</h2>
 * Slots are read opaquely and swapped atomically; the packed counts are changed by atomic adds
 * and read volatile. The number of calls in the window is {@code min(index, size)}. A reader sees
 * each count as of some instant, not all of them as of the same one; the breaker's decision is a
 * threshold on a sample, for which that is enough.
 */
final class CountWindow implements OutcomeWindow {
    private static final VarHandle INDEX;
    private static final VarHandle BAD;
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(int[].class);

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            INDEX = lookup.findVarHandle(CountWindow.class, "index", long.class);
            BAD = lookup.findVarHandle(CountWindow.class, "bad", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int size;
    private final long reciprocal;
    private final int[] slots;
    private volatile long index;
    /** Failures in the low 32 bits, slow calls in the high 32 bits. */
    private volatile long bad;

    CountWindow(int size) {
        this.size = size;
        this.reciprocal = Long.divideUnsigned(-1L, size) + 1;
        this.slots = new int[size];
    }

    @Override
    public boolean record(int outcome) {
        long position = (long) INDEX.getAndAdd(this, 1L);
        int slot = slotOf(position);
        if ((int) SLOTS.getOpaque(slots, slot) != outcome) {
            int before = (int) SLOTS.getAndSet(slots, slot, outcome);
            long delta = OutcomeWindow.packedDelta(before, outcome);
            if (delta != 0) {
                BAD.getAndAdd(this, delta);
            }
        }
        return bad != 0;
    }

    /** {@code position mod size} by multiply-shift, for the low 32 bits of the position. */
    private int slotOf(long position) {
        long low = reciprocal * (position & 0xFFFF_FFFFL);
        return (int) Math.unsignedMultiplyHigh(low, size);
    }

    @Override
    public Counts counts() {
        return Counts.of(Math.min(index, size), bad);
    }

    @Override
    public String toString() {
        return "CountWindow[" + counts() + " of " + size + "]";
    }
}
