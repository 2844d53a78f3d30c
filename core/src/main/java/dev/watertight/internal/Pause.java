package dev.watertight.internal;

import dev.watertight.TimeSource;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits on the calling thread for a time measured by a {@link TimeSource}, interruptibly, by
 * parking: a virtual thread unmounts, and nothing is held while it waits.
 *
 * <p>With {@link TimeSource#system()} the thread parks until its deadline on
 * {@link System#nanoTime()}, looping over early and spurious wake-ups. Any other source may run
 * on its own idea of time (a test's hand-moved clock), so the thread instead asks the source to
 * wake it: it schedules an unpark and parks until that has run. The scheduled action only sets a
 * flag and unparks, so it is fit for a shared timer. If the wait is interrupted, the action is
 * unscheduled, so an abandoned wait leaves nothing behind.
 */
final class Pause {
    private Pause() {}

    /**
     * Waits for the delay, or until interrupted.
     *
     * @param timeSource whose time the delay is measured in
     * @param delayNanos how long; zero or less returns at once
     * @throws InterruptedException if the thread is interrupted before or while it waits; its
     *     interrupt status is then cleared, as {@link Thread#sleep(long)} does
     */
    static void sleep(TimeSource timeSource, long delayNanos) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (delayNanos <= 0) {
            return;
        }
        if (timeSource == SystemTimeSource.INSTANCE) {
            parkUntil(System.nanoTime(), delayNanos);
        } else {
            parkUntilWoken(timeSource, delayNanos);
        }
    }

    /**
     * Parks until {@code delayNanos} after {@code start}. Only differences of {@code nanoTime}
     * are compared, which stay right even where {@code start + delayNanos} wraps around.
     */
    private static void parkUntil(long start, long delayNanos) throws InterruptedException {
        for (long remaining = delayNanos; remaining > 0; remaining = delayNanos - (System.nanoTime() - start)) {
            LockSupport.parkNanos(Pause.class, remaining);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    private static void parkUntilWoken(TimeSource timeSource, long delayNanos) throws InterruptedException {
        Wakeup wakeup = new Wakeup(Thread.currentThread());
        Future<?> scheduled = timeSource.schedule(wakeup, delayNanos);
        try {
            while (!wakeup.due) {
                LockSupport.park(wakeup);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        } finally {
            if (!wakeup.due) {
                scheduled.cancel(false);
            }
        }
    }

    /** Run by the time source when the delay is over: marks the wait done and unparks the waiter. */
    private static final class Wakeup implements Runnable {
        private final Thread waiter;
        /** Written by the timer, read by the waiter after each unpark. */
        private volatile boolean due;

        Wakeup(Thread waiter) {
            this.waiter = waiter;
        }

        @Override
        public void run() {
            due = true;
            LockSupport.unpark(waiter);
        }
    }
}
