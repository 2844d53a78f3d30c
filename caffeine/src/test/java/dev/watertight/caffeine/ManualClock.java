package dev.watertight.caffeine;

import dev.watertight.TimeSource;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link TimeSource} that moves only when a test says so; expiry reads it, nothing schedules on it. */
final class ManualClock implements TimeSource {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Override
    public long nanoTime() {
        return now.get();
    }

    @Override
    public Future<?> schedule(Runnable action, long delayNanos) {
        throw new UnsupportedOperationException("a BudgetedCache reads the time; it schedules nothing");
    }

    /** Moves time forward; safe to call from any thread. */
    void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }
}
