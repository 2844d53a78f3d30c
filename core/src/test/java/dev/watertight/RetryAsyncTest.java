package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.watertight.testing.ManualTimeSource;
import dev.watertight.testing.RetryCheck;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The asynchronous path of {@link Retry}: {@code callAsync}, driven by a hand-moved clock. */
class RetryAsyncTest {
    @RegisterExtension
    final RetryCheck check = new RetryCheck();

    private final ManualTimeSource time = new ManualTimeSource();

    /** Hands out one stage per attempt, remembering each stage and the thread that asked for it. */
    private static final class Attempts<T> implements Supplier<CompletionStage<T>> {
        final List<CompletableFuture<T>> stages = new CopyOnWriteArrayList<>();
        final List<Thread> threads = new CopyOnWriteArrayList<>();

        @Override
        public CompletionStage<T> get() {
            CompletableFuture<T> stage = new CompletableFuture<>();
            threads.add(Thread.currentThread());
            stages.add(stage);
            return stage;
        }

        int count() {
            return stages.size();
        }

        CompletableFuture<T> latest() {
            return stages.get(stages.size() - 1);
        }
    }

    /** Collects the cancellation events a retry reports. */
    private static final class Cancellations implements CompartmentListener {
        final List<Boolean> wasRunning = new CopyOnWriteArrayList<>();

        @Override
        public void onCancelled(String compartment, boolean running) {
            wasRunning.add(running);
        }
    }

    private Retry.Builder fixedSecond(String name) {
        return Retry.builder(name).backoff(Backoff.fixed(Duration.ofSeconds(1))).timeSource(time);
    }

    @Test
    void aFirstAttemptThatSucceedsCompletesTheFutureOnTheCallingThread() {
        Retry retry = check.track(fixedSecond("async").build());
        Attempts<String> attempts = new Attempts<>();

        CompletableFuture<String> result = retry.callAsync(attempts);
        attempts.latest().complete("done");

        assertThat(result).isCompletedWithValue("done");
        assertThat(attempts.threads).containsExactly(Thread.currentThread());
        assertThat(retry.stats()).isEqualTo(new RetryStats("async", 1, 1, 0, 0, 0, 0, 0));
    }

    @Test
    void retriesOnTheTimeSourceWithoutBlockingAnyThread() throws Exception {
        Retry retry = check.track(fixedSecond("async").maxAttempts(3).build());
        Attempts<String> attempts = new Attempts<>();

        CompletableFuture<String> result = retry.callAsync(attempts);
        attempts.latest().completeExceptionally(new IOException("one"));

        // The failure was handled and the retry scheduled on this thread, which is free again:
        // nothing waits for the second attempt, the time source will start it.
        assertThat(result).isNotDone();
        assertThat(attempts.count()).isEqualTo(1);
        assertThat(time.pending()).isEqualTo(1);

        time.advance(999, TimeUnit.MILLISECONDS);
        assertThat(attempts.count()).isEqualTo(1);
        time.advance(1, TimeUnit.MILLISECONDS);
        await().until(() -> attempts.count() == 2);
        attempts.latest().completeExceptionally(new IOException("two"));
        assertThat(time.pending()).isEqualTo(1);
        time.advance(1, TimeUnit.SECONDS);
        await().until(() -> attempts.count() == 3);
        attempts.latest().complete("third time lucky");

        assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("third time lucky");
        assertThat(attempts.threads.get(0)).isSameAs(Thread.currentThread());
        assertThat(attempts.threads.subList(1, 3)).allSatisfy(thread -> {
            assertThat(thread.isVirtual()).isTrue();
            assertThat(thread.getName()).isEqualTo("watertight-async-retry");
        });
        assertThat(retry.stats()).isEqualTo(new RetryStats("async", 1, 0, 1, 0, 0, 2, 0));
    }

    @Test
    void givesUpAfterMaxAttemptsWithTheLastFailureUnwrapped() {
        Retry retry = check.track(Retry.builder("async").maxAttempts(3).backoff(Backoff.none())
                .timeSource(time).build());
        AtomicInteger attempts = new AtomicInteger();
        IOException last = new IOException("attempt 3");

        CompletableFuture<Object> result = retry.callAsync(() -> {
            int attempt = attempts.incrementAndGet();
            // A dependent stage that throws fails with a CompletionException around the failure.
            return CompletableFuture.completedFuture(attempt).thenApply(n -> {
                throw new java.io.UncheckedIOException(n == 3 ? last : new IOException("attempt " + n));
            });
        });

        assertThat(result).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(java.io.UncheckedIOException.class).havingCause().isSameAs(last);
        assertThat(attempts).hasValue(3);
        assertThat(retry.stats()).isEqualTo(new RetryStats("async", 1, 0, 0, 0, 1, 2, 0));
    }

