package dev.watertight.internal;

import dev.watertight.CompartmentRejectedException;
import dev.watertight.Retry;
import dev.watertight.RetryConfig;
import dev.watertight.RetryStats;
import dev.watertight.TimeSource;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Retry}: attempts, backoff waits and a budget.
 *
 * <h2>Design</h2>
 * A retry has no shared state that a call must hold: each call's progress (which attempt, the
 * last failure, the last wait, for decorrelated jitter) lives in the locals of {@link #call} or,
 * for {@link #callAsync}, in the {@link RetryingFuture} of that call. What is shared is counters
 * and the budget's ledger, both lock-free.
 *
 * <p><b>The success path</b> is the first attempt returning: one increment of a striped counter
 * ({@code succeededWithoutRetry}), nothing else. It reads no clock, allocates nothing, and does
 * not touch the budget. That counter does double duty: it is a stat, and, added to
 * {@code firstAttemptsFailed}, it is the budget's count of deposits (first attempts that ended),
 * which the {@link RetryBudgetWindow} reads only when a retry is considered. Everything else, in
 * {@link #retryAfter}, is the failure path, kept out of {@code call} so that {@code call} stays
 * small enough to inline into its caller.
 *
 * <p><b>Deciding</b> ({@link #decide}) is shared by the blocking and the asynchronous paths, so
 * they cannot drift apart. It asks, in order: interrupted? a rejection of an inner guard? does
 * {@code retryOn} accept it? an attempt left? does the budget allow it? The budget comes last, so
 * that a failure that would not be retried anyway spends nothing and is not counted as denied.
 *
 * <p><b>Counting</b> is per outcome, once per call, when it ends: exactly one of the four outcome
 * counters, so {@code calls} is their sum and adds up in every snapshot. Two orders keep the
 * other relations of {@link RetryStats} true in every snapshot too: a retry is counted when its
 * attempt starts, before the call's outcome, and {@link #stats} reads it after the outcomes; a
 * denial is counted after its call's outcome, and {@link #stats} reads it before them. (Each
 * counter is a sum of volatile cells that only grow, so a sum that starts after an increment
 * has happened includes it.)
 *
 * <p><b>Waiting</b> between blocking attempts is {@link Pause}: parked, interruptible, measured
 * by the time source. An interrupt stops the retries (see {@link Retry}); the interrupt status is
 * set again before the last failure is rethrown. The wait that was cut short still spent its
 * budget withdrawal: the ledger errs on the side of fewer retries.
 *
 * <p><b>Rethrowing.</b> A task's failure is rethrown unchanged, whatever its type: a
 * {@link Callable} can throw any {@link Exception}, and a {@link Runnable} a checked exception
 * that was thrown "sneakily"; neither is wrapped, so callers catch what the task throws.
 */
public final class BackoffRetry implements Retry {
    /** How deep to look through {@code CompletionException}/{@code ExecutionException} wrappers. */
    private static final int MAX_WRAPPERS = 8;

    /**
     * The settings in force; {@code maxAttempts} and {@code backoff} are read from it at each
     * decision, so {@link #reconfigure} replacing it (volatile, whole) applies to the next
     * decision of every call, those under way included. The rest is fixed at build time.
     */
    private volatile RetryConfig config;
    private final String name;
    private final Predicate<? super Throwable> retryOn;
    private final @Nullable Predicate<Object> retryOnResult;
    private final boolean retryRejections;
    private final TimeSource timeSource;
    private final @Nullable RetryBudgetWindow budget;
    private final Listeners listeners;

    private final LongAdder succeededWithoutRetry = new LongAdder();
    private final LongAdder firstAttemptsFailed = new LongAdder();
    private final LongAdder succeededAfterRetry = new LongAdder();
    private final LongAdder failedWithoutRetry = new LongAdder();
    private final LongAdder failedAfterRetry = new LongAdder();
    private final LongAdder retriesStarted = new LongAdder();
    private final LongAdder retriesDenied = new LongAdder();

    /** What {@link #decide} concluded. */
    enum Verdict {
        RETRY,
        STOP,
        DENIED_BY_BUDGET
    }

    /**
     * Creates the retry with an unspent budget.
     *
     * @param config validated settings
     */
    public BackoffRetry(RetryConfig config) {
        this.config = config;
        this.name = config.name();
        this.retryOn = config.retryOn();
        this.retryOnResult = config.retryOnResult();
        this.retryRejections = config.retryRejections();
        this.timeSource = config.timeSource();
        this.budget = config.budget() == null ? null
                : new RetryBudgetWindow(config.budget(), timeSource, this::firstAttemptsEnded);
        this.listeners = new Listeners(name, config.listeners());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public RetryConfig config() {
        return config;
    }

    @Override
    public void reconfigure(RetryConfig newConfig) {
        Objects.requireNonNull(newConfig, "config must not be null");
        if (!newConfig.name().equals(name)) {
            throw new IllegalArgumentException("name cannot change on a running retry: is '" + name
                    + "', was given '" + newConfig.name() + "'");
        }
        RetryConfig built = config;
        // Only maxAttempts and backoff change; the predicates, budget, time source and listeners stay.
        config = new RetryConfig(name, newConfig.maxAttempts(), newConfig.backoff(), built.retryOn(),
                built.retryOnResult(), built.retryRejections(), built.budget(), built.timeSource(), built.listeners());
    }

    @Override
    public <T> T call(Callable<? extends T> task) throws Exception {
        Objects.requireNonNull(task, "task");
        T result;
        try {
            result = task.call();
        } catch (Throwable failure) {
            return retryAfter(task, failure, null, retryOnResult);
        }
        Predicate<Object> resultCheck = retryOnResult;
        if (resultCheck != null) {
            return checkFirstResult(task, result, resultCheck);
        }
        succeededWithoutRetry.increment();
        return result;
    }

    @Override
    public void run(Runnable task) {
        Objects.requireNonNull(task, "task");
        try {
            task.run();
        } catch (Throwable failure) {
            retryRun(task, failure);
            return;
        }
        succeededWithoutRetry.increment();
    }

    private void retryRun(Runnable task, Throwable failure) {
        try {
            retryAfter(Executors.callable(task), failure, null, null);
        } catch (Exception sameAsTheTasks) {
            throw BackoffRetry.<RuntimeException>rethrow(sameAsTheTasks);
        }
    }

    @Override
    public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task) {
        Objects.requireNonNull(task, "task");
        RetryingFuture<T> future = new RetryingFuture<>(this, task);
        future.start();
        return future;
    }

    /** The first attempt returned a result; retryOnResult is set. */
    private <T> T checkFirstResult(Callable<? extends T> task, T result, Predicate<Object> retryOnResult)
            throws Exception {
        boolean rejected;
        try {
            rejected = retryOnResult.test(result);
        } catch (Throwable predicateFailure) {
            firstAttemptsFailed.increment();
            countFailed(1);
            throw rethrow(predicateFailure);
        }
        if (!rejected) {
            succeededWithoutRetry.increment();
            return result;
        }
        return retryAfter(task, null, result, retryOnResult);
    }

    /**
     * The failure path: the first attempt failed (or its result was rejected). Decides, waits and
     * attempts again until the call ends, counting its outcome once.
     *
     * @param failure the first attempt's failure, or null if its result was rejected
     * @param result the first attempt's rejected result, if it had one
     * @param resultCheck retryOnResult, or null where results are not checked
     */
    private <T> T retryAfter(Callable<? extends T> task, @Nullable Throwable failure, @Nullable T result,
            @Nullable Predicate<Object> resultCheck) throws Exception {
        firstAttemptsFailed.increment();
        long previousDelayNanos = 0;
        for (int attempt = 1; ; attempt++) {
            Verdict verdict;
            try {
                verdict = decide(attempt, failure, Thread.currentThread().isInterrupted());
            } catch (Throwable predicateFailure) {
                countFailed(attempt);
                throw rethrow(withSuppressed(predicateFailure, failure));
            }
            if (verdict != Verdict.RETRY) {
                countFailed(attempt);
                if (verdict == Verdict.DENIED_BY_BUDGET) {
                    retriesDenied.increment(); // after the outcome: see "Counting"
                }
                return lastOutcome(failure, result);
            }
            long delayNanos = config.backoff().delayNanos(attempt, previousDelayNanos);
            previousDelayNanos = delayNanos;
            try {
                Pause.sleep(timeSource, delayNanos);
            } catch (InterruptedException interrupt) {
                Thread.currentThread().interrupt();
                countFailed(attempt);
                return lastOutcome(failure, result);
            } catch (RuntimeException timeSourceFailure) {
                countFailed(attempt); // the time source could not schedule the wake-up
                return lastOutcome(failure == null ? null : withSuppressed(failure, timeSourceFailure), result);
            }
            retriesStarted.increment(); // before the outcome: see "Counting"
            try {
                result = task.call();
            } catch (Throwable next) {
                failure = next;
                continue;
            }
            failure = null;
            boolean rejected;
            try {
                rejected = resultCheck != null && resultCheck.test(result);
            } catch (Throwable predicateFailure) {
                countFailed(attempt + 1);
                throw rethrow(predicateFailure);
            }
            if (!rejected) {
                succeededAfterRetry.increment();
                return result;
            }
        }
    }

    /**
     * Throws the last failure, or returns the last result when there is none. A result is null
     * only if the task returned null (a failure is then never null).
     */
    @SuppressWarnings("NullAway") // see above: with no failure, the result is what the task gave
    private static <T> T lastOutcome(@Nullable Throwable failure, @Nullable T result) {
        if (failure != null) {
            throw rethrow(failure);
        }
        return result;
    }

    /**
     * Whether the outcome of an attempt is retried. Withdraws from the budget when it says so.
     *
     * @param attempt the attempt that just ended, 1 for the first
     * @param failure its failure, or null if its result was rejected
     * @param interrupted whether the calling thread is interrupted (never, for async calls)
     * @return the verdict
     * @throws RuntimeException (or an error) whatever {@code retryOn} threw
     */
    Verdict decide(int attempt, @Nullable Throwable failure, boolean interrupted) {
        if (interrupted || failure instanceof InterruptedException) {
            return Verdict.STOP;
        }
        if (failure != null) {
            if (!retryRejections && isRejection(failure)) {
                return Verdict.STOP;
            }
            if (!retryOn.test(failure)) {
                return Verdict.STOP;
            }
        }
        if (attempt >= config.maxAttempts()) {
            return Verdict.STOP;
        }
        if (budget != null && !budget.tryWithdraw()) {
            return Verdict.DENIED_BY_BUDGET;
        }
        return Verdict.RETRY;
    }

    /** A rejection of a guard, directly or as the cause of a future's wrapper exception. */
    static boolean isRejection(Throwable failure) {
        Throwable current = failure;
        for (int depth = 0; depth <= MAX_WRAPPERS && current != null; depth++) {
            if (current instanceof CompartmentRejectedException) {
                return true;
            }
            if (!(current instanceof CompletionException || current instanceof ExecutionException)) {
                return false;
            }
            current = current.getCause();
        }
        return false;
    }

    /** Whether a result is to be retried; false when no result predicate is set. */
    boolean rejectsResult(@Nullable Object result) {
        Predicate<Object> resultCheck = retryOnResult;
        return resultCheck != null && resultCheck.test(result);
    }

    long delayNanos(int attempt, long previousDelayNanos) {
        return config.backoff().delayNanos(attempt, previousDelayNanos);
    }

    TimeSource timeSource() {
        return timeSource;
    }

    Listeners listeners() {
        return listeners;
    }

    void countFirstAttemptFailed() {
        firstAttemptsFailed.increment();
    }

    void countRetryStarted() {
        retriesStarted.increment();
    }

    void countSucceeded(int attempts) {
        (attempts > 1 ? succeededAfterRetry : succeededWithoutRetry).increment();
    }

    void countFailed(int attempts) {
        (attempts > 1 ? failedAfterRetry : failedWithoutRetry).increment();
    }

    void countDenied() {
        retriesDenied.increment();
    }

    /** The budget's deposits: first attempts that have ended, successfully or not. */
    private long firstAttemptsEnded() {
        return succeededWithoutRetry.sum() + firstAttemptsFailed.sum();
    }

    @Override
    public long listenerFailures() {
        return listeners.failures();
    }

    @Override
    public RetryStats stats() {
        long denied = retriesDenied.sum(); // first: a denial is counted after its call's outcome
        long withoutRetry = succeededWithoutRetry.sum();
        long afterRetry = succeededAfterRetry.sum();
        long failedWithout = failedWithoutRetry.sum();
        long failedAfter = failedAfterRetry.sum();
        long started = retriesStarted.sum(); // last: a retry is counted before its call's outcome
        return new RetryStats(name, withoutRetry + afterRetry + failedWithout + failedAfter,
                withoutRetry, afterRetry, failedWithout, failedAfter, started, denied);
    }

    static Throwable withSuppressed(Throwable primary, @Nullable Throwable suppressed) {
        if (suppressed != null && primary != suppressed) {
            primary.addSuppressed(suppressed);
        }
        return primary;
    }

    /**
     * Throws any throwable without wrapping it; the compiler is told it is unchecked. Used only to
     * rethrow what a task threw, which the caller of {@code call} or {@code run} already expects.
     */
    @SuppressWarnings("unchecked")
    static <E extends Throwable> RuntimeException rethrow(Throwable failure) throws E {
        throw (E) failure;
    }

    @Override
    public String toString() {
        RetryConfig current = config;
        return "Retry[" + name + ", maxAttempts=" + current.maxAttempts() + ", " + current.backoff() + ", "
                + (budget == null ? "no budget" : budget.toString()) + "]";
    }
}
