package dev.watertight.stress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watertight.Backoff;
import dev.watertight.Retry;
import dev.watertight.RetryStats;
import dev.watertight.testing.ManualTimeSource;
import dev.watertight.testing.RetryCheck;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * Many threads against one {@link Retry} whose dependency always fails: retries never exceed the
 * budget's guarantee, {@code retries <= ratio × calls + minRetriesPerSecond × (T + window)}, and
 * every asynchronous call is counted exactly once however cancellation and completion race.
 *
 * <p>The guarantee is exact, not approximate (see {@code RetryBudgetWindow}), so the assertions
 * use it with no slack beyond floating-point rounding.
 */
class RetryBudgetStressTest {
    private static final int THREADS = 8;
    private static final IOException FAILURE = new IOException("dependency down");

    private static void failingCall(Retry retry, LongAdder attempts) {
        try {
            retry.call(() -> {
                attempts.increment();
                throw FAILURE;
            });
        } catch (Exception expected) {
            // every call fails: that is the scenario
        }
    }

    @Test
    void withTheClockStillManyThreadsNeverOverdrawTheBudget() throws Exception {
        ManualTimeSource time = new ManualTimeSource();
        Retry retry = Retry.builder("frozen").maxAttempts(5).backoff(Backoff.none())
                .budget(0.1, 10, Duration.ofSeconds(1)).timeSource(time).build();
        LongAdder attempts = new LongAdder();

        Concurrently.run(THREADS, index -> {
            for (int i = 0; i < 5_000; i++) {
                failingCall(retry, attempts);
            }
        });

        RetryStats stats = retry.stats();
        RetryCheck.assertAddsUp(stats);
        long calls = THREADS * 5_000L;
        assertThat(stats.calls()).isEqualTo(calls);
        assertThat(stats.failed()).isEqualTo(calls);
        assertThat(attempts.sum()).isEqualTo(calls + stats.retries());
        // One window, no time passing: at most ratio × calls + reserve, to the retry.
        assertThat(stats.retries()).isLessThanOrEqualTo((long) (0.1 * calls + 10));
        // And the budget is really spent, not refused out of caution (each call wants retries).
        assertThat(stats.retries()).isGreaterThanOrEqualTo((long) (0.1 * calls) - THREADS);
        assertThat(stats.retriesDeniedByBudget()).isPositive();
    }

    @Test
    void onTheSystemClockRetriesStayWithinTheBudgetOverTime() throws Exception {
        long start = System.nanoTime();
        Retry retry = Retry.builder("real-time").maxAttempts(3).backoff(Backoff.none())
                .budget(0.1, 20, Duration.ofMillis(100)).build();
        LongAdder attempts = new LongAdder();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(600);

        Concurrently.run(THREADS, index -> {
            while (System.nanoTime() - deadline < 0) {
                failingCall(retry, attempts);
            }
        });
        double seconds = (System.nanoTime() - start) / 1e9;

        RetryStats stats = retry.stats();
        RetryCheck.assertAddsUp(stats);
        double bound = 0.1 * stats.calls() + 20 * (seconds + 0.1);
        assertThat((double) stats.retries())
                .as("retries of %d calls in %.3f s", stats.calls(), seconds)
                .isLessThanOrEqualTo(bound + 1e-6);
        assertThat(stats.retries()).isPositive();
        assertThat(attempts.sum()).isEqualTo(stats.calls() + stats.retries());
    }

    @Test
    void withTheClockMovedByAnotherThreadRetriesStayWithinTheBudget() throws Exception {
        ManualTimeSource time = new ManualTimeSource();
        Retry retry = Retry.builder("moving").maxAttempts(4).backoff(Backoff.none())
                .budget(0.2, 5, Duration.ofMillis(200)).timeSource(time).build();
        LongAdder attempts = new LongAdder();
        LongAdder advancedMillis = new LongAdder();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread clock = Thread.ofPlatform().name("clock").start(() -> {
            while (running.get()) {
                long step = ThreadLocalRandom.current().nextLong(0, 30);
                time.advance(step, TimeUnit.MILLISECONDS);
                advancedMillis.add(step);
                Thread.onSpinWait();
            }
        });

        Concurrently.run(THREADS - 1, index -> {
            for (int i = 0; i < 4_000; i++) {
                if (ThreadLocalRandom.current().nextInt(10) == 0) {
                    retry.call(() -> "ok"); // a few successes earn retries too
                } else {
                    failingCall(retry, attempts);
                }
            }
        });
        running.set(false);
        clock.join();

        RetryStats stats = retry.stats();
        RetryCheck.assertAddsUp(stats);
        assertThat(stats.calls()).isEqualTo((THREADS - 1) * 4_000L);
        double bound = 0.2 * stats.calls() + 5 * (advancedMillis.sum() + 200) / 1000.0;
        assertThat((double) stats.retries())
                .as("retries of %d calls over %d ms", stats.calls(), advancedMillis.sum())
                .isLessThanOrEqualTo(bound + 1e-6);
    }

    @Test
    void everyAsynchronousCallIsCountedOnceWhateverRacesToEndIt() throws Exception {
        ManualTimeSource time = new ManualTimeSource();
        Retry retry = Retry.builder("async-races").maxAttempts(3).backoff(Backoff.none()).noBudget()
                .timeSource(time).build();
        Queue<CompletableFuture<String>> pendingStages = new ConcurrentLinkedQueue<>();
        Queue<CompletableFuture<String>> allResults = new ConcurrentLinkedQueue<>();
        int perThread = 5_000;

        Concurrently.run(THREADS, index -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < perThread; i++) {
                if (index % 2 == 0) {
                    // Callers: start a call whose attempts wait for someone else to end them,
                    // and sometimes cancel it at once.
                    CompletableFuture<String> result = retry.callAsync(() -> {
                        CompletableFuture<String> stage = new CompletableFuture<>();
                        pendingStages.add(stage);
                        return stage;
                    });
                    allResults.add(result);
                    if (random.nextInt(4) == 0) {
                        result.cancel(true);
                    }
                } else {
                    // Completers: end attempts with a failure (which retries at once, on this
                    // thread) or a success.
                    CompletableFuture<String> stage = pendingStages.poll();
                    if (stage != null) {
                        if (random.nextBoolean()) {
                            stage.completeExceptionally(FAILURE);
                        } else {
                            stage.complete("ok");
                        }
                    }
                }
            }
        });
        // End whatever is left; a failure retries at once and queues its next stage, which this
        // loop then ends too, until no call has an attempt left.
        for (CompletableFuture<String> stage; (stage = pendingStages.poll()) != null; ) {
            stage.completeExceptionally(FAILURE);
        }
        List<CompletableFuture<String>> results = new ArrayList<>(allResults);

        assertThat(results).hasSize(THREADS / 2 * perThread).allMatch(CompletableFuture::isDone);
        long succeeded = results.stream().filter(f -> !f.isCompletedExceptionally()).count();
        RetryStats stats = retry.stats();
        RetryCheck.assertAddsUp(stats);
        assertThat(stats.calls()).isEqualTo(results.size());
        assertThat(stats.succeeded()).isEqualTo(succeeded);
        assertThat(stats.failed()).isEqualTo(results.size() - succeeded);
        assertThat(time.pending()).isZero();
    }
}
