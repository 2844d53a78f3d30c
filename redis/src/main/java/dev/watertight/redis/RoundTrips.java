package dev.watertight.redis;

import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.jspecify.annotations.Nullable;

/**
 * The distribution of Redis round-trip times of one compartment since it was built, failed and
 * timed-out commands included (a timeout is recorded at its full length).
 *
 * <p>Recording goes through HdrHistogram's {@link Recorder}, which takes no lock; snapshots drain
 * it into a running total and take turns on a lock of their own (a {@link ReentrantLock}, not a
 * monitor: a virtual thread reading stats is never pinned), so recorders never wait for them.
 *
 * <p>Thread-safe.
 */
final class RoundTrips {
    private final Recorder recorder = new Recorder(2);
    private final ReentrantLock snapshotLock = new ReentrantLock();
    /** Guarded by {@link #snapshotLock}. */
    private final Histogram total = new Histogram(2);
    /** The histogram the last snapshot drained, recycled by the next; guarded by {@link #snapshotLock}. */
    private @Nullable Histogram interval;

    void record(long nanos) {
        recorder.recordValue(Math.max(0, nanos));
    }

    /** Count, p50, p99 and max so far; the durations are zero before the first round trip. */
    Snapshot snapshot() {
        snapshotLock.lock();
        try {
            Histogram drained = recorder.getIntervalHistogram(interval);
            interval = drained;
            total.add(drained);
            if (total.getTotalCount() == 0) {
                return new Snapshot(0, Duration.ZERO, Duration.ZERO, Duration.ZERO);
            }
            return new Snapshot(total.getTotalCount(), Duration.ofNanos(total.getValueAtPercentile(50)),
                    Duration.ofNanos(total.getValueAtPercentile(99)), Duration.ofNanos(total.getMaxValue()));
        } finally {
            snapshotLock.unlock();
        }
    }

    record Snapshot(long count, Duration p50, Duration p99, Duration max) {}
}
