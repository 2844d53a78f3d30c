package dev.watertight.internal;

/**
 * The sequential specification of {@link AdmissionGate} with a bound of
 * {@value AdmissionGateLincheckTest#BOUND}, written from its contract rather than its code: a count
 * of tasks inside and a closed flag. A task is admitted while the gate is open and below the
 * bound, and learns the count including itself; a closed gate refuses with {@link
 * AdmissionGate#CLOSED} before it would refuse with {@link AdmissionGate#FULL}; a task that leaves
 * learns whether it was the last one out of a closed gate; closing succeeds once. Per-thread
 * counts of admitted tasks mirror the rule of {@link AdmissionGateLincheckTest}: only a thread with
 * a task inside makes one leave.
 */
public final class AdmissionGateSequential {
    private final int[] inside = new int[AdmissionGateLincheckTest.THREAD_SLOTS];
    private long occupancy;
    private boolean closed;

    public long tryAdmit(int thread) {
        if (closed) {
            return AdmissionGate.CLOSED;
        }
        if (occupancy >= AdmissionGateLincheckTest.BOUND) {
            return AdmissionGate.FULL;
        }
        inside[thread]++;
        return ++occupancy;
    }

    public Boolean leave(int thread) {
        if (inside[thread] == 0) {
            return null;
        }
        inside[thread]--;
        occupancy--;
        return closed && occupancy == 0;
    }

    public boolean close() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    public boolean isClosed() {
        return closed;
    }

    public boolean isClosedAndEmpty() {
        return closed && occupancy == 0;
    }

    public long occupancy() {
        return occupancy;
    }
}
