package dev.watertight.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The future returned by {@code Retry.callAsync}, and the state of that one call: it starts
 * attempts, decides on their outcomes, schedules the next, and completes once.
 *
 * <h2>Design</h2>
 * No thread waits. An attempt is the supplier's call plus a callback on its stage; a wait is an
 * action scheduled on the time source, which starts the next attempt on a new virtual thread
 * (the timer is shared by every compartment and never runs user code). A retry without a wait
 * starts on the thread that completed the failed stage, through a trampoline: a counter of
 * starts asked for, where only the thread that raised it from zero runs attempts, in a loop, and
 * the others just leave their start to it. So a stage that fails at once, even for
 * {@code maxAttempts} of a million, never deepens the stack.
 *
 * <p><b>One attempt at a time.</b> An attempt's outcome is handled before the next attempt
 * starts, so {@code previousDelayNanos} is only touched by one thread at a time; the hand-offs
 * (a stage's completion to its callback, a scheduled action to the timer, a thread to its start)
 * order those accesses. {@code attempts} is volatile because a canceller reads it.
 *
 * <p><b>Completing once.</b> The call ends when this future completes, and only the completion
 * that wins counts the call's outcome: the retry's own (through {@code super.complete} and
 * {@code super.completeExceptionally}), or an outside one ({@link #cancel}, {@link #complete},
 * {@link #completeExceptionally}, which {@code orTimeout} uses). An outside completion stops the
 * retries and counts the call as failed. Every step checks {@link #isDone()} first, so an
 * outcome arriving after the end is ignored.
 *
 * <p><b>Stopping without a race.</b> When an attempt starts, it publishes its stage in
 * {@code inFlight} and then checks {@code isDone()}; a canceller completes the future and then
 * reads {@code inFlight}. Both are volatile accesses, so at least one of them sees the other and
 * the stage is cancelled by one or the other (at worst twice, which is harmless). A scheduled
 * retry is unscheduled the same way through {@code scheduled}.
 *
 * @param <T> the result type
 */
final class RetryingFuture<T> extends CompletableFuture<T> {
    private final BackoffRetry retry;
    private final Supplier<? extends CompletionStage<T>> task;

    /** Attempts started; written by the starting thread, after the retry is counted. */
    private volatile int attempts;
    /** The wait before the last retry, for decorrelated jitter; see "One attempt at a time". */
    private long previousDelayNanos;
    /** The stage of the latest attempt. */
    private volatile @Nullable CompletionStage<T> inFlight;
    /** The scheduled start of the next attempt, if one is waiting. */
    private volatile @Nullable Future<?> scheduled;
    /** Starts asked for and not yet run: the trampoline. */
    @SuppressWarnings("UnusedVariable") // read and written through PENDING_STARTS only
    private volatile int pendingStarts;

    RetryingFuture(BackoffRetry retry, Supplier<? extends CompletionStage<T>> task) {
        this.retry = retry;
        this.task = task;
    }

    /** Starts the first attempt on this thread. */
    void start() {
        startSoon();
    }

    /** Runs an attempt now, or leaves it to the thread already running attempts. */
    private void startSoon() {
        if ((int) PENDING_STARTS.getAndAdd(this, 1) != 0) {
            return;
        }
        do {
            startAttempt();
        } while ((int) PENDING_STARTS.getAndAdd(this, -1) != 1);
    }

    private void startAttempt() {
        if (isDone()) {
            return;
        }
        int attempt = attempts + 1;
        if (attempt > 1) {
            retry.countRetryStarted(); // before the outcome, and before a canceller can see it
        }
        attempts = attempt;
        CompletionStage<T> stage;
        try {
            stage = Objects.requireNonNull(task.get(), "the task returned null instead of a CompletionStage");
        } catch (Throwable failure) {
            onOutcome(attempt, null, failure);
            return;
        }
        inFlight = stage;
        if (isDone()) {
            cancelQuietly(stage, true); // stopped while the supplier ran
            return;
        }
        stage.whenComplete((value, failure) -> onOutcome(attempt, value, failure));
    }

    private void onOutcome(int attempt, @Nullable T value, @Nullable Throwable failure) {
        if (isDone()) {
            return; // stopped from outside; counted there
        }
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        if (cause == null) {
            boolean rejected;
            try {
                rejected = retry.rejectsResult(value);
            } catch (Throwable predicateFailure) {
                firstAttemptEnded(attempt);
                fail(attempt, predicateFailure, false);
                return;
            }
            if (!rejected) {
                if (super.complete(value)) {
                    retry.countSucceeded(attempt);
                }
                return;
            }
        }
        firstAttemptEnded(attempt);
        BackoffRetry.Verdict verdict;
        try {
            verdict = retry.decide(attempt, cause, false);
        } catch (Throwable predicateFailure) {
            fail(attempt, BackoffRetry.withSuppressed(predicateFailure, cause), false);
            return;
        }
        if (verdict != BackoffRetry.Verdict.RETRY) {
            end(attempt, cause, value, verdict == BackoffRetry.Verdict.DENIED_BY_BUDGET);
            return;
        }
        long delayNanos = retry.delayNanos(attempt, previousDelayNanos);
        previousDelayNanos = delayNanos;
        if (delayNanos == 0) {
            startSoon();
            return;
        }
        Future<?> timer;
        try {
            timer = retry.timeSource().schedule(this::whenDue, delayNanos);
        } catch (RuntimeException timeSourceFailure) {
            end(attempt, cause == null ? null : BackoffRetry.withSuppressed(cause, timeSourceFailure), value, false);
            return;
        }
        scheduled = timer;
        if (isDone()) {
            timer.cancel(false); // stopped while scheduling
        }
    }

    /** Runs on the timer: hands the next attempt to a virtual thread of its own. */
    private void whenDue() {
        if (!isDone()) {
            Thread.ofVirtual().name("watertight-" + retry.name() + "-retry").start(this::startSoon);
        }
    }

    private void firstAttemptEnded(int attempt) {
        if (attempt == 1) {
            retry.countFirstAttemptFailed();
        }
    }

    /** Ends the call without a retry: with the failure, or with the rejected result if none. */
    private void end(int attempt, @Nullable Throwable failure, @Nullable T value, boolean denied) {
        if (failure == null) {
            if (super.complete(value)) {
                countEnd(attempt, denied);
            }
        } else {
            fail(attempt, failure, denied);
        }
    }

    private void fail(int attempt, Throwable failure, boolean denied) {
        if (super.completeExceptionally(failure)) {
            countEnd(attempt, denied);
        }
    }

    private void countEnd(int attempt, boolean denied) {
        retry.countFailed(attempt);
        if (denied) {
            retry.countDenied(); // after the outcome: see BackoffRetry, "Counting"
        }
    }

    /**
     * Stops the retries: no further attempt starts, and the attempt in flight is cancelled.
     * Completes the future with a {@link CancellationException}, as {@code CompletableFuture}
     * does, so that {@link #isCancelled()} is true.
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (super.completeExceptionally(new CancellationException())) {
            stoppedFromOutside(mayInterruptIfRunning, true);
            return true;
        }
        return isCancelled();
    }

    /** Completing the future by hand stops the retries as {@link #cancel} does. */
    @Override
    public boolean complete(T value) {
        if (super.complete(value)) {
            stoppedFromOutside(true, false);
            return true;
        }
        return false;
    }

    /** Completing the future by hand (or by {@code orTimeout}) stops the retries as {@link #cancel} does. */
    @Override
    public boolean completeExceptionally(Throwable failure) {
        if (super.completeExceptionally(failure)) {
            stoppedFromOutside(true, failure instanceof CancellationException);
            return true;
        }
        return false;
    }

    private void stoppedFromOutside(boolean mayInterruptIfRunning, boolean cancelled) {
        Future<?> timer = scheduled;
        if (timer != null) {
            timer.cancel(false);
        }
        CompletionStage<T> stage = inFlight;
        boolean wasRunning = stage != null && cancelQuietly(stage, mayInterruptIfRunning);
        retry.countFailed(attempts);
        if (cancelled) {
            retry.listeners().cancelled(wasRunning);
        }
    }

    /**
     * Cancels a stage through its {@code toCompletableFuture()}, if it can be.
     *
     * @return whether the stage was still running, as far as can be told
     */
    private static boolean cancelQuietly(CompletionStage<?> stage, boolean mayInterruptIfRunning) {
        try {
            CompletableFuture<?> future = stage.toCompletableFuture();
            boolean running = !future.isDone();
            future.cancel(mayInterruptIfRunning);
            return running;
        } catch (UnsupportedOperationException notConvertible) {
            return true; // it cannot be cancelled from here, nor asked whether it is done
        }
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }

    private static final VarHandle PENDING_STARTS;

    static {
        try {
            PENDING_STARTS = MethodHandles.lookup().findVarHandle(RetryingFuture.class, "pendingStarts", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
