package dev.watertight.internal;

import dev.watertight.BulkheadFullException;
import dev.watertight.CompartmentClosedException;
import dev.watertight.TaskTimeoutException;
import dev.watertight.ThreadPoolBulkhead;
import dev.watertight.ThreadPoolBulkheadConfig;
import dev.watertight.ThreadPoolStats;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link ThreadPoolBulkhead}: an {@link AdmissionGate} that bounds the tasks inside, a queue
 * that only ever holds admitted tasks, and up to {@code threads} workers that take from it.
 *
 * <h2>Why the bounds are exact</h2>
 * The gate admits a task only while fewer than {@code threads + queueCapacity} are inside, and a
 * task leaves only when its code has returned or it was removed from the queue. There are never
 * more than {@code threads} workers, each running one task at a time. So at most {@code threads}
 * tasks run and at most {@code queueCapacity} wait, for any number of submitters, and a
 * submission is refused only when the compartment holds its full complement: never while a
 * thread is idle or the queue has room (the JDK pool's race, resilience4j #2125). The queue needs
 * no bound of its own; it cannot grow past what the gate let in.
 *
 * <h2>Queue and workers</h2>
 * The queue is a {@link LinkedBlockingQueue}: when a burst of tasks arrives it wakes one parked
 * worker, which wakes the next only if more work is waiting, so a submitter pays for few
 * wake-ups. (A {@code LinkedTransferQueue} hands each task to a parked worker directly and
 * halved the throughput of a batch of submissions in our benchmarks.) Workers are started one
 * per submission until all {@code threads} exist, as the JDK's pool starts its core threads:
 * spreading work over parked workers also wakes them faster than waking the one that has only
 * just parked. Starting takes a lock, only while workers are missing.
 *
 * <h2>Closing</h2>
 * {@link #close()} closes the gate (no admission can slip past it: the closed bit is in the same
 * word the admission CASes), then waits until the gate is empty or the grace period ends. In the
 * second case it sets {@code forced}, drops every queued task and stops every running one. A
 * submitter admitted just before the gate closed may offer its task after the queue was
 * drained; it re-checks {@code forced} after offering and drops its own task. Offer-then-check
 * against set-then-drain (all volatile) means at least one side sees the other; a worker that
 * took a task just before the drain does the same with its {@code current} field. Since those
 * late decisions can happen on other threads, {@code close()} then waits for
 * {@code pendingFutures} (admitted tasks whose future is not complete) to reach zero, which
 * takes moments once everything is decided. Finally one STOP entry per worker ends the
 * workers, after any stuck task's code returns.
 */
public final class WorkerPool implements ThreadPoolBulkhead {
    /** Queue entry that tells one worker to exit. */
    static final PoolTask<Void> STOP = new PoolTask<>(null, () -> null);

    private final ThreadPoolBulkheadConfig config;
    private final String name;
    private final int threads;
    private final Duration timeout;
    private final long timeoutNanos;
    private final boolean writableStackTrace;
    private final Listeners listeners;
    private final AdmissionGate gate;
    private final LinkedBlockingQueue<PoolTask<?>> queue = new LinkedBlockingQueue<>();
    private final Thread.Builder threadBuilder;

    private final ReentrantLock workerLock = new ReentrantLock();
    private final PoolWorker[] workers;
    private final Thread[] workerThreads;
    private volatile int startedWorkers;
    private boolean workersStopped; // guarded by workerLock

    /**
     * Admitted tasks whose future is not complete yet; close() returns only when it is zero. An
     * object of its own: submitters and workers write it for every task, and as a field it would
     * share a cache line with the read-mostly fields above and slow every submission down.
     */
    private final AtomicLong pendingFutures = new AtomicLong();
    private final LongAdder submitted = new LongAdder();
    private final LongAdder succeeded = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder timedOut = new LongAdder();
    private final LongAdder cancelled = new LongAdder();

    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private final CompletableFuture<Void> allFuturesComplete = new CompletableFuture<>();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private volatile boolean forced;
    private volatile Thread closingThread;

    /** The pool whose stopped task's future this thread is completing, if any. */
    private static final ThreadLocal<WorkerPool> COMPLETING = new ThreadLocal<>();

    /**
     * Creates the compartment; no thread starts until the first task arrives.
     *
     * @param config validated settings
     */
    public WorkerPool(ThreadPoolBulkheadConfig config) {
        this.config = config;
        this.name = config.name();
        this.threads = config.threads();
        this.timeout = config.timeout();
        this.timeoutNanos = timeout == null ? 0 : timeout.toNanos();
        this.writableStackTrace = config.writableStackTrace();
        this.listeners = new Listeners(name, config.listeners());
        this.gate = new AdmissionGate((long) config.threads() + config.queueCapacity());
        this.workers = new PoolWorker[threads];
        this.workerThreads = new Thread[threads];
        String prefix = "watertight-" + name + "-";
        this.threadBuilder = config.virtualThreads()
                ? Thread.ofVirtual().name(prefix, 1)
                : Thread.ofPlatform().daemon(true).name(prefix, 1);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ThreadPoolBulkheadConfig config() {
        return config;
    }

    @Override
    public <T> CompletableFuture<T> submit(Callable<? extends T> task) {
        Objects.requireNonNull(task, "task");
        // Counted before admission, so that once close() has closed the gate, every admitted
        // task is already in the count it waits on (see futureCompleted()).
        pendingFutures.getAndIncrement();
        long inside = gate.tryAdmit();
        if (inside < 0) {
            futureCompleted();
            throw inside == AdmissionGate.FULL ? rejectFull() : rejectClosed();
        }
        PoolTask<T> poolTask = new PoolTask<>(this, task);
        try {
            ensureWorkers();
        } catch (Throwable cannotStartThread) {
            leaveGate();
            futureCompleted();
            throw cannotStartThread;
        }
        submitted.increment();
        queue.offer(poolTask);
        if (forced) {
            poolTask.abandon(); // close() drained the queue before this task arrived
        }
        return poolTask;
    }

    private BulkheadFullException rejectFull() {
        rejected.increment();
        BulkheadFullException rejection = BulkheadFullException.ofThreadPool(
                name, threads, config.queueCapacity(), writableStackTrace);
        listeners.rejected(rejection);
        return rejection;
    }

    private CompartmentClosedException rejectClosed() {
        CompartmentClosedException rejection = new CompartmentClosedException(name, false, writableStackTrace);
        listeners.rejected(rejection);
        return rejection;
    }

    /**
     * Starts one more worker while fewer than {@code threads} exist. Once the pool has sent its
     * workers their STOP entries no new worker starts: a task admitted just before closing is
     * then either run by an existing worker or dropped (see the class comment).
     */
    private void ensureWorkers() {
        if (startedWorkers >= threads) {
            return;
        }
        workerLock.lock();
        try {
            int index = startedWorkers;
            if (index < threads && !workersStopped) {
                // Published before it starts: from its first task on, close() and stats must see it.
                PoolWorker worker = new PoolWorker(this, queue);
                Thread thread = threadBuilder.unstarted(worker);
                workers[index] = worker;
                workerThreads[index] = thread;
                startedWorkers = index + 1;
                try {
                    thread.start();
                } catch (Throwable cannotStart) {
                    startedWorkers = index;
                    workerThreads[index] = null;
                    workers[index] = null;
                    throw cannotStart;
                }
            }
        } finally {
            workerLock.unlock();
        }
    }

    // ---- called by tasks and workers -------------------------------------------------------

    boolean isForcedClosed() {
        return forced;
    }

    /**
     * A worker caught something it should never have seen. It is reported where a dying thread's
     * exception would be (the thread's uncaught-exception handler, which by default prints it),
     * and the worker goes on serving.
     */
    void workerSurvived(Throwable unexpected) {
        Thread me = Thread.currentThread();
        try {
            me.getUncaughtExceptionHandler().uncaughtException(me, unexpected);
        } catch (Throwable ignored) {
            // the handler itself failed; there is nowhere left to report to
        }
    }

    Future<?> scheduleTimeout(PoolTask<?> task) {
        return timeoutNanos == 0 ? null : config.timeSource().schedule(task::timeOut, timeoutNanos);
    }

    /**
     * A task's code has returned.
     *
     * @param decidedHere whether the worker decided the outcome (no timeout or cancel did)
     * @param returned whether the code returned a value rather than throwing
     */
    void taskFinished(boolean decidedHere, boolean returned) {
        if (decidedHere) {
            (returned ? succeeded : failed).increment();
        }
        leaveGate();
    }

    // Each of these counts first, then completes the future, then tells the listeners: a caller
    // that joins the future sees settled counters, and no listener can keep a future hanging.

    /**
     * Called on the timer thread, which every compartment shares: it must never run user code, or
     * one slow (or closing) callback on a timed-out future would stall every timeout in the JVM.
     * The future is completed, and listeners told, on a virtual thread of their own.
     */
    void taskTimedOut(PoolTask<?> task) {
        timedOut.increment();
        Thread.ofVirtual().name("watertight-" + name + "-timeout").start(() -> {
            completeWithoutWaitingForClose(task, new TaskTimeoutException(name, timeout));
            listeners.timedOut(timeout);
        });
    }

    void queuedTaskRemoved(PoolTask<?> task, boolean closing) {
        if (!forced) {
            // Unlink it now so cancelled tasks never pile up in the queue. (During a forced
            // close the queue is being drained anyway, and a dequeued cancelled task is skipped.)
            queue.remove(task);
        }
        cancelled.increment();
        leaveGate();
        completeWithoutWaitingForClose(task,
                closing ? new CompartmentClosedException(name, true, writableStackTrace) : null);
        listeners.cancelled(false);
    }

    void runningTaskCancelled(PoolTask<?> task) {
        cancelled.increment();
        completeWithoutWaitingForClose(task, null);
        listeners.cancelled(true);
    }

    /**
     * Completes a stopped task's future, marking this thread meanwhile: a dependent stage that
     * calls {@link #close()} from here must not wait for pending futures, since the one being
     * completed on this very thread is among them and would never be counted down.
     */
    private void completeWithoutWaitingForClose(PoolTask<?> task, Throwable reason) {
        WorkerPool outer = COMPLETING.get();
        COMPLETING.set(this);
        try {
            task.completeStopped(reason);
        } finally {
            if (outer == null) {
                COMPLETING.remove();
            } else {
                COMPLETING.set(outer);
            }
        }
        futureCompleted();
    }

    private void leaveGate() {
        if (gate.leave()) {
            drained.complete(null);
        }
    }

    /** Called once per admitted task, after its future has completed in whichever way. */
    void futureCompleted() {
        long left = pendingFutures.decrementAndGet();
        // Decrement, then read the gate; close() closes the gate, then reads the count. Both are
        // volatile, so at least one of the two sees the other's write and completes the signal.
        if (left == 0 && gate.isClosed()) {
            allFuturesComplete.complete(null);
        }
    }

    // ---- stats and shutdown ----------------------------------------------------------------

    @Override
    public ThreadPoolStats stats() {
        // Outcomes first: every task counted in them was submitted before, so the snapshot
        // never shows more ended tasks than submitted ones.
        long succeededNow = succeeded.sum();
        long failedNow = failed.sum();
        long timedOutNow = timedOut.sum();
        long cancelledNow = cancelled.sum();
        long inside = gate.occupancy();
        return new ThreadPoolStats(
                name,
                threads,
                busyWorkers(),
                (int) Math.max(0, inside - threads),
                config.queueCapacity(),
                submitted.sum(),
                succeededNow,
                failedNow,
                rejected.sum(),
                timedOutNow,
                cancelledNow);
    }

    @Override
    public long listenerFailures() {
        return listeners.failures();
    }

    /** Workers that hold a task: running its code, or just about to start or finish it. */
    private int busyWorkers() {
        int busy = 0;
        for (int i = 0, n = startedWorkers; i < n; i++) {
            PoolWorker worker = workers[i];
            if (worker != null && worker.current() != null) {
                busy++;
            }
        }
        return busy;
    }

    @Override
    public boolean isClosed() {
        return gate.isClosed();
    }

    @Override
    public void close() {
        boolean mayWait = !mustNotWaitForClose();
        if (!gate.close()) {
            if (mayWait) {
                terminated.join(); // another caller is closing; wait for it to finish
            }
            return;
        }
        if (gate.isClosedAndEmpty()) {
            drained.complete(null);
        }
        if (pendingFutures.get() == 0) {
            allFuturesComplete.complete(null);
        }
        if (mayWait) {
            finishClosing();
        } else {
            Thread.ofVirtual().name("watertight-" + name + "-closer").start(this::finishClosing);
        }
    }

    /**
     * Whether this thread is one that closing waits for: one of our workers (running a task or a
     * dependent of one), the closing thread itself, or a thread completing one of our futures
     * (a dependent stage or listener running there). Waiting there would wait for itself.
     */
    private boolean mustNotWaitForClose() {
        return Thread.currentThread() == closingThread || COMPLETING.get() == this || isWorkerThread();
    }

    private boolean isWorkerThread() {
        Thread me = Thread.currentThread();
        for (int i = 0, n = startedWorkers; i < n; i++) {
            if (workerThreads[i] == me) {
                return true;
            }
        }
        return false;
    }

    private void finishClosing() {
        closingThread = Thread.currentThread();
        try {
            awaitDrained();
            // Drained or stopped, every task is decided; their futures complete within moments
            // (a worker or a submitter may be completing one right now).
            allFuturesComplete.join();
        } finally {
            int started;
            workerLock.lock();
            try {
                workersStopped = true;
                started = startedWorkers;
            } finally {
                workerLock.unlock();
            }
            for (int i = 0; i < started; i++) {
                queue.offer(STOP);
            }
            terminated.complete(null);
        }
    }

    private void awaitDrained() {
        Duration grace = config.shutdownGrace();
        if (!grace.isZero() && !drained.isDone()) {
            CompletableFuture<Void> graceOver = new CompletableFuture<>();
            Future<?> timer = config.timeSource().schedule(() -> graceOver.complete(null), grace.toNanos());
            try {
                CompletableFuture.anyOf(drained, graceOver).get();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException impossible) {
                throw new IllegalStateException(impossible);
            } finally {
                timer.cancel(false);
            }
        }
        if (!drained.isDone()) {
            stopEverything();
        }
    }

    /** The grace period is over: drop what is queued, cancel what runs. */
    private void stopEverything() {
        forced = true;
        for (PoolTask<?> task; (task = queue.poll()) != null; ) {
            task.abandon();
        }
        for (int i = 0, n = startedWorkers; i < n; i++) {
            PoolWorker worker = workers[i];
            PoolTask<?> running = worker == null ? null : worker.current();
            if (running != null) {
                running.abandon();
            }
        }
    }

    @Override
    public String toString() {
        return "ThreadPoolBulkhead[" + name + ", " + gate + ", busy=" + busyWorkers() + "]";
    }
}
