package dev.watertight.internal;

import dev.watertight.TimeSource;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The system clock, and one timer thread shared by every compartment in the JVM. The thread is
 * a daemon, created on first use, and cancelled actions are removed from its queue at once, so
 * that a million tasks that finish before their timeout leave nothing behind.
 */
public final class SystemTimeSource implements TimeSource {
    /** The only instance. */
    public static final SystemTimeSource INSTANCE = new SystemTimeSource();

    private SystemTimeSource() {}

    /** Holder idiom: the timer thread starts only when a timeout is first scheduled. */
    private static final class Timer {
        static final ScheduledThreadPoolExecutor EXECUTOR = create();

        private static ScheduledThreadPoolExecutor create() {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(
                    1, Thread.ofPlatform().daemon(true).name("watertight-timer").factory());
            executor.setRemoveOnCancelPolicy(true);
            return executor;
        }
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Future<?> schedule(Runnable action, long delayNanos) {
        return Timer.EXECUTOR.schedule(action, delayNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public String toString() {
        return "TimeSource.system()";
    }
}
