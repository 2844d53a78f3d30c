package dev.watertight.internal;

import dev.watertight.TimeSource;
import java.util.concurrent.Callable;

/**
 * A pool task's code wrapped to report its queue wait and running time; only pools with timings
 * attached wrap tasks, so the others neither allocate this nor read the clock. Both reports are
 * made on the worker, inside the task's run slot: the wait as the code starts, the running time
 * when it has returned or thrown, before the task's future completes.
 *
 * @param <T> the result type
 */
final class MeasuredTask<T> implements Callable<T> {
    private final Callable<? extends T> task;
    private final TimingsFanOut timings;
    private final TimeSource time;
    private final long admittedAt;

    /**
     * Wraps a task just admitted.
     *
     * @param task the code
     * @param timings where to report
     * @param time the pool's time source
     */
    MeasuredTask(Callable<? extends T> task, TimingsFanOut timings, TimeSource time) {
        this.task = task;
        this.timings = timings;
        this.time = time;
        this.admittedAt = time.nanoTime();
    }

    @Override
    public T call() throws Exception {
        long start = time.nanoTime();
        timings.waited(start - admittedAt);
        try {
            return task.call();
        } finally {
            timings.ran(time.nanoTime() - start);
        }
    }

    @Override
    public String toString() {
        return task.toString();
    }
}
