package dev.watertight;

import dev.watertight.internal.BackoffRetry;
import dev.watertight.internal.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A guard that tries a failed call again, after a {@linkplain Backoff backoff}, within a
 * {@linkplain RetryBudget budget} that keeps retries from multiplying the load on a dependency
 * that is already failing.
 *
 * <pre>{@code
 * Retry inventory = Retry.builder("inventory")
 *         .maxAttempts(4)
 *         .backoff(Backoff.exponential(Duration.ofMillis(50), 2.0, Duration.ofSeconds(2)))
 *         .retryOn(failure -> failure instanceof IOException)
 *         .build();
 *
 * Stock stock = inventory.call(() -> client.stock(sku));
 * }</pre>
 *
 * <p>In a composed compartment the retry is the outermost guard, so that each attempt passes
 * through every other guard again:
 * {@code retry.call(() -> breaker.call(() -> bulkhead.call(task)))}.
 *
 * <p><b>What is retried.</b> After a failed attempt, these questions are asked in order, and the
 * first "no" ends the call with that attempt's failure, unchanged:
 * <ol>
 *   <li>Is the caller still willing? An {@link InterruptedException}, or a failure after which
 *       the calling thread is interrupted, is never retried.</li>
 *   <li>Is it a failure of the dependency, not a refusal of a guard? A
 *       {@link CompartmentRejectedException} (a full bulkhead, an open breaker, a rate limit, a
 *       closed compartment), thrown directly or as the cause of a {@code CompletionException} or
 *       {@code ExecutionException}, is not retried unless
 *       {@link Builder#retryRejections(boolean) retryRejections(true)} is set. A guard refuses
 *       precisely to shed load; retrying its refusal puts the load back (Resilience4j #1657).
 *       This holds even for a {@code retryOn} predicate that accepts every exception.</li>
 *   <li>Does {@link Builder#retryOn retryOn} accept it? By default every {@link Exception}, no
 *       {@link Error}.</li>
 *   <li>Is an attempt left ({@link Builder#maxAttempts})?</li>
 *   <li>Does the budget allow one more retry? If not, {@link RetryStats#retriesDeniedByBudget()}
 *       counts the refusal.</li>
 * </ol>
 * A result can be treated as a failure with {@link Builder#retryOnResult}; when no retry is left
 * for it, the call returns that last result.
 *
 * <p><b>Waiting and interrupts.</b> {@link #call} and {@link #run} wait between attempts on the
 * calling thread, parked (a virtual thread unmounts), for the time the {@link TimeSource} says.
 * If the caller is interrupted while it waits, the retry stops at once: the call ends with the
 * last attempt's failure, unchanged, and the thread's interrupt status is set again. The failure
 * is what went wrong; the interrupt status tells the caller why nothing more was tried. (Throwing
 * an {@code InterruptedException} instead would hide the failure, and {@link #run} could not
 * throw one.)
 *
 * <p><b>Asynchronous calls.</b> {@link #callAsync} never blocks a thread: each wait is a task
 * scheduled on the {@link TimeSource}, which starts the next attempt on a new virtual thread (the
 * shared timer never runs user code). A retry without a wait starts on the thread that completed
 * the failed attempt's stage. Cancelling the returned future stops the retries and cancels the
 * attempt in flight.
 *
 * <p><b>The budget, exactly.</b> The budget counts <i>first attempts that have ended</i> (each
 * call's own first try, successful or not) as deposits and retries as withdrawals. Time is cut
 * into buckets of a tenth of {@code budget.window}; a mark is taken the first time a retry is
 * considered in a bucket. A retry is allowed only if, counting it,
 * {@code retries since the oldest mark of the last ten buckets <= retryRatio × first attempts
 * since that mark + minRetriesPerSecond × window}, and that check and the withdrawal are one
 * atomic step, so no number of concurrent callers can overdraw. It follows that from the moment
 * the retry is built, over any time {@code T} of its time source,
 * {@code retries <= retryRatio × first attempts + minRetriesPerSecond × (T + window)}. "Recent"
 * starts at a mark, never before: calls made while no retry was considered (a quiet spell) earn
 * nothing, so after a long healthy stretch the first failures get the floor, not a burst. The
 * budget errs on the side of fewer retries, never more.
 *
 * <p><b>Cost.</b> A call whose first attempt succeeds costs one striped counter increment: no
 * lock, no allocation, no clock read, and the budget is not touched. The clock is read, and the
 * budget consulted, only when a retry is considered. {@link #callAsync} allocates its future.
 *
 * <p><b>Events.</b> Listeners hear {@link CompartmentListener#onCancelled} when a future of
 * {@link #callAsync} is cancelled; {@code wasRunning} says whether an attempt was in flight.
 *
 * <p>Implementations are thread-safe.
 */
public interface Retry {

    /**
     * Starts building a retry.
     *
     * @param name the compartment's name, shown in stats and thread names
     * @return a builder with the defaults: 3 attempts, {@link RetryConfig#DEFAULT_BACKOFF},
     *     every {@link Exception} but rejections retried, {@link RetryBudget#DEFAULT}
     * @throws IllegalArgumentException if the name is null, blank, longer than 128 characters or
     *     contains control characters
     */
    static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * A retry built from settings made beforehand (by a builder's {@link Builder#config()}, or
     * read from a file).
     *
     * @param config the settings
     * @return the retry
     */
    static Retry of(RetryConfig config) {
        return new BackoffRetry(Objects.requireNonNull(config, "config must not be null"));
    }

    /**
     * A retry with the given number of attempts and the other settings at their defaults.
     *
     * @param name the compartment's name
     * @param maxAttempts attempts per call, the first included
     * @return the retry
     */
    static Retry of(String name, int maxAttempts) {
        return builder(name).maxAttempts(maxAttempts).build();
    }

    /** {@return the compartment's name} */
    String name();

    /** {@return the settings in force: those it was built with, as changed since by {@link #reconfigure}} */
    RetryConfig config();

    /**
     * Puts a new {@code maxAttempts} and {@code backoff} in force, for every decision taken
     * afterwards, including the next decision of calls under way (a call that has already made
     * as many attempts as the new {@code maxAttempts} allows stops at its next failure). The retry
     * keeps its predicates, budget, time source and listeners; those of the given config are
     * ignored.
     *
     * @param config the new settings, for instance from {@link Builder#config()}
     * @throws IllegalArgumentException if the config has another name
     */
    void reconfigure(RetryConfig config);

    /**
     * Calls the task until it succeeds or may not be retried, waiting between attempts on this
     * thread.
     *
     * @param task the work, called once per attempt on this thread
     * @param <T> the result type
     * @return what the successful attempt returned (or the last result, if
     *     {@link Builder#retryOnResult} rejected it and no retry was left)
     * @throws Exception the last attempt's failure, unchanged; if the thread was interrupted
     *     while waiting, the failure before the wait, with the interrupt status set again
     */
    <T> T call(Callable<? extends T> task) throws Exception;

    /**
     * Runs the task until it succeeds or may not be retried, waiting between attempts on this
     * thread. {@link Builder#retryOnResult} does not apply: there is no result.
     *
     * @param task the work, run once per attempt on this thread
     * @throws RuntimeException the last attempt's failure, unchanged (likewise an {@link Error});
     *     if the thread was interrupted while waiting, the failure before the wait, with the
     *     interrupt status set again
     */
    void run(Runnable task);

    /**
     * Starts asynchronous work and starts it again when its stage fails, without blocking any
     * thread.
     *
     * <p>The first attempt calls the supplier on this thread. Later attempts call it on a new
     * virtual thread when their wait is over (or, with no wait, on the thread that completed the
     * failed stage), so the supplier should start the work and return, not block.
     *
     * <p>Cancelling the returned future (or completing it by hand, or its {@code orTimeout})
     * stops the retries: a scheduled attempt is unscheduled, and the stage in flight is
     * cancelled through its {@code toCompletableFuture()}. An attempt whose start races with the
     * cancellation may still call the supplier once; its stage is cancelled as soon as it is
     * returned. Such a call counts as failed.
     *
     * @param task starts one attempt and returns its stage; a supplier that throws or returns
     *     null fails that attempt
     * @param <T> the result type
     * @return a future that completes with the first accepted result, or fails with the last
     *     attempt's failure (a stage's {@code CompletionException} wrapper removed)
     */
    <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task);

    /**
     * How many times a {@linkplain CompartmentListener listener} threw. Listener failures are
     * caught and counted here, never passed on to callers.
     *
     * @return the count since the retry was built
     */
    long listenerFailures();

    /** {@return a snapshot of the counters; cheap, and safe to call from any thread at any time} */
    RetryStats stats();

    /**
     * Builds a {@link Retry}. Each setting is checked as it is set, and a bad value fails at once
     * with an {@link IllegalArgumentException} naming the setting, the value and what is allowed.
     * Not thread-safe; a builder may be reused to build several retries.
     */
    final class Builder {
        private final String name;
        private int maxAttempts = RetryConfig.DEFAULT_MAX_ATTEMPTS;
        private Backoff backoff = RetryConfig.DEFAULT_BACKOFF;
        private Predicate<? super Throwable> retryOn = RetryConfig.ANY_EXCEPTION;
        private @Nullable Predicate<Object> retryOnResult;
        private boolean retryRejections;
        private @Nullable RetryBudget budget = RetryBudget.DEFAULT;
        private TimeSource timeSource = TimeSource.system();
        private final List<CompartmentListener> listeners = new ArrayList<>();

        private Builder(String name) {
            this.name = Settings.name(name);
        }

        /**
         * How many times a call may be attempted, the first attempt included.
         *
         * @param maxAttempts from 1 (never retry) to {@value Integer#MAX_VALUE}; default 3
         * @return this builder
         */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = Settings.atLeast("maxAttempts", maxAttempts, 1);
            return this;
        }

        /**
         * How long to wait before each retry.
         *
         * @param backoff the backoff; default {@link RetryConfig#DEFAULT_BACKOFF}
         * @return this builder
         */
        public Builder backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff must not be null");
            return this;
        }

        /**
         * Which failures may be retried. Interrupts are never retried, and rejections of inner
         * guards only with {@link #retryRejections(boolean) retryRejections(true)}, whatever the
         * predicate says. The predicate sees the failure itself (for {@link #callAsync}, without
         * its {@code CompletionException} wrapper); if it throws, the call fails with what it
         * threw, the attempt's failure attached as suppressed.
         *
         * @param retryOn true for a failure to retry; default every {@link Exception}, no
         *     {@link Error}
         * @return this builder
         */
        public Builder retryOn(Predicate<? super Throwable> retryOn) {
            this.retryOn = Objects.requireNonNull(retryOn, "retryOn must not be null");
            return this;
        }

        /**
         * Which results count as failures to retry, such as a response with status 503. When no
         * retry is left, the call returns the last result and counts as failed. Not used by
         * {@link Retry#run}.
         *
         * @param retryOnResult true for a result to retry (it may be given null); by default no
         *     result is retried
         * @return this builder
         */
        public Builder retryOnResult(Predicate<Object> retryOnResult) {
            this.retryOnResult = Objects.requireNonNull(retryOnResult, "retryOnResult must not be null");
            return this;
        }

        /**
         * Whether a {@link CompartmentRejectedException} of an inner guard may be retried (if
         * {@link #retryOn} accepts it too). Off by default, and best left off: a guard refuses a
         * call to shed load, and a retry puts it back. Turn it on only for a guard that refuses
         * for a reason a wait can fix and that is not shared with other callers, such as a
         * per-caller rate limit.
         *
         * @param retryRejections true to let rejections be retried
         * @return this builder
         */
        public Builder retryRejections(boolean retryRejections) {
            this.retryRejections = retryRejections;
            return this;
        }

        /**
         * Limits retries to a share of recent calls plus a floor.
         *
         * @param retryRatio retries allowed per call in the window, from 0.0 to 1000.0
         * @param minRetriesPerSecond retries allowed per second whatever the number of calls
         * @param window how far back "recent" goes, from 10 ms to 1 hour
         * @return this builder
         * @see RetryBudget
         */
        public Builder budget(double retryRatio, int minRetriesPerSecond, Duration window) {
            this.budget = new RetryBudget(retryRatio, minRetriesPerSecond, window);
            return this;
        }

        /**
         * Limits retries to a share of recent calls plus a floor.
         *
         * @param budget the budget; default {@link RetryBudget#DEFAULT}
         * @return this builder
         */
        public Builder budget(RetryBudget budget) {
            this.budget = Objects.requireNonNull(budget, "budget must not be null");
            return this;
        }

        /**
         * Removes the budget: every call may use all its {@code maxAttempts}, however many calls
         * fail. Meant for retries that do not load a shared dependency (say, of a local file).
         *
         * @return this builder
         */
        public Builder noBudget() {
            this.budget = null;
            return this;
        }

        /**
         * Where waits, scheduled retries and the budget's window get their time.
         *
         * @param timeSource the source; default {@link TimeSource#system()}
         * @return this builder
         */
        public Builder timeSource(TimeSource timeSource) {
            this.timeSource = Objects.requireNonNull(timeSource, "timeSource must not be null");
            return this;
        }

        /**
         * Adds a listener for the retry's events.
         *
         * @param listener the listener; called in the order added
         * @return this builder
         */
        public Builder listener(CompartmentListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
            return this;
        }

        /**
         * Builds the retry.
         *
         * @return a new retry, whose budget starts with the floor's reserve only
         */
        public Retry build() {
            return Retry.of(config());
        }

        /**
         * The settings given so far, as a validated immutable config, without building a retry:
         * what a configuration reader passes to {@link Retry#reconfigure}.
         *
         * @return the config
         */
        public RetryConfig config() {
            return new RetryConfig(name, maxAttempts, backoff, retryOn, retryOnResult,
                    retryRejections, budget, timeSource, listeners);
        }
    }
}
