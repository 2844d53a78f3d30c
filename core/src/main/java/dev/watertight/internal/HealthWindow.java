package dev.watertight.internal;

import org.jspecify.annotations.Nullable;

/**
 * The recent readings of one compartment, in a bounded ring, and the signals they give over a
 * window of time: time-averaged utilization and queue fill, and rates from the counters' growth.
 *
 * <p>Each slot of the ring covers a span of time {@code (start, end]}: it holds the integral of
 * utilization (and of queue fill) over that span, each reading standing for the time since the
 * reading before it, and the counters as they were at {@code end}. A reading taken sooner than
 * {@code spacing} after its slot opened is merged into that slot instead of opening a new one, so
 * the ring never needs more than {@code window / spacing + 2} slots however often it is fed; the
 * very first slot covers no time and keeps the first counters as a baseline. Slots that end
 * before the window are dropped.
 *
 * <p>Utilization over the window is the integral over the part of the window the slots cover,
 * divided by the whole window: time before the first reading counts as idle, so a new compartment
 * (or a new monitor) needs sustained load, not one busy reading, to look busy. Rates are counter
 * deltas from the oldest slot still in the window to the newest. A counter that goes down (a
 * compartment replaced under the same name) or a signal that appears or disappears restarts the
 * window.
 *
 * <p>Not thread-safe: the monitor feeds and reads it under its lock.
 */
public final class HealthWindow {
    /** The most slots a window may have, whatever its length and resolution. */
    public static final int MAX_SLOTS = 4096;

    private final long windowNanos;
    private final long spacingNanos;
    private final long[] start;
    private final long[] end;
    private final double[] utilizationIntegral;
    private final double[] queueFillIntegral;
    private final long[] admitted;
    private final long[] rejected;
    private final long[] ended;
    private final long[] failed;
    private int oldest;
    private int size;
    private @Nullable HealthReading last;

    /**
     * Creates an empty window.
     *
     * @param windowNanos the window's length
     * @param resolutionNanos the shortest span a slot should cover; raised if the window would
     *     need more than {@link #MAX_SLOTS} slots
     */
    public HealthWindow(long windowNanos, long resolutionNanos) {
        this.windowNanos = windowNanos;
        this.spacingNanos = Math.max(resolutionNanos, Math.ceilDiv(windowNanos, MAX_SLOTS - 2));
        int slots = (int) Math.min(MAX_SLOTS, Math.ceilDiv(windowNanos, spacingNanos) + 2);
        start = new long[slots];
        end = new long[slots];
        utilizationIntegral = new double[slots];
        queueFillIntegral = new double[slots];
        admitted = new long[slots];
        rejected = new long[slots];
        ended = new long[slots];
        failed = new long[slots];
    }

    /** How many slots the ring has: its memory bound. */
    public int capacity() {
        return start.length;
    }

    /** The window's length in nanoseconds. */
    public long windowNanos() {
        return windowNanos;
    }

    /** How many slots are in use. */
    public int size() {
        return size;
    }

    /**
     * Adds a reading.
     *
     * @param now when it was taken, not before the previous reading
     * @param reading the reading
     */
    public void add(long now, HealthReading reading) {
        if (size > 0 && (!reading.sameShape(newest()) || wentDown(reading))) {
            size = 0;
        }
        if (size == 0) {
            oldest = 0;
            open(now, now, reading);
        } else {
            int newest = index(size - 1);
            long elapsed = Math.max(0, now - end[newest]);
            boolean baseline = size == 1 && start[newest] == end[newest];
            if (elapsed == 0) {
                counters(newest, reading);
            } else if (baseline || end[newest] - start[newest] >= spacingNanos) {
                open(end[newest], now, reading);
            } else {
                end[newest] = end[newest] + elapsed;
                utilizationIntegral[newest] += integral(reading.utilization(), elapsed);
                queueFillIntegral[newest] += integral(reading.queueFill(), elapsed);
                counters(newest, reading);
            }
        }
        last = reading;
        long windowStart = now - windowNanos;
        while (size > 1 && end[oldest] < windowStart) {
            oldest = index(1);
            size--;
        }
    }

    private void open(long from, long to, HealthReading reading) {
        if (size == capacity()) { // only if time ran backwards or the spacing rule was bypassed
            oldest = index(1);
            size--;
        }
        int slot = index(size);
        size++;
        start[slot] = from;
        end[slot] = to;
        utilizationIntegral[slot] = integral(reading.utilization(), to - from);
        queueFillIntegral[slot] = integral(reading.queueFill(), to - from);
        counters(slot, reading);
    }

    private void counters(int slot, HealthReading reading) {
        admitted[slot] = reading.admitted();
        rejected[slot] = reading.rejected();
        ended[slot] = reading.ended();
        failed[slot] = reading.failed();
    }

    private boolean wentDown(HealthReading reading) {
        int newest = index(size - 1);
        return reading.admitted() < admitted[newest] || reading.rejected() < rejected[newest]
                || reading.ended() < ended[newest] || reading.failed() < failed[newest];
    }

    /** The last reading added, or null. */
    public @Nullable HealthReading last() {
        return size == 0 ? null : last;
    }

    /** The last reading added; one must have been. */
    private HealthReading newest() {
        HealthReading newest = last;
        if (newest == null) {
            throw new IllegalStateException("the window has no reading yet");
        }
        return newest;
    }

    /** Utilization averaged over the window ending at the newest reading, or NaN if it has none. */
    public double utilization() {
        return average(utilizationIntegral, Double.isNaN(newest().utilization()));
    }

    /** Queue fill averaged over the window ending at the newest reading, or NaN if it has none. */
    public double queueFill() {
        return average(queueFillIntegral, Double.isNaN(newest().queueFill()));
    }

    /** Calls offered in the window (admitted plus rejected), or -1 if rejections are not counted. */
    public long offered() {
        if (newest().rejected() < 0) {
            return -1;
        }
        int newest = index(size - 1);
        return admitted[newest] - admitted[oldest] + rejected[newest] - rejected[oldest];
    }

    /** Calls rejected in the window, or -1 if they are not counted. */
    public long rejected() {
        return newest().rejected() < 0 ? -1 : rejected[index(size - 1)] - rejected[oldest];
    }

    /** Calls that ended in the window, or -1 if they are not counted. */
    public long ended() {
        return newest().failed() < 0 ? -1 : ended[index(size - 1)] - ended[oldest];
    }

    /** Calls that failed in the window, or -1 if they are not counted. */
    public long failed() {
        return newest().failed() < 0 ? -1 : failed[index(size - 1)] - failed[oldest];
    }

    private double average(double[] integrals, boolean absent) {
        if (absent) {
            return Double.NaN;
        }
        long windowEnd = end[index(size - 1)];
        long windowStart = windowEnd - windowNanos;
        double sum = 0;
        for (int i = 0; i < size; i++) {
            int slot = index(i);
            long covered = end[slot] - start[slot];
            if (covered <= 0) {
                continue;
            }
            long inside = end[slot] - Math.max(start[slot], windowStart);
            // a slot cut by the window's start counts for its share inside, as if uniform
            sum += inside >= covered ? integrals[slot] : integrals[slot] * ((double) Math.max(0, inside) / covered);
        }
        // rounded to 1e-9 so that a steady 0.8 averages to 0.8, not 0.7999999999999999
        return Math.rint(sum / windowNanos * 1e9) / 1e9;
    }

    private static double integral(double value, long nanos) {
        return Double.isNaN(value) ? 0 : value * nanos;
    }

    private int index(int offset) {
        int i = oldest + offset;
        return i >= start.length ? i - start.length : i;
    }
}