    @Test
    void retriesWithoutWaitingOnTheCompletingThreadWithoutDeepeningTheStack() {
        Retry retry = check.track(Retry.builder("tight-loop").maxAttempts(20_000).backoff(Backoff.none())
                .noBudget().timeSource(time).build());
        AtomicInteger attempts = new AtomicInteger();
        AtomicInteger deepestStack = new AtomicInteger();
        int startingDepth = Thread.currentThread().getStackTrace().length;

        // Every stage fails at once, so each retry is decided inside the previous attempt's call.
        CompletableFuture<String> result = retry.callAsync(() -> {
            int attempt = attempts.incrementAndGet();
            if (attempt % 100 == 0) {
                deepestStack.accumulateAndGet(Thread.currentThread().getStackTrace().length, Math::max);
            }
            return attempt < 20_000
                    ? CompletableFuture.failedFuture(new IOException("still down"))
                    : CompletableFuture.completedFuture("up");
        });

        assertThat(result).isCompletedWithValue("up");
        assertThat(attempts).hasValue(20_000);
        assertThat(deepestStack.get() - startingDepth).as("frames added by retrying").isLessThan(40);
    }

    @Test
    void aSupplierThatThrowsFailsThatAttemptOnly() {
        Retry retry = check.track(Retry.builder("async").backoff(Backoff.none()).timeSource(time).build());
        AtomicInteger attempts = new AtomicInteger();

        CompletableFuture<String> result = retry.callAsync(() -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("no connection yet");
            }
            return CompletableFuture.completedFuture("connected");
        });

        assertThat(result).isCompletedWithValue("connected");
        assertThat(attempts).hasValue(2);
    }

    @Test
    void aSupplierThatReturnsNullFailsWithAClearMessage() {
        Retry retry = check.track(Retry.builder("async").maxAttempts(1).timeSource(time).build());

        CompletableFuture<Object> result = retry.callAsync(() -> null);

        assertThat(result).failsWithin(Duration.ZERO).withThrowableThat().havingCause()
                .isInstanceOf(NullPointerException.class)
                .withMessageContaining("returned null instead of a CompletionStage");
    }

    @Test
    @SuppressWarnings("try") // the permit only keeps the inner bulkhead full
    void neverRetriesARejectionOfAnInnerGuard() throws Exception {
        Bulkhead bulkhead = Bulkhead.of("inner", 1);
        Retry retry = check.track(fixedSecond("outer").retryOn(failure -> true).build());
        AtomicInteger attempts = new AtomicInteger();

        CompletableFuture<String> result;
        try (Bulkhead.Permit held = bulkhead.acquire()) {
            result = retry.callAsync(() -> {
                attempts.incrementAndGet();
                return bulkhead.callAsync(() -> CompletableFuture.completedFuture("never"));
            });
        }

        assertThat(result).failsWithin(Duration.ZERO).withThrowableThat().havingCause()
                .isInstanceOf(BulkheadFullException.class);
        assertThat(attempts).hasValue(1);
        assertThat(time.pending()).isZero();
    }

    @Test
    void cancellingWhileAnAttemptRunsCancelsItAndStopsTheRetries() {
        Cancellations cancellations = new Cancellations();
        Retry retry = check.track(fixedSecond("cancelled").listener(cancellations).build());
        Attempts<String> attempts = new Attempts<>();
        CompletableFuture<String> result = retry.callAsync(attempts);

        assertThat(result.cancel(true)).isTrue();
        assertThat(result.cancel(true)).isTrue();

        assertThat(attempts.latest()).isCancelled();
        assertThat(time.pending()).isZero();
        assertThat(attempts.count()).isEqualTo(1);
        assertThat(cancellations.wasRunning).containsExactly(true);
        assertThatThrownBy(result::join).isInstanceOf(CancellationException.class);
        assertThat(retry.stats()).isEqualTo(new RetryStats("cancelled", 1, 0, 0, 1, 0, 0, 0));
    }

    @Test
    void cancellingWhileWaitingUnschedulesTheNextAttempt() {
        Cancellations cancellations = new Cancellations();
        Retry retry = check.track(fixedSecond("cancelled").listener(cancellations).build());
        Attempts<String> attempts = new Attempts<>();
        CompletableFuture<String> result = retry.callAsync(attempts);
        attempts.latest().completeExceptionally(new IOException("down"));
        assertThat(time.pending()).isEqualTo(1);

        result.cancel(false);
        time.advance(1, TimeUnit.HOURS);

        assertThat(time.pending()).isZero();
        assertThat(attempts.count()).isEqualTo(1);
        assertThat(cancellations.wasRunning).containsExactly(false);
        assertThat(result).isCancelled();
        assertThat(retry.stats().failedWithoutRetry()).isEqualTo(1);
    }

    @Test
    void cancellingAfterARetryCountsTheCallAsFailedAfterRetry() throws Exception {
        Retry retry = check.track(fixedSecond("cancelled").build());
        Attempts<String> attempts = new Attempts<>();
        CompletableFuture<String> result = retry.callAsync(attempts);
        attempts.latest().completeExceptionally(new IOException("down"));
        time.advance(1, TimeUnit.SECONDS);
        await().until(() -> attempts.count() == 2);

        result.cancel(true);

        assertThat(attempts.latest()).isCancelled();
        assertThat(retry.stats()).isEqualTo(new RetryStats("cancelled", 1, 0, 0, 0, 1, 1, 0));
    }

    @Test
    void aTimeoutOnTheReturnedFutureStopsTheRetries() {
        Retry retry = check.track(fixedSecond("timed").build());
        Attempts<String> attempts = new Attempts<>();
        CompletableFuture<String> result = retry.callAsync(attempts);
        attempts.latest().completeExceptionally(new IOException("down"));

        result.completeExceptionally(new TimeoutException("caller gave up"));
        time.advance(1, TimeUnit.HOURS);

        assertThat(attempts.count()).isEqualTo(1);
        assertThat(result).isCompletedExceptionally().isNotCancelled();
        assertThat(retry.stats().failedWithoutRetry()).isEqualTo(1);
    }

    @Test
    void anOutcomeAfterTheCallEndedIsIgnored() {
        Retry retry = check.track(fixedSecond("late").build());
        Attempts<String> attempts = new Attempts<>();
        CompletableFuture<String> result = retry.callAsync(attempts);
        result.complete("given up");

        attempts.latest().completeExceptionally(new IOException("late failure"));

        assertThat(time.pending()).isZero();
        assertThat(result).isCompletedWithValue("given up");
        assertThat(retry.stats().calls()).isEqualTo(1);
    }

    @Test
    void retryOnResultRetriesAsynchronousResults() {
        Retry retry = check.track(Retry.builder("status").backoff(Backoff.none()).timeSource(time)
                .retryOnResult(status -> status.equals(503)).build());
        AtomicInteger attempts = new AtomicInteger();

        CompletableFuture<Integer> result = retry.callAsync(
                () -> CompletableFuture.completedFuture(attempts.incrementAndGet() < 3 ? 503 : 200));

        assertThat(result).isCompletedWithValue(200);
        assertThat(retry.stats()).isEqualTo(new RetryStats("status", 1, 0, 1, 0, 0, 2, 0));
    }

    @Test
    void aSpentBudgetEndsTheAsynchronousCallWithItsLastFailure() {
        Retry retry = check.track(Retry.builder("budgeted").backoff(Backoff.none()).timeSource(time)
                .budget(0.0, 0, Duration.ofSeconds(1)).build());
        IOException failure = new IOException("down");

        CompletableFuture<Object> result = retry.callAsync(() -> CompletableFuture.failedFuture(failure));

        assertThat(result).failsWithin(Duration.ZERO).withThrowableThat().havingCause().isSameAs(failure);
        assertThat(retry.stats()).isEqualTo(new RetryStats("budgeted", 1, 0, 0, 1, 0, 0, 1));
    }

    @Test
    void dependentStagesOfTheReturnedFutureArePlainFutures() {
        Retry retry = check.track(fixedSecond("plain").build());
        CompletableFuture<String> result = retry.callAsync(() -> CompletableFuture.completedFuture("x"));

        CompletableFuture<Integer> dependent = result.thenApply(String::length);

        assertThat(dependent.getClass()).isEqualTo(CompletableFuture.class);
        assertThat(dependent).isCompletedWithValue(1);
    }
}
