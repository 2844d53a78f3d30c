package dev.watertight.internal;

import dev.watertight.Bulkhead;
import dev.watertight.CallTimings;

/**
 * A permit of a bulkhead with timings attached: the permit itself, plus the instant it was taken,
 * so that the close that gives it back (exactly one does) reports how long it was held. Only
 * bulkheads that measure hand these out; the others hand out the plain {@link BulkheadPermit}.
 */
final class TimedPermit implements Bulkhead.Permit {
    private final BulkheadPermit permit;
    private final CallTimings timings;
    private final long takenAt;

    TimedPermit(BulkheadPermit permit, CallTimings timings, long takenAt) {
        this.permit = permit;
        this.timings = timings;
        this.takenAt = takenAt;
    }

    @Override
    public void markFailed() {
        permit.markFailed();
    }

    @Override
    public boolean isHeld() {
        return permit.isHeld();
    }

    @Override
    public void close() {
        if (!permit.isHeld()) {
            return; // closed before: no clock read
        }
        long held = System.nanoTime() - takenAt; // read before the release, as a call's run ends there
        if (permit.release()) {
            timings.ran(held);
        }
    }

    /**
     * Closes the permit with the outcome of an asynchronous stage.
     *
     * @param failed whether the stage failed or was cancelled
     */
    void close(boolean failed) {
        if (failed) {
            permit.markFailed();
        }
        close();
    }

    @Override
    public String toString() {
        return permit.toString();
    }
}
