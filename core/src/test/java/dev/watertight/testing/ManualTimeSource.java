package dev.watertight.testing;

import dev.watertight.TimeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link TimeSource} that moves only when a test says so. Scheduled actions run on the thread
 * that calls {@link #advance}, in due order, so a test decides exactly when a timeout fires.
 */
public final class ManualTimeSource implements TimeSource {
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Due> scheduled = new ArrayList<>();
    private volatile long now = 1_000_000_000L;

    private record Due(long at, Runnable action, CompletableFuture<Void> handle) {}

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public Future<?> schedule(Runnable action, long delayNanos) {
        CompletableFuture<Void> handle = new CompletableFuture<>();
        lock.lock();
        try {
            scheduled.add(new Due(now + delayNanos, action, handle));
        } finally {
            lock.unlock();
        }
        return handle;
    }

    /** How many scheduled actions have neither run nor been cancelled. */
    public int pending() {
        lock.lock();
        try {
            return (int) scheduled.stream().filter(due -> !due.handle().isDone()).count();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves time forward and runs every action that has come due, on this thread.
     *
     * @param amount how far
     * @param unit in what unit
     */
    public void advance(long amount, TimeUnit unit) {
        List<Due> due = new ArrayList<>();
        lock.lock();
        try {
            now += unit.toNanos(amount);
            scheduled.removeIf(entry -> {
                if (entry.at() <= now) {
                    due.add(entry);
                    return true;
                }
                return entry.handle().isDone();
            });
        } finally {
            lock.unlock();
        }
        due.sort(Comparator.comparingLong(Due::at));
        for (Due entry : due) {
            if (entry.handle().complete(null)) {
                entry.action().run();
            }
        }
    }
}
