package dev.watertight.caffeine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A cached value and the bytes charged for it. Its state moves once from pending to charged
 * (by the thread that inserted it, after reserving) and once to removed (by the removal
 * listener); the one that moves second learns what the other did, so the bytes are released
 * exactly once: by the listener if the entry was charged, by the inserting thread otherwise.
 * Thread-safe: the state is volatile and changed only atomically; value and bytes are final.
 *
 * @param <V> the value's type
 */
final class Charged<V> {
    private static final VarHandle STATE;
    private static final int PENDING = 0;
    private static final int CHARGED = 1;
    private static final int REMOVED = 2;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Charged.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final V value;
    final long bytes;
    private volatile int state = PENDING;

    Charged(V value, long bytes) {
        this.value = value;
        this.bytes = bytes;
    }

    long bytes() {
        return bytes;
    }

    /** Caffeine's weight is an int; an entry of 2 GiB or more weighs the most an int can. */
    int weight() {
        return (int) Math.min(bytes, Integer.MAX_VALUE);
    }

    boolean isCharged() {
        return state == CHARGED;
    }

    boolean isRemoved() {
        return state == REMOVED;
    }

    /** Pending to charged; false if it was removed first. */
    boolean markCharged() {
        return STATE.compareAndSet(this, PENDING, CHARGED);
    }

    /** To removed; true if it was charged, so its bytes are now to be released. */
    boolean markRemoved() {
        return (int) STATE.getAndSet(this, REMOVED) == CHARGED;
    }
}
