package dev.watertight.internal;

import dev.watertight.BulkheadFullException;
import dev.watertight.CallTimings;
import dev.watertight.CompartmentClosedException;
import dev.watertight.TaskTimeoutException;
import dev.watertight.ThreadPoolBulkhead;
import dev.watertight.ThreadPoolBulkheadConfig;
import dev.watertight.ThreadPoolStats;
import dev.watertight.TimeSource;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

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
 *
 * <h2>Resizing while running</h2>
 * The limit on running tasks is not the number of workers but the gate's run slots: a worker
 * that has taken a task starts it only after {@link AdmissionGate#tryStart()} gave it a slot,
 * and the slot goes back in the same atomic add that makes the task leave. Workers are the
 * means, slots the bound. {@link #resize} (serialized by {@code workerLock}) writes the new
 * {@code config}, then the gate's bounds ({@link AdmissionGate#resize}: no admission or start
 * after it returns is decided against the old ones), then:
 * <ul>
 *   <li><b>Growing</b> starts workers for the tasks already waiting (others start on demand as
 *       before) and wakes workers that wait for a slot.</li>
 *   <li><b>Shrinking</b> takes nothing back. Running tasks finish; no task starts while
 *       {@code running >= threads}, so running converges to the new limit and never rises above
 *       {@code max(running at the shrink, new limit)}. A worker that has taken a task while no
 *       slot is free waits for one ({@code slotFreed}); there is such a worker only while more
 *       workers live than the limit, so some running worker will finish and, being surplus, retire,
 *       giving its slot to a waiter. Workers retire at the top of their loop while more of them
 *       live than {@code threads}; idle ones are woken by one RETIRE entry per surplus worker.
 *       Queued tasks stay queued and run; the gate refuses submissions until fewer than
 *       {@code threads + queueCapacity} are inside.</li>
 * </ul>
 * No wake-up of a slot waiter is lost: the waiter publishes itself ({@code slotWaiters}, volatile)
 * and then tries the slot; a finisher gives its slot back (a volatile add) and then reads
 * {@code slotWaiters}. At least one sees the other, and the waiter holds {@code slotLock} from its
 * check until it awaits, so a signal under that lock cannot fall between them.
 *
 * <p>Cost on the hot path: one CAS per task start on the gate word (the slot); giving the slot
 * back shares the atomic add that already made the task leave, plus one volatile read of
 * {@code slotWaiters}. Timeout and limits are read from the volatile {@code config}.
 *
 * <h2>Timings</h2>
 * Off until {@link #recordTimings} attaches some: {@code submit} reads the volatile
 * {@code timings} once and, while it is null, goes on as without them. Otherwise it wraps the
 * task's code in a {@link MeasuredTask}, which reads the time source on admission and reports
 * from the worker; the task's state machine, the gate and the workers know nothing of it.
 * Attaching and detaching replace the immutable {@link TimingsFanOut} under {@code workerLock}.
 */
public final class WorkerPool implements ThreadPoolBulkhead {
    /** Queue entry that tells one worker to exit. */
    static final PoolTask<Void> STOP = PoolTask.signal();
    /** Queue entry that wakes one idle worker to retire if more workers live than the limit. */
    static final PoolTask<Void> RETIRE = PoolTask.signal();

    private static final PoolWorker[] NO_WORKERS = new PoolWorker[0];

    /** The settings in force; replaced (never changed) by resize, under workerLock. */
    private volatile ThreadPoolBulkheadConfig config;
    private final String name;
    private final boolean writableStackTrace;
    private final Listeners listeners;
    private final AdmissionGate gate;
    private final LinkedBlockingQueue<PoolTask<?>> queue = new LinkedBlockingQueue<>();
    private final Thread.Builder threadBuilder;
    private final TimeSource timeSource;
    /** Attached timings, or null: read once per submission, replaced under workerLock. */
    private volatile @Nullable TimingsFanOut timings;

    private final ReentrantLock workerLock = new ReentrantLock();
    /** The live workers; copied on write under workerLock (workers start and retire rarely). */
    private volatile PoolWorker[] workers = NO_WORKERS;
    /** How many workers should live: the limit on running tasks; written under workerLock. */
    private volatile int targetWorkers;
    private boolean workersStopped; // guarded by workerLock

    private final ReentrantLock slotLock = new ReentrantLock();
    private final Condition slotFreed = slotLock.newCondition();
    /** Workers holding a task and waiting for a run slot; written under slotLock. */
    private volatile int slotWaiters;

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
    private volatile @Nullable Thread closingThread;

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
        this.targetWorkers = config.threads();
        this.writableStackTrace = config.writableStackTrace();
        this.timeSource = config.timeSource();
        this.listeners = new Listeners(name, config.listeners());
        this.gate = new AdmissionGate((long) config.threads() + config.queueCapacity(), config.threads());
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
    public void resize(int threads, int queueCapacity) {
        ThreadPoolBulkheadConfig current = config;
        apply(new ThreadPoolBulkheadConfig(name, threads, queueCapacity, current.timeout(),
                current.virtualThreads(), current.shutdownGrace(), writableStackTrace,
                current.timeSource(), current.listeners()));
    }

    @Override
    public void reconfigure(ThreadPoolBulkheadConfig newConfig) {
        Objects.requireNonNull(newConfig, "config must not be null");
        ThreadPoolBulkheadConfig current = config;
        if (!newConfig.name().equals(name)) {
            throw new IllegalArgumentException("name cannot change on a running pool: is '" + name
                    + "', was given '" + newConfig.name() + "'");
        }
        if (newConfig.virtualThreads() != current.virtualThreads()) {
            throw new IllegalArgumentException("virtualThreads cannot change on a running pool: is "
                    + current.virtualThreads() + ", was given " + newConfig.virtualThreads()
                    + "; build a new pool instead");
        }
        // The running pool keeps its time source, listeners and stack-trace setting.
        apply(new ThreadPoolBulkheadConfig(name, newConfig.threads(), newConfig.queueCapacity(),
                newConfig.timeout(), current.virtualThreads(), newConfig.shutdownGrace(),
                writableStackTrace, current.timeSource(), current.listeners()));
    }

    /** Puts validated settings in force; see "Resizing while running" in the class comment. */
    private void apply(ThreadPoolBulkheadConfig next) {
        int threads = next.threads();
        workerLock.lock();
        try {
            config = next;
            targetWorkers = threads;
            gate.resize((long) threads + next.queueCapacity(), threads);
            int live = workers.length;
            if (!workersStopped && live < threads) {
                long waitingTasks = Math.max(0, gate.occupancy() - gate.running());
                for (long i = Math.min(waitingTasks, threads - live); i > 0; i--) {
                    startWorker();
                }
            }
            for (int i = live - threads; i > 0; i--) {
                queue.offer(RETIRE);
            }
        } finally {
            workerLock.unlock();
        }
        wakeSlotWaiters();
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
        PoolTask<T> poolTask;
        try {
            TimingsFanOut measuring = timings; // a time source that throws refuses the task, leaking nothing
            poolTask = new PoolTask<>(this, measuring == null ? task : new MeasuredTask<>(task, measuring, timeSource));
            ensureWorkers();
        } catch (Throwable cannotStart) {
            leaveGate();
            futureCompleted();
            throw cannotStart;
        }
        submitted.increment();
        queue.offer(poolTask);
        if (forced) {
            poolTask.abandon(); // close() drained the queue before this task arrived
        }
        return poolTask;
    }

    @Override
    public CallTimings.Recording recordTimings(CallTimings added) {
        Objects.requireNonNull(added, "timings must not be null");
        workerLock.lock();
        try {
            timings = TimingsFanOut.plus(timings, added, listeners);
        } finally {
            workerLock.unlock();
        }
        return new TimingsRecording(() -> {
            workerLock.lock();
            try {
                timings = TimingsFanOut.minus(timings, added);
            } finally {
                workerLock.unlock();
            }
        });
    }

    private BulkheadFullException rejectFull() {
        rejected.increment();
        ThreadPoolBulkheadConfig current = config;
        BulkheadFullException rejection = BulkheadFullException.ofThreadPool(
                name, current.threads(), current.queueCapacity(), writableStackTrace);
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
        if (workers.length >= targetWorkers) {
            return;
        }
        workerLock.lock();
        try {
            if (workers.length < targetWorkers && !workersStopped) {
                startWorker();
            }
        } finally {
            workerLock.unlock();
        }
    }

    /** Starts a worker; called under workerLock. */
    private void startWorker() {
        PoolWorker[] before = workers;
        PoolWorker worker = new PoolWorker(this, queue);
        Thread thread = threadBuilder.unstarted(worker);
        worker.thread = thread;
        // Published before it starts: from its first task on, close() and stats must see it.
        PoolWorker[] after = Arrays.copyOf(before, before.length + 1);
        after[before.length] = worker;
        workers = after;
        try {
            thread.start();
        } catch (Throwable cannotStart) {
            workers = before;
            throw cannotStart;
        }
    }

    /** Whether more workers live than the limit; cheap, read by every worker between tasks. */
    boolean hasSurplusWorkers() {
        return workers.length > targetWorkers;
    }

    /**
     * Retires the worker if more workers live than the limit.
     *
     * @return whether it retired and must exit
     */
    boolean retire(PoolWorker worker) {
        workerLock.lock();
        try {
            PoolWorker[] before = workers;
            if (before.length <= targetWorkers) {
                return false;
            }
            PoolWorker[] after = new PoolWorker[before.length - 1];
            int j = 0;
            for (PoolWorker other : before) {
                if (other != worker) {
                    if (j == after.length) {
                        return false; // not a live worker (cannot happen); keep it serving
                    }
                    after[j++] = other;
                }
            }
            workers = after;
            return true;
        } finally {
            workerLock.unlock();
        }
    }

    /**
     * Takes a run slot for the task a worker holds, waiting while none is free (only after a
     * resize lowered the limit).
     *
     * @return true with a slot taken; false, with none, if the pool is being closed by force
     */
    @SuppressWarnings("NonAtomicVolatileUpdate") // slotWaiters is written only under slotLock
    boolean awaitRunSlot() {
        if (gate.tryStart()) {
            return true;
        }
        slotLock.lock();
        try {
            slotWaiters++;
            while (!gate.tryStart()) {
                if (forced) {
                    return false;
                }
                slotFreed.awaitUninterruptibly();
            }
            return true;
        } finally {
            slotWaiters--;
            slotLock.unlock();
        }
    }

    /** A worker took a slot for a task that had been cancelled while queued. */
    void slotUnused() {
        gate.releaseSlot();
        if (slotWaiters > 0) {
            wakeSlotWaiters();
        }
    }

    private void wakeSlotWaiters() {
        slotLock.lock();
        try {
            slotFreed.signalAll();
        } finally {
            slotLock.unlock();
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

    /** Starts the timeout in force now, if any, for a task that starts now. */
    @Nullable Future<?> scheduleTimeout(PoolTask<?> task) {
        ThreadPoolBulkheadConfig current = config;
        Duration timeout = current.timeout();
        return timeout == null ? null : current.timeSource().schedule(() -> task.timeOut(timeout), timeout.toNanos());
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
        if (gate.finish()) {
            drained.complete(null);
        }
        if (slotWaiters > 0) { // read after the slot was given back: see "Resizing while running"
            wakeSlotWaiters();
        }
    }

    // Each of these counts first, then completes the future, then tells the listeners: a caller
    // that joins the future sees settled counters, and no listener can keep a future hanging.

    /**
     * Called on the timer thread, which every compartment shares: it must never run user code, or
     * one slow (or closing) callback on a timed-out future would stall every timeout in the JVM.
     * The future is completed, and listeners told, on a virtual thread of their own.
     */
    void taskTimedOut(PoolTask<?> task, Duration timeout) {
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
    private void completeWithoutWaitingForClose(PoolTask<?> task, @Nullable Throwable reason) {
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
        long word = gate.word();
        int running = AdmissionGate.runningOf(word);
        ThreadPoolBulkheadConfig current = config;
        return new ThreadPoolStats(
                name,
                current.threads(),
                running,
                // Beyond the busier of the running tasks and the thread limit: a task that a worker
                // has just taken, before its slot, is not counted as queued.
                (int) Math.max(0, AdmissionGate.insideOf(word) - Math.max(running, current.threads())),
                current.queueCapacity(),
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
        for (PoolWorker worker : workers) {
            if (worker.thread == me) {
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
                started = workers.length;
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
        Duration grace = config.shutdownGrace(); // the grace in force when closing starts
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
            if (task != RETIRE && task != STOP) {
                task.abandon();
            }
        }
        for (PoolWorker worker : workers) {
            PoolTask<?> running = worker.current();
            if (running != null) {
                running.abandon(); // running, or taken and waiting for a slot
            }
        }
        wakeSlotWaiters(); // a worker waiting for a slot sees 'forced' and gives up
    }

    @Override
    public String toString() {
        return "ThreadPoolBulkhead[" + name + ", " + gate + ", workers=" + workers.length + "]";
    }
}
