package dev.watertight;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Bytes reserved from a {@link MemoryBulkhead}, released when closed. Closing twice, or from
 * another thread, releases once. The reservation may grow (if the budget has room) or shrink as
 * what it stands for changes size. Thread-safe.
 */
public final class MemoryReservation implements AutoCloseable {
    private static final VarHandle BYTES;
    private static final long CLOSED = -1;

    static {
        try {
            BYTES = MethodHandles.lookup().findVarHandle(MemoryReservation.class, "bytes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MemoryBulkhead bulkhead;
    /** The bytes held, or {@link #CLOSED}; every change is a CAS, so a close and a resize cannot both win. */
    private volatile long bytes;

    MemoryReservation(MemoryBulkhead bulkhead, long bytes) {
        this.bulkhead = bulkhead;
        this.bytes = bytes;
    }

    /** {@return the bulkhead the bytes are reserved from} */
    public MemoryBulkhead bulkhead() {
        return bulkhead;
    }

    /** {@return the bytes held now; zero once closed} */
    public long bytes() {
        return Math.max(0, bytes);
    }

    /** {@return whether the reservation was closed} */
    public boolean isClosed() {
        return bytes == CLOSED;
    }

    /**
     * Changes the size of the reservation.
     *
     * @param newBytes the new size, zero or more
     * @throws MemoryBudgetExceededException if it grows and the budget (or a parent's) has no room;
     *     the reservation keeps its size then
     * @throws IllegalStateException if it was closed
     * @throws IllegalArgumentException if newBytes is negative
     */
    public void resize(long newBytes) {
        if (newBytes < 0) {
            throw new IllegalArgumentException("the new size of a reservation of MemoryBulkhead '" + bulkhead.name()
                    + "' must be zero or more bytes, was " + newBytes);
        }
        for (;;) {
            long held = bytes;
            if (held == CLOSED) {
                throw new IllegalStateException("the reservation of MemoryBulkhead '" + bulkhead.name() + "' is closed");
            }
            if (newBytes > held) {
                long more = newBytes - held;
                MemoryBulkhead full = bulkhead.take(more);
                if (full != null) {
                    throw bulkhead.refusedGrowth(more, full);
                }
                if (BYTES.compareAndSet(this, held, newBytes)) {
                    return;
                }
                bulkhead.release(more); // raced with another resize or a close: undo, look again
            } else if (BYTES.compareAndSet(this, held, newBytes)) {
                if (held > newBytes) {
                    bulkhead.release(held - newBytes);
                }
                return;
            }
        }
    }

    /** Releases the bytes; the first close does, the others do nothing. */
    @Override
    public void close() {
        long held = (long) BYTES.getAndSet(this, CLOSED);
        if (held > 0) {
            bulkhead.release(held);
        }
    }

    @Override
    public String toString() {
        return "MemoryReservation[" + (isClosed() ? "closed" : bytes + " bytes") + " of " + bulkhead.name() + "]";
    }
}
