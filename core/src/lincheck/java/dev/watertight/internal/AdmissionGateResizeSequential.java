package dev.watertight.internal;

/**
 * The sequential specification of {@link AdmissionGate} under resizing, written from its contract:
 * counts of tasks inside and running, and the two bounds in force. A task is admitted while fewer
 * than the bound are inside and starts while fewer than the run limit run; a resize replaces both
 * bounds at once and takes nothing back. Per-thread counts mirror the rule of
 * {@link AdmissionGateResizeLincheckTest}: only a thread with a waiting task starts one or makes
 * one leave, only a thread with a running task finishes one. The gate is never closed here
 * ({@link AdmissionGateLincheckTest} covers closing), so {@code finish} and {@code leave} always
 * answer false.
 */
public final class AdmissionGateResizeSequential {
    private final int[] waiting = new int[AdmissionGateResizeLincheckTest.THREAD_SLOTS];
    private final int[] running = new int[AdmissionGateResizeLincheckTest.THREAD_SLOTS];
    private long bound = AdmissionGateResizeLincheckTest.BOUND;
    private int runLimit = AdmissionGateResizeLincheckTest.RUN_LIMIT;
    private long inside;
    private int runningTotal;

    public long tryAdmit(int thread) {
        if (inside >= bound) {
            return AdmissionGate.FULL;
        }
        waiting[thread]++;
        return ++inside;
    }

    public Boolean tryStart(int thread) {
        if (waiting[thread] == 0) {
            return null;
        }
        if (runningTotal >= runLimit) {
            return false;
        }
        waiting[thread]--;
        running[thread]++;
        runningTotal++;
        return true;
    }

    public Boolean finish(int thread) {
        if (running[thread] == 0) {
            return null;
        }
        running[thread]--;
        runningTotal--;
        inside--;
        return false;
    }

    public Boolean leave(int thread) {
        if (waiting[thread] == 0) {
            return null;
        }
        waiting[thread]--;
        inside--;
        return false;
    }

    public void resize(int newBound, int newRunLimit) {
        bound = newBound;
        runLimit = newRunLimit;
    }

    public long occupancy() {
        return inside;
    }

    public int running() {
        return runningTotal;
    }
}
