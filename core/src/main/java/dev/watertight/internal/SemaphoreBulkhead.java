package dev.watertight.internal;

import dev.watertight.Bulkhead;
import dev.watertight.BulkheadConfig;
import dev.watertight.BulkheadFullException;
import dev.watertight.BulkheadStats;
import dev.watertight.CallTimings;
import dev.watertight.Deadline;
import dev.watertight.SharedCapacity;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Bulkhead} over {@link PermitSync}.
 *
 * <p>The hot path of {@link #call} and {@link #run} is: one CAS to enter, the task, one atomic
 * add to leave. Outcomes are counted without touching the hot path: "accepted", "in use" and
 * "succeeded" are derived from the permit counters, and only failures and rejections have
 * counters of their own (striped, so that a storm of them does not contend). The clock is read
 * only when a caller has to wait.
 *
 * <p>{@link #reconfigure} changes the limit through the permits' own resize and replaces
 * {@code maxWaitNanos} and {@code config} (volatile, read only on the slow path and by
 * {@link #config()}); reconfigurations are serialized by a lock the call path never takes.
 *
 * <p><b>Timings</b> ({@link #recordTimings}) are off until asked for: each entry point reads the
 * volatile {@code timings} once and, while it is null, goes on exactly as without them (no clock
 * read, no allocation). With timings, the call goes through a measuring twin of its entry point:
 * a permit taken at once reports a wait of 0 without reading the clock, a caller that waited reports
 * the time from its first failed attempt to admission, and the work is timed from after admission
 * until it ends (the permit is given back first, then the time reported). Attaching and detaching
 * replace the immutable {@link TimingsFanOut} under the reconfiguration lock.
 */
public final class SemaphoreBulkhead implements Bulkhead {
    private volatile BulkheadConfig config;
    private final String name;
    private final BulkheadPermits permits;
    private final SharedCapacity.@Nullable Share share;
    private volatile long maxWaitNanos;
    private final ReentrantLock reconfigureLock = new ReentrantLock();
    private final boolean writableStackTrace;
    private final Listeners listeners;
    private final LongAdder failed = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    /** Attached timings, or null: read once per call, replaced under reconfigureLock. */
    private volatile @Nullable TimingsFanOut timings;

    /**
     * Creates the bulkhead with every permit free.
     *
     * @param config validated settings
     */
    public SemaphoreBulkhead(BulkheadConfig config) {
        this.config = config;
        this.name = config.name();
        this.share = config.share();
        this.permits = config.share() != null
                ? new SharePermits(config.share())
                : new PermitSync(config.maxConcurrent(), config.fair());
        this.maxWaitNanos = config.maxWait().toNanos();
        this.writableStackTrace = config.writableStackTrace();
        this.listeners = new Listeners(name, config.listeners());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public BulkheadConfig config() {
        return config;
    }

    @Override
    public int maxConcurrent() {
        return permits.limit();
    }

    @Override
    public <T> T call(Callable<? extends T> task) throws Exception {
        Objects.requireNonNull(task, "task");
        TimingsFanOut measuring = timings;
        if (measuring != null) {
            return callMeasured(task, measuring);
        }
        enter();
        T result;
        try {
            result = task.call();
        } catch (Throwable failure) {
            leaveFailed();
            throw failure;
        }
        permits.release();
        return result;
    }

    @Override
    public void run(Runnable task) {
        Objects.requireNonNull(task, "task");
        TimingsFanOut measuring = timings;
        if (measuring != null) {
            runMeasured(task, measuring);
            return;
        }
        enter();
        try {
            task.run();
        } catch (Throwable failure) {
            leaveFailed();
            throw failure;
        }
        permits.release();
    }

    private <T> T callMeasured(Callable<? extends T> task, TimingsFanOut measuring) throws Exception {
        measuring.waited(enterMeasured());
        long start = System.nanoTime();
        T result;
        try {
            result = task.call();
        } catch (Throwable failure) {
            long ran = System.nanoTime() - start;
            leaveFailed();
            measuring.ran(ran);
            throw failure;
        }
        long ran = System.nanoTime() - start;
        permits.release();
        measuring.ran(ran);
        return result;
    }

    private void runMeasured(Runnable task, TimingsFanOut measuring) {
        measuring.waited(enterMeasured());
        long start = System.nanoTime();
        try {
            task.run();
        } catch (Throwable failure) {
            long ran = System.nanoTime() - start;
            leaveFailed();
            measuring.ran(ran);
            throw failure;
        }
        long ran = System.nanoTime() - start;
        permits.release();
        measuring.ran(ran);
    }

    @Override
    public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task) {
        Objects.requireNonNull(task, "task");
        TimingsFanOut measuring = timings;
        if (measuring != null) {
            return callAsyncMeasured(task, measuring);
        }
        try {
            enter();
        } catch (BulkheadFullException rejection) {
            return CompletableFuture.failedFuture(rejection);
        }
        CompletionStage<T> stage;
        try {
            stage = Objects.requireNonNull(task.get(), "the task returned null instead of a CompletionStage");
        } catch (Throwable failure) {
            leaveFailed();
            return CompletableFuture.failedFuture(failure);
        }
        BulkheadPermit permit = new BulkheadPermit(this);
        return StageMirror.of(stage, (value, failure) -> permit.close(failure != null));
    }

    private <T> CompletableFuture<T> callAsyncMeasured(Supplier<? extends CompletionStage<T>> task,
            TimingsFanOut measuring) {
        try {
            measuring.waited(enterMeasured());
        } catch (BulkheadFullException rejection) {
            return CompletableFuture.failedFuture(rejection);
        }
        long start = System.nanoTime();
        CompletionStage<T> stage;
        try {
            stage = Objects.requireNonNull(task.get(), "the task returned null instead of a CompletionStage");
        } catch (Throwable failure) {
            long ran = System.nanoTime() - start;
            leaveFailed();
            measuring.ran(ran);
            return CompletableFuture.failedFuture(failure);
        }
        TimedPermit permit = new TimedPermit(new BulkheadPermit(this), measuring, start);
        return StageMirror.of(stage, (value, failure) -> permit.close(failure != null));
    }

    @Override
    public Permit acquire() throws InterruptedException {
        TimingsFanOut measuring = timings;
        long waited = 0;
        if (!permits.tryAcquire()) {
            long maxWait = maxWaitNanos;
            if (maxWait == 0) {
                throw reject(0, false);
            }
            long start = System.nanoTime();
            if (!permits.tryAcquire(maxWait)) {
                throw reject(System.nanoTime() - start, false);
            }
            if (measuring != null) {
                waited = System.nanoTime() - start;
            }
        }
        return measuring == null ? new BulkheadPermit(this) : timedPermit(measuring, waited);
    }

    @Override
    public Optional<Permit> tryAcquire() {
        if (!permits.tryAcquire()) {
            return Optional.empty();
        }
        TimingsFanOut measuring = timings;
        return Optional.of(measuring == null ? new BulkheadPermit(this) : timedPermit(measuring, 0));
    }

    /** A permit just taken, whose hold time is reported when it is given back. */
    private Permit timedPermit(TimingsFanOut measuring, long waited) {
        measuring.waited(waited);
        return new TimedPermit(new BulkheadPermit(this), measuring, System.nanoTime());
    }

    @Override
    public CallTimings.Recording recordTimings(CallTimings added) {
        Objects.requireNonNull(added, "timings must not be null");
        reconfigureLock.lock();
        try {
            timings = TimingsFanOut.plus(timings, added, listeners);
        } finally {
            reconfigureLock.unlock();
        }
        return new TimingsRecording(() -> {
            reconfigureLock.lock();
            try {
                timings = TimingsFanOut.minus(timings, added);
            } finally {
                reconfigureLock.unlock();
            }
        });
    }

    @Override
    public void resize(int maxConcurrent) {
        Settings.atLeast("maxConcurrent", maxConcurrent, 1);
        reconfigureLock.lock();
        try {
            permits.resize(maxConcurrent);
            BulkheadConfig current = config;
            config = new BulkheadConfig(name, maxConcurrent, current.maxWait(), current.fair(),
                    writableStackTrace, current.listeners(), share);
        } finally {
            reconfigureLock.unlock();
        }
    }

    @Override
    public void reconfigure(BulkheadConfig newConfig) {
        Objects.requireNonNull(newConfig, "config must not be null");
        if (!newConfig.name().equals(name)) {
            throw new IllegalArgumentException("name cannot change on a running bulkhead: is '" + name
                    + "', was given '" + newConfig.name() + "'");
        }
        reconfigureLock.lock();
        try {
            BulkheadConfig current = config;
            if (newConfig.fair() != current.fair()) {
                throw new IllegalArgumentException("fair cannot change on a running bulkhead: is "
                        + current.fair() + ", was given " + newConfig.fair() + "; build a new bulkhead instead");
            }
            if (newConfig.share() != share) {
                throw new IllegalArgumentException("share cannot change on a running bulkhead: is "
                        + describe(share) + ", was given " + describe(newConfig.share()));
            }
            if (share == null) {
                permits.resize(newConfig.maxConcurrent());
            }
            maxWaitNanos = newConfig.maxWait().toNanos();
            // Listeners and writableStackTrace stay those the bulkhead was built with.
            config = new BulkheadConfig(name, newConfig.maxConcurrent(), newConfig.maxWait(), current.fair(),
                    writableStackTrace, current.listeners(), share);
        } finally {
            reconfigureLock.unlock();
        }
    }

    private static String describe(SharedCapacity.@Nullable Share share) {
        return share == null ? "none" : "share '" + share.name() + "'";
    }

    @Override
    public BulkheadStats stats() {
        // Failures are counted after their permit is given back, so reading them first keeps
        // succeeded = released - failed from ever going negative.
        long failures = failed.sum();
        PermitSync.Counts counts = permits.snapshot();
        return new BulkheadStats(
                name,
                counts.limit(),
                (int) counts.inUse(),
                permits.waiting(),
                counts.acquired(),
                rejected.sum(),
                counts.released() - failures,
                failures);
    }

    @Override
    public long listenerFailures() {
        return listeners.failures();
    }

    /** Takes a permit or throws; the fast path is one CAS. */
    private void enter() {
        if (!permits.tryAcquire()) {
            enterSlowly(false);
        }
    }

    /**
     * Takes a permit or throws, as {@link #enter()} does.
     *
     * @return how long the caller waited: 0, without reading the clock, if a permit was free
     */
    private long enterMeasured() {
        return permits.tryAcquire() ? 0 : enterSlowly(true);
    }

    /**
     * Waits for a permit up to maxWait, or throws.
     *
     * @param measure whether to read the clock once more on admission to return the wait
     * @return the wait if measured, otherwise 0
     */
    private long enterSlowly(boolean measure) {
        // Never wait past the deadline of an enclosing timeout (read only on this slow path).
        long maxWait = maxWaitNanos;
        long wait = maxWait == 0 ? 0 : Math.min(maxWait, Deadline.remainingNanos());
        if (wait <= 0) {
            throw reject(0, false);
        }
        long start = System.nanoTime();
        boolean admitted;
        try {
            admitted = permits.tryAcquire(wait);
        } catch (InterruptedException interrupt) {
            Thread.currentThread().interrupt();
            throw reject(System.nanoTime() - start, true);
        }
        if (!admitted) {
            throw reject(System.nanoTime() - start, false);
        }
        return measure ? System.nanoTime() - start : 0;
    }

    private BulkheadFullException reject(long waitedNanos, boolean interrupted) {
        rejected.increment();
        BulkheadFullException rejection = share == null
                ? BulkheadFullException.ofBulkhead(name, permits.limit(), waitedNanos, maxWaitNanos, interrupted, writableStackTrace)
                : BulkheadFullException.ofShare(name, share.inUse(), share.ceiling(), waitedNanos, maxWaitNanos,
                        interrupted, writableStackTrace);
        listeners.rejected(rejection);
        return rejection;
    }

    /** Gives a permit back, counting the call as succeeded. */
    void leave() {
        permits.release();
    }

    /** Gives a permit back, counting the call as failed (after the release; see stats()). */
    void leaveFailed() {
        permits.release();
        failed.increment();
    }

    @Override
    public String toString() {
        return "Bulkhead[" + name + ", " + permits + "]";
    }
}
