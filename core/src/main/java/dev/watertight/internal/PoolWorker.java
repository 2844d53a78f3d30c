package dev.watertight.internal;

import java.util.concurrent.BlockingQueue;
import org.jspecify.annotations.Nullable;

/**
 * The loop of one worker thread of a {@link WorkerPool}: take a task, take a run slot for it, run
 * it, repeat, until the pool's stop signal arrives or the worker is surplus after a resize and
 * retires (between tasks, never in the middle of one).
 *
 * <p>{@code current} is the task this worker has taken and not finished. The closing pool reads
 * it to cancel running work; the worker re-checks the pool's forced-close flag after publishing
 * it. Both are volatile, so at least one side sees the other and no task taken during a forced
 * close is left running unnoticed (the task's own CAS makes stopping it idempotent).
 */
final class PoolWorker implements Runnable {
    private final WorkerPool pool;
    private final BlockingQueue<PoolTask<?>> queue;
    private volatile @Nullable PoolTask<?> current;
    /** This worker's thread; set by the pool before the thread starts. */
    @Nullable Thread thread;

    PoolWorker(WorkerPool pool, BlockingQueue<PoolTask<?>> queue) {
        this.pool = pool;
        this.queue = queue;
    }

    @Override
    public void run() {
        for (;;) {
            if (pool.hasSurplusWorkers() && pool.retire(this)) {
                return;
            }
            PoolTask<?> task;
            try {
                task = queue.take();
            } catch (InterruptedException stray) {
                continue; // nobody but the pool may stop a worker, and it does so with STOP
            }
            if (task == WorkerPool.STOP) {
                return;
            }
            if (task == WorkerPool.RETIRE) {
                continue; // retire above if still surplus
            }
            Thread.interrupted(); // an interrupt left over from outside must not hit this task
            current = task;
            try {
                if (pool.isForcedClosed() || !pool.awaitRunSlot()) {
                    task.abandon();
                } else if (!task.runOnThisThread()) {
                    pool.slotUnused();
                }
            } catch (Throwable unexpected) {
                // Nothing here should throw: the task's own exceptions end up in its future and
                // listeners' are caught. Should anything slip through, the task's state is already
                // settled, and losing this worker for good would shrink the compartment silently.
                pool.workerSurvived(unexpected);
            }
            current = null;
        }
    }

    /** The task this worker is running or about to run, or null. */
    @Nullable PoolTask<?> current() {
        return current;
    }
}
