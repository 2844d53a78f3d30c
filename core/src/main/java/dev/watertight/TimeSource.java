package dev.watertight;

import dev.watertight.internal.SystemTimeSource;
import java.util.concurrent.Future;

/**
 * Where a guard that needs time gets it: the current instant and a way to run an action later.
 * Guards read it only when they must (a task's timeout, a shutdown grace period), never on a
 * path that does not need time.
 *
 * <p>The default, {@link #system()}, uses {@link System#nanoTime()} and one shared daemon thread
 * named {@code watertight-timer}. Tests can pass their own source to move time by hand, so that
 * nothing has to wait for a real clock.
 *
 * <p>Implementations must be thread-safe.
 */
public interface TimeSource {

    /** {@return the system's monotonic clock and a shared timer thread} */
    static TimeSource system() {
        return SystemTimeSource.INSTANCE;
    }

    /**
     * The current instant in nanoseconds, from an arbitrary origin, as {@link System#nanoTime()}.
     *
     * @return the instant
     */
    long nanoTime();

    /**
     * The current instant, read cheaply and at most a few milliseconds stale, for guards that need
     * the time on every call but only at a coarse grain (a circuit breaker's time-based window,
     * its open period). By default it is {@link #nanoTime()}; the system source answers from a
     * field its timer thread refreshes every {@value dev.watertight.internal.SystemTimeSource#COARSE_TICK_MILLIS}
     * ms, which costs a field read instead of a clock read.
     *
     * @return the instant, in the same units and from the same origin as {@link #nanoTime()}
     */
    default long coarseNanoTime() {
        return nanoTime();
    }

    /**
     * Runs an action once, after a delay. The action must be quick: it runs on the timer.
     *
     * @param action what to run
     * @param delayNanos how long from now, in nanoseconds
     * @return a handle whose {@code cancel} stops the action if it has not run yet
     */
    Future<?> schedule(Runnable action, long delayNanos);
}
