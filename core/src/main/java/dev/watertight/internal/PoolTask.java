package dev.watertight.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;

/**
 * One task of a {@link WorkerPool}: the queue entry, the state machine that decides its outcome
 * exactly once, and the future the submitter holds.
 *
 * <h2>States</h2>
 * <pre>
 *   QUEUED ──worker──▶ RUNNING ──code returns──▶ DONE
 *     │                  │
 *     │                  └──timeout or cancel──▶ STOPPING ──interrupt delivered──▶ STOPPED
 *     └──cancel, or dropped at close──▶ CANCELLED
 * </pre>
 * Every transition out of QUEUED and RUNNING is a CAS, so exactly one party decides the outcome:
 * the worker (DONE), the timer or a canceller (STOPPING), or a canceller or the closing pool
 * (CANCELLED). The winner counts the outcome and completes the future; nobody else does.
 *
 * <h2>Who releases the task's place in the compartment</h2>
 * <ul>
 *   <li>Cancelled while QUEUED: the canceller, at once; the task is also removed from the queue,
 *       and the worker that may later dequeue it sees CANCELLED and skips it.</li>
 *   <li>Otherwise: the worker, after the task's code has returned, whatever the outcome was. So
 *       a timed-out or cancelled task that ignores its interrupt keeps its thread counted.</li>
 * </ul>
 *
 * <h2>Interrupts never hit the wrong task</h2>
 * The stopper interrupts the runner only while the state is STOPPING, and leaves STOPPING only
 * after the interrupt was delivered. A worker whose CAS RUNNING→DONE fails waits while the state
 * is STOPPING and then clears its interrupt status, so the interrupt meant for this task cannot
 * reach the next one. ({@link java.util.concurrent.FutureTask} has the same hand-shake for
 * {@code cancel(true)}.)
 *
 * <h2>Memory ordering</h2>
 * {@code runner} is written before the CAS QUEUED→RUNNING and read after a successful CAS
 * RUNNING→STOPPING; the CAS on the volatile state orders them. The worker reads the result of
 * the task only on its own thread.
 *
 * @param <T> the result type
 */
final class PoolTask<T> extends CompletableFuture<T> {
    static final int QUEUED = 0;
    static final int RUNNING = 1;
    static final int DONE = 2;
    static final int STOPPING = 3;
    static final int STOPPED = 4;
    static final int CANCELLED = 5;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(PoolTask.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final WorkerPool pool;
    private final Callable<? extends T> callable;
    private volatile int state = QUEUED;
    private volatile @Nullable Thread runner;

    PoolTask(WorkerPool pool, Callable<? extends T> callable) {
        this.pool = pool;
        this.callable = callable;
    }

    /**
     * A queue entry that tells a worker something (stop, retire) and is never run: workers know
     * it by identity. It has no pool.
     */
    @SuppressWarnings("NullAway") // a signal is never run, cancelled or timed out: its pool is never read
    static PoolTask<Void> signal() {
        return new PoolTask<>(null, () -> null);
    }

    private boolean transition(int from, int to) {
        return STATE.compareAndSet(this, from, to);
    }

    /**
     * Runs the task on the calling worker thread, which holds a run slot for it, unless it was
     * cancelled while queued.
     *
     * @return whether it ran (and gave the slot back); false if it had been cancelled, and the
     *     worker must give back the slot
     */
    // Yield rather than spin while the stopper finishes: on two cores it may need this one.
    @SuppressWarnings("ThreadPriorityCheck")
    boolean runOnThisThread() {
        runner = Thread.currentThread();
        if (!transition(QUEUED, RUNNING)) {
            runner = null; // cancelled or dropped while queued; the canceller released its place
            return false;
        }
        Future<?> timer = null;
        T value = null;
        Throwable failure = null;
        try {
            timer = pool.scheduleTimeout(this); // a time source that throws fails this task only
            value = callable.call();
        } catch (Throwable thrown) {
            failure = thrown;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        boolean decidedHere = transition(RUNNING, DONE);
        if (!decidedHere) {
            // A timeout or a cancel decided the outcome and is interrupting, or has interrupted,
            // this thread: wait for that to finish (a few instructions, unless the stopper was
            // descheduled), then clear it so nothing after this task sees it.
            while (state == STOPPING) {
                Thread.yield();
            }
        }
        // Clear any interrupt status, ours or the task's own, before dependent stages run here.
        Thread.interrupted();
        runner = null;
        pool.taskFinished(decidedHere, failure == null); // gives back the slot and the place
        if (decidedHere) {
            if (failure == null) {
                complete(value);
            } else {
                completeExceptionally(failure);
            }
            pool.futureCompleted();
        }
        return true;
    }

    /**
     * Called by the timer when the timeout runs out; does nothing if the task has ended.
     *
     * @param timeout the timeout that was in force when the task started
     */
    void timeOut(java.time.Duration timeout) {
        if (stopRunning(true)) {
            pool.taskTimedOut(this, timeout);
        }
    }

    /**
     * Cancels the task: removes it from the queue if it has not started, or interrupts its
     * thread (if asked) if it is running. Its place in the compartment is released at once in
     * the first case and when its code returns in the second.
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        for (;;) {
            int current = state;
            if (current == QUEUED) {
                if (transition(QUEUED, CANCELLED)) {
                    pool.queuedTaskRemoved(this, false);
                    return true;
                }
            } else if (current == RUNNING) {
                if (stopRunning(mayInterruptIfRunning)) {
                    pool.runningTaskCancelled(this);
                    return true;
                }
            } else {
                return isCancelled();
            }
        }
    }

    /**
     * Stops the task because its compartment is closing: drops it if it has not started, cancels
     * and interrupts it if it is running.
     */
    void abandon() {
        for (;;) {
            int current = state;
            if (current == QUEUED) {
                if (transition(QUEUED, CANCELLED)) {
                    pool.queuedTaskRemoved(this, true);
                    return;
                }
            } else if (current == RUNNING) {
                if (stopRunning(true)) {
                    pool.runningTaskCancelled(this);
                    return;
                }
            } else {
                return;
            }
        }
    }

    /** Decides the outcome of a running task from outside and interrupts its thread. */
    private boolean stopRunning(boolean interrupt) {
        if (!transition(RUNNING, STOPPING)) {
            return false;
        }
        if (interrupt) {
            Thread thread = runner; // set before RUNNING, cleared only after STOPPING ends
            if (thread != null) {
                thread.interrupt();
            }
        }
        state = STOPPED;
        return true;
    }

    /** Completes the future of a task that will not run, or that was cancelled. */
    void completeStopped(@Nullable Throwable reason) {
        if (reason == null) {
            super.cancel(false);
        } else {
            completeExceptionally(reason);
        }
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }

    @Override
    public String toString() {
        String stateName = switch (state) {
            case QUEUED -> "queued";
            case RUNNING -> "running";
            case DONE -> "done";
            case STOPPING, STOPPED -> "stopped";
            default -> "cancelled";
        };
        return "Task[" + (pool == null ? "stop" : pool.name()) + ", " + stateName + "]";
    }
}
