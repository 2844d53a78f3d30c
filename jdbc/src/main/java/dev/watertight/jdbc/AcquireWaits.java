package dev.watertight.jdbc;

import java.time.Duration;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The distribution of how long callers waited for a compartment's quota, since it was built.
 *
 * <p>Only callers that had to wait are recorded (they read the clock anyway): the fast path, which
 * finds a unit at once, records nothing, and its acquisitions are added as zero waits when a
 * snapshot is taken, from the count the compartment keeps. HdrHistogram's {@link Recorder}
 * records without locks; snapshots are serialized among themselves.
 */
final class AcquireWaits {
    private final Recorder recorder = new Recorder(3);
    private final Histogram total = new Histogram(3);
    private Histogram interval;
    private long zerosAdded;

    /** Records a wait of a caller that did not find a unit at once. */
    void recordWait(long nanos) {
        recorder.recordValue(Math.max(0, nanos));
    }

    /**
     * The percentiles so far.
     *
     * @param immediate how many acquisitions found a unit without waiting, since the start
     * @return p50, p99 and max
     */
    synchronized Duration[] percentiles(long immediate) {
        interval = recorder.getIntervalHistogram(interval);
        total.add(interval);
        if (immediate > zerosAdded) {
            total.recordValueWithCount(0, immediate - zerosAdded);
            zerosAdded = immediate;
        }
        if (total.getTotalCount() == 0) {
            return new Duration[] {Duration.ZERO, Duration.ZERO, Duration.ZERO};
        }
        return new Duration[] {
            Duration.ofNanos(total.getValueAtPercentile(50)),
            Duration.ofNanos(total.getValueAtPercentile(99)),
            Duration.ofNanos(total.getMaxValue())
        };
    }
}
