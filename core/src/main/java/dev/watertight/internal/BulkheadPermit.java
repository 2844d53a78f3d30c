package dev.watertight.internal;

import dev.watertight.Bulkhead;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A permit handed to a caller: it gives its permit back exactly once, however many times and
 * from however many threads it is closed. The outcome is recorded with it: one CAS moves the
 * state from held (or held-and-failed) to released, and only the thread whose CAS wins gives
 * the permit back.
 */
final class BulkheadPermit implements Bulkhead.Permit {
    private static final int HELD = 0;
    private static final int HELD_FAILED = 1;
    private static final int RELEASED = 2;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(BulkheadPermit.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final SemaphoreBulkhead bulkhead;
    private volatile int state = HELD;

    BulkheadPermit(SemaphoreBulkhead bulkhead) {
        this.bulkhead = bulkhead;
    }

    @Override
    public void markFailed() {
        STATE.compareAndSet(this, HELD, HELD_FAILED);
    }

    @Override
    public boolean isHeld() {
        return state != RELEASED;
    }

    @Override
    public void close() {
        release();
    }

    /**
     * Gives the permit back unless it was given back already.
     *
     * @return whether this call gave it back (exactly one call does)
     */
    boolean release() {
        int current = state;
        while (current != RELEASED) {
            int witness = (int) STATE.compareAndExchange(this, current, RELEASED);
            if (witness == current) {
                if (current == HELD_FAILED) {
                    bulkhead.leaveFailed();
                } else {
                    bulkhead.leave();
                }
                return true;
            }
            current = witness;
        }
        return false;
    }

    /**
     * Closes the permit with the outcome of an asynchronous stage.
     *
     * @param failed whether the stage failed or was cancelled
     */
    void close(boolean failed) {
        if (failed) {
            markFailed();
        }
        close();
    }

    @Override
    public String toString() {
        return "Permit[" + bulkhead.name() + (isHeld() ? ", held]" : ", released]");
    }
}
