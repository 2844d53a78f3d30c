package dev.watertight.internal;

import dev.watertight.TimeSource;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A circuit breaker's window over the calls of the last {@code span}, without a lock.
 *
 * <h2>Design</h2>
 * The span is cut into {@code buckets} buckets of equal width. Calls are counted in the current
 * bucket; when the clock passes its end, the first caller to notice installs a fresh bucket with
 * one CAS (empty periods are skipped, never allocated) and files it in the ring slot of its
 * position on the time grid, replacing only an older bucket. The counts of the window are the sum over the ring's buckets that ended less
 * than a span ago. A call that picked up a bucket just before it was replaced still counts in it,
 * and that bucket stays in the ring, so nothing is lost at a boundary; the window slides by one
 * bucket width at a time.
 *
 * <p>The time comes from {@link TimeSource#coarseNanoTime()}: a field read, not a clock read.
 * The healthy path is that read, one read of the current bucket and one atomic increment.
 * Failures and slow calls are counted in a packed word of the bucket, and their time is kept, so
 * that a caller can tell cheaply whether the window may hold any ({@link #record} answers false
 * once the last one is more than a span old).
 *
 * <h2>Memory ordering</h2>
 * The current bucket is a volatile reference replaced by CAS, the ring an atomic array, the
 * counters atomic adds. A reader sums counts as of slightly different instants, which is enough
 * for a threshold on a sample.
 */
final class TimeWindow implements OutcomeWindow {
    private static final VarHandle CURRENT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            CURRENT = lookup.findVarHandle(TimeWindow.class, "current", Bucket.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The counts of one slice of time. */
    static final class Bucket {
        private static final VarHandle CALLS;
        private static final VarHandle BAD;

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                CALLS = lookup.findVarHandle(Bucket.class, "calls", long.class);
                BAD = lookup.findVarHandle(Bucket.class, "bad", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final long start;
        final long end;
        private volatile long calls;
        private volatile long bad;

        Bucket(long start, long end) {
            this.start = start;
            this.end = end;
        }

        void add(int outcome) {
            CALLS.getAndAdd(this, 1L);
            if (outcome != SUCCESS) {
                BAD.getAndAdd(this, OutcomeWindow.packedDelta(SUCCESS, outcome));
            }
        }
    }

    private final TimeSource time;
    private final long spanNanos;
    private final long bucketNanos;
    private final AtomicReferenceArray<Bucket> ring;
    private final long origin;
    private volatile Bucket current;
    private volatile long lastBadOutcomeAt;

    TimeWindow(TimeSource time, long spanNanos, int buckets) {
        this.time = time;
        this.spanNanos = spanNanos;
        this.bucketNanos = Math.max(1, spanNanos / buckets);
        this.ring = new AtomicReferenceArray<>(buckets);
        long now = time.coarseNanoTime();
        this.origin = now;
        Bucket first = new Bucket(now, now + bucketNanos);
        this.current = first;
        this.ring.set(0, first);
        this.lastBadOutcomeAt = now - spanNanos - 1;
    }

    @Override
    public boolean record(int outcome) {
        long now = time.coarseNanoTime();
        Bucket bucket = current;
        if (now - bucket.end >= 0) {
            bucket = advance(now);
        }
        bucket.add(outcome);
        if (outcome != SUCCESS) {
            lastBadOutcomeAt = now;
            return true;
        }
        return now - lastBadOutcomeAt < spanNanos;
    }

    /** Installs the bucket that covers {@code now}, unless another caller already has. */
    private Bucket advance(long now) {
        for (;;) {
            Bucket stale = current;
            if (now - stale.end < 0) {
                return stale;
            }
            long skipped = (now - stale.end) / bucketNanos; // whole empty periods, not allocated
            long start = stale.end + skipped * bucketNanos;
            Bucket fresh = new Bucket(start, start + bucketNanos);
            if (CURRENT.compareAndSet(this, stale, fresh)) {
                file(fresh);
                return fresh;
            }
        }
    }

    /**
     * Files a bucket in the ring slot of its position on the time grid, over an older bucket
     * only: a filer descheduled for a long time cannot overwrite a newer bucket with its own.
     */
    private void file(Bucket fresh) {
        int slot = (int) Math.floorMod((fresh.start - origin) / bucketNanos, (long) ring.length());
        for (;;) {
            Bucket filed = ring.get(slot);
            if (filed != null && filed.start - fresh.start >= 0) {
                return;
            }
            if (ring.compareAndSet(slot, filed, fresh)) {
                return;
            }
        }
    }

    @Override
    public Counts counts() {
        long now = time.coarseNanoTime();
        long calls = 0;
        long failures = 0;
        long slow = 0;
        for (int i = 0; i < ring.length(); i++) {
            Bucket bucket = ring.get(i);
            if (bucket != null && now - bucket.end < spanNanos && now - bucket.start >= 0) {
                long bad = bucket.bad;
                calls += bucket.calls;
                failures += Counts.failuresOf(bad);
                slow += Counts.slowCallsOf(bad);
            }
        }
        return new Counts(calls, Math.max(0, failures), Math.max(0, slow));
    }

    @Override
    public String toString() {
        return "TimeWindow[" + counts() + " over " + spanNanos / 1_000_000 + " ms]";
    }
}
