package dev.watertight.jdbc;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.jspecify.annotations.Nullable;

/**
 * The distribution of how long callers waited for a compartment's quota, since it was built.
 *
 * <p>Only callers that had to wait are recorded (they read the clock anyway): the fast path, which
 * finds a unit at once, records nothing, and its acquisitions are added as zero waits when a
 * snapshot is taken, from the count the compartment keeps. HdrHistogram's {@link Recorder}
 * records without locks; snapshots are serialized among themselves. The exact sum of the waits
 * is kept beside the histogram (whose values are rounded to three digits), for a timer's total.
 */
final class AcquireWaits {
    private final Recorder recorder = new Recorder(3);
    private final ReentrantLock snapshots = new ReentrantLock(); // a lock, not a monitor: the house rule
    private final LongAdder waitedNanos = new LongAdder();
    private final Histogram total = new Histogram(3);
    private @Nullable Histogram interval;
    private long zerosAdded;

    /**
     * The waits so far.
     *
     * @param count how many waits were recorded, zero waits included
     * @param total their exact sum
     * @param p50 the median
     * @param p99 the 99th percentile
     * @param max the longest
     */
    record Summary(long count, Duration total, Duration p50, Duration p99, Duration max) {
    }

    /** Records a wait of a caller that did not find a unit at once. */
    void recordWait(long nanos) {
        long waited = Math.max(0, nanos);
        waitedNanos.add(waited);
        recorder.recordValue(waited);
    }

    /**
     * The waits so far.
     *
     * @param immediate how many acquisitions found a unit without waiting, since the start
     * @return their count, sum and percentiles
     */
    Summary summary(long immediate) {
        snapshots.lock();
        try {
            interval = recorder.getIntervalHistogram(interval);
            total.add(interval);
            if (immediate > zerosAdded) {
                total.recordValueWithCount(0, immediate - zerosAdded);
                zerosAdded = immediate;
            }
            Duration sum = Duration.ofNanos(waitedNanos.sum());
            if (total.getTotalCount() == 0) {
                return new Summary(0, sum, Duration.ZERO, Duration.ZERO, Duration.ZERO);
            }
            return new Summary(total.getTotalCount(), sum,
                    Duration.ofNanos(total.getValueAtPercentile(50)),
                    Duration.ofNanos(total.getValueAtPercentile(99)),
                    Duration.ofNanos(total.getMaxValue()));
        } finally {
            snapshots.unlock();
        }
    }
}
