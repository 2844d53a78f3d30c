package dev.watertight.examples;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the clients of one kind of request saw: how many were answered, refused or timed out, and
 * how long they waited for an answer (a timed-out request counts with the time it waited).
 */
final class Tally {
    private final String name;
    private final ReentrantLock lock = new ReentrantLock();
    private long[] latencies = new long[1024];
    private int completed;
    private int rejected;
    private int timedOut;
    private int failed;
    private int completedAtLastLine;
    private int rejectedAtLastLine;
    private int timedOutAtLastLine;
    private int failedAtLastLine;

    Tally(String name) {
        this.name = name;
    }

    private int waits;

    void completed(long latencyNanos) {
        lock.lock();
        try {
            completed++;
            recordWait(latencyNanos);
        } finally {
            lock.unlock();
        }
    }

    private void recordWait(long latencyNanos) {
        if (waits == latencies.length) {
            latencies = Arrays.copyOf(latencies, waits * 2);
        }
        latencies[waits++] = latencyNanos;
    }

    void rejected() {
        lock.lock();
        try {
            rejected++;
        } finally {
            lock.unlock();
        }
    }

    void timedOut(long waitedNanos) {
        lock.lock();
        try {
            timedOut++;
            recordWait(waitedNanos);
        } finally {
            lock.unlock();
        }
    }

    void failed() {
        lock.lock();
        try {
            failed++;
        } finally {
            lock.unlock();
        }
    }

    /** Counts since the previous call, for the once-a-second line. */
    String sinceLastLine() {
        lock.lock();
        try {
            String line = String.format(Locale.ROOT, "%s: %4d ok %4d rejected %3d timed out %3d failed", name,
                    completed - completedAtLastLine, rejected - rejectedAtLastLine, timedOut - timedOutAtLastLine,
                    failed - failedAtLastLine);
            completedAtLastLine = completed;
            rejectedAtLastLine = rejected;
            timedOutAtLastLine = timedOut;
            failedAtLastLine = failed;
            return line;
        } finally {
            lock.unlock();
        }
    }

    long p99Millis() {
        return percentileMillis(0.99);
    }

    private long percentileMillis(double quantile) {
        lock.lock();
        try {
            if (waits == 0) {
                return Long.MAX_VALUE;
            }
            long[] sorted = Arrays.copyOf(latencies, waits);
            Arrays.sort(sorted);
            return TimeUnit.NANOSECONDS.toMillis(sorted[Math.min(waits - 1, (int) (waits * quantile))]);
        } finally {
            lock.unlock();
        }
    }

    static String header() {
        return String.format(Locale.ROOT, "  %-18s %9s %9s %9s %9s %9s %9s", "", "answered", "timed out",
                "refused", "failed", "p50 wait", "p99 wait");
    }

    String row(String label) {
        lock.lock();
        try {
            long p50 = percentileMillis(0.50);
            long p99 = percentileMillis(0.99);
            return String.format(Locale.ROOT, "  %-18s %9d %9d %9d %9d %9s %9s", label, completed, timedOut, rejected,
                    failed, p50 == Long.MAX_VALUE ? "-" : p50 + " ms", p99 == Long.MAX_VALUE ? "-" : p99 + " ms");
        } finally {
            lock.unlock();
        }
    }
}
