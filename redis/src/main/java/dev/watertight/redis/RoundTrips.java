package dev.watertight.redis;

import java.time.Duration;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The distribution of Redis round-trip times of one compartment since it was built, failed and
 * timed-out commands included (a timeout is recorded at its full length).
 *
 * <p>Recording goes through HdrHistogram's {@link Recorder}, which takes no lock; snapshots drain
 * it into a running total and are serialized among themselves.
 */
final class RoundTrips {
    private final Recorder recorder = new Recorder(2);
    private final Histogram total = new Histogram(2);
    private Histogram interval;

    void record(long nanos) {
        recorder.recordValue(Math.max(0, nanos));
    }

    /** Count, p50, p99 and max so far; the durations are zero before the first round trip. */
    synchronized Snapshot snapshot() {
        interval = recorder.getIntervalHistogram(interval);
        total.add(interval);
        if (total.getTotalCount() == 0) {
            return new Snapshot(0, Duration.ZERO, Duration.ZERO, Duration.ZERO);
        }
        return new Snapshot(total.getTotalCount(), Duration.ofNanos(total.getValueAtPercentile(50)),
                Duration.ofNanos(total.getValueAtPercentile(99)), Duration.ofNanos(total.getMaxValue()));
    }

    record Snapshot(long count, Duration p50, Duration p99, Duration max) {}
}
