package dev.watertight.internal;

import dev.watertight.TimeSource;
import java.util.concurrent.Future;

/**
 * A {@link TimeSource} for the Lincheck models: a field that moves only when {@link #tick()} is
 * called, one {@value #TICK_NANOS} ns step at a time. Reading it is one volatile read, so it adds
 * no interleavings of its own to what the model checker explores. It schedules nothing: a model
 * whose class under test needs a timer cannot use it.
 *
 * <p>{@link #tick()} is a plain read-modify-write: the model that owns the clock must not let two
 * ticks run at once (see {@link CircuitBreakerLincheckTest}, which ticks under its own monitor).
 */
final class LincheckClock implements TimeSource {
    /** One step of the clock: a second, so that a duration of one tick is easy to configure. */
    static final long TICK_NANOS = 1_000_000_000L;

    private volatile long now = TICK_NANOS;

    @Override
    public long nanoTime() {
        return now;
    }

    /** Moves the clock one step forward. Not atomic: callers must not tick concurrently. */
    void tick() {
        now = now + TICK_NANOS;
    }

    @Override
    public Future<?> schedule(Runnable action, long delayNanos) {
        throw new UnsupportedOperationException("the Lincheck clock has no timer");
    }
}
