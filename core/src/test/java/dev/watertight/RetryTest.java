package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.watertight.testing.ManualTimeSource;
import dev.watertight.testing.RetryCheck;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The blocking path of {@link Retry}: {@code call} and {@code run}. */
class RetryTest {
    @RegisterExtension
    final RetryCheck check = new RetryCheck();

    private final ManualTimeSource time = new ManualTimeSource();

    /** A task that throws the given failures, one per attempt, in order, and then returns "ok". */
    static final class Flaky implements Callable<String>, Runnable {
        private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        final AtomicInteger attempts = new AtomicInteger();

        Flaky(Throwable... failures) {
            this.failures.addAll(List.of(failures));
        }

        @Override
        public String call() throws Exception {
            attempts.incrementAndGet();
            Throwable next = failures.poll();
            if (next instanceof Exception exception) {
                throw exception;
            }
            if (next instanceof Error error) {
                throw error;
            }
            return "ok";
        }

        @Override
        public void run() {
            try {
                call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("a Runnable test task threw a checked exception", e);
            }
        }
    }

    private Retry.Builder immediate(String name) {
        return Retry.builder(name).backoff(Backoff.none()).timeSource(time);
    }

    /** Runs {@code retry.call(task)} on a thread of its own, for tests that move time meanwhile. */
    private static <T> CompletableFuture<T> callOnAnotherThread(Retry retry, Callable<T> task) {
        return onAnotherThread(() -> retry.call(task));
    }

    private static <T> CompletableFuture<T> onAnotherThread(Callable<T> work) {
        CompletableFuture<T> outcome = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                outcome.complete(work.call());
            } catch (Throwable failure) {
                outcome.completeExceptionally(failure);
            }
        });
        return outcome;
    }

    @Test
    void returnsTheFirstResultWithoutRetryingAndCountsIt() throws Exception {
        Retry retry = check.track(immediate("orders").build());
        Flaky task = new Flaky();

        assertThat(retry.call(task)).isEqualTo("ok");

        assertThat(task.attempts).hasValue(1);
        assertThat(retry.stats()).isEqualTo(new RetryStats("orders", 1, 1, 0, 0, 0, 0, 0));
    }

    @Test
    void retriesAFailureUntilAnAttemptSucceeds() throws Exception {
        Retry retry = check.track(immediate("orders").maxAttempts(3).build());
        Flaky task = new Flaky(new IOException("one"), new IOException("two"));

        assertThat(retry.call(task)).isEqualTo("ok");

        assertThat(task.attempts).hasValue(3);
        assertThat(retry.stats()).isEqualTo(new RetryStats("orders", 1, 0, 1, 0, 0, 2, 0));
    }

    @Test
    void givesUpAfterMaxAttemptsWithTheLastFailureUnchanged() {
        Retry retry = check.track(immediate("orders").maxAttempts(3).build());
        IOException last = new IOException("three");
        Flaky task = new Flaky(new IOException("one"), new IOException("two"), last);

        assertThatThrownBy(() -> retry.call(task)).isSameAs(last);

        assertThat(task.attempts).hasValue(3);
        assertThat(last.getSuppressed()).isEmpty();
        assertThat(retry.stats()).isEqualTo(new RetryStats("orders", 1, 0, 0, 0, 1, 2, 0));
    }

    @Test
    void maxAttemptsOfOneNeverRetries() {
        Retry retry = check.track(immediate("once").maxAttempts(1).build());
        Flaky task = new Flaky(new IOException("down"));

        assertThatThrownBy(() -> retry.call(task)).hasMessage("down");

        assertThat(task.attempts).hasValue(1);
        assertThat(retry.stats().failedWithoutRetry()).isEqualTo(1);
    }

    @Test
    void neverRetriesAnErrorByDefault() {
        Retry retry = check.track(immediate("orders").build());
        AssertionError error = new AssertionError("broken invariant");
        Flaky task = new Flaky(error);

        assertThatThrownBy(() -> retry.call(task)).isSameAs(error);

        assertThat(task.attempts).hasValue(1);
        assertThat(retry.stats().failedWithoutRetry()).isEqualTo(1);
    }

    @Test
    void retriesOnlyTheFailuresThatRetryOnAccepts() throws Exception {
        Retry retry = check.track(immediate("io-only")
                .retryOn(failure -> failure instanceof IOException).build());
        Flaky transientThenOk = new Flaky(new IOException("reset"));
        IllegalArgumentException bug = new IllegalArgumentException("bad request");
        Flaky notRetryable = new Flaky(bug);

        assertThat(retry.call(transientThenOk)).isEqualTo("ok");
        assertThatThrownBy(() -> retry.call(notRetryable)).isSameAs(bug);

        assertThat(transientThenOk.attempts).hasValue(2);
        assertThat(notRetryable.attempts).hasValue(1);
    }

    @Test
    void retriesAnErrorWhenRetryOnAsksForIt() throws Exception {
        Retry retry = check.track(immediate("errors").retryOn(failure -> true).build());
        Flaky task = new Flaky(new StackOverflowError());

        assertThat(retry.call(task)).isEqualTo("ok");
        assertThat(task.attempts).hasValue(2);
    }

    @Test
    @SuppressWarnings("try") // the permit only keeps the inner bulkhead full
    void neverRetriesARejectionOfAnInnerGuardEvenWhenRetryOnAcceptsEverything() throws Exception {
        Bulkhead bulkhead = Bulkhead.of("inner", 1);
        Retry retry = check.track(immediate("outer").maxAttempts(5).retryOn(failure -> true).build());
        AtomicInteger attempts = new AtomicInteger();

        try (Bulkhead.Permit held = bulkhead.acquire()) {
            assertThatThrownBy(() -> retry.call(() -> {
                attempts.incrementAndGet();
                return bulkhead.call(() -> "never");
            })).isInstanceOf(BulkheadFullException.class);
        }

        assertThat(attempts).hasValue(1);
        assertThat(bulkhead.stats().rejected()).isEqualTo(1);
        assertThat(retry.stats()).isEqualTo(new RetryStats("outer", 1, 0, 0, 1, 0, 0, 0));
    }

    @Test
    void neverRetriesARejectionWrappedByAFuture() {
        Retry retry = check.track(immediate("outer").maxAttempts(5).build());
        BulkheadFullException rejection = BulkheadFullException.ofBulkhead("inner", 1, 0, 0, false, false);
        ExecutionException fromGet = new ExecutionException(rejection);
        CompletionException fromJoin = new CompletionException(rejection);
        Flaky viaGet = new Flaky(fromGet);
        Flaky viaJoin = new Flaky(fromJoin);

        assertThatThrownBy(() -> retry.call(viaGet)).isSameAs(fromGet);
        assertThatThrownBy(() -> retry.call(viaJoin)).isSameAs(fromJoin);

        assertThat(viaGet.attempts).hasValue(1);
        assertThat(viaJoin.attempts).hasValue(1);
    }

    @Test
    void retriesRejectionsOnlyWhenExplicitlyAllowed() throws Exception {
        Retry retry = check.track(immediate("per-caller-limit").retryRejections(true).build());
        Flaky task = new Flaky(new CompartmentClosedException("inner", false, false));

        assertThat(retry.call(task)).isEqualTo("ok");
        assertThat(task.attempts).hasValue(2);
    }

    @Test
    void neverRetriesAnInterruptedException() {
        Retry retry = check.track(immediate("orders").retryOn(failure -> true).build());
        InterruptedException interrupt = new InterruptedException();
        Flaky task = new Flaky(interrupt);

        assertThatThrownBy(() -> retry.call(task)).isSameAs(interrupt);
        assertThat(task.attempts).hasValue(1);
    }

    @Test
    void stopsRetryingWhenAnAttemptLeavesTheThreadInterrupted() {
        Retry retry = check.track(immediate("orders").build());
        IOException failure = new IOException("read interrupted");

        try {
            assertThatThrownBy(() -> retry.call(() -> {
                Thread.currentThread().interrupt();
                throw failure;
            })).isSameAs(failure);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(retry.stats().failedWithoutRetry()).isEqualTo(1);
    }

    @Test
    void waitsTheFixedBackoffOnTheTimeSourceBetweenAttempts() throws Exception {
        Retry retry = check.track(Retry.builder("fixed").backoff(Backoff.fixed(Duration.ofSeconds(1)))
                .timeSource(time).build());
        Flaky task = new Flaky(new IOException("one"), new IOException("two"));

        CompletableFuture<String> outcome = callOnAnotherThread(retry, task);
        await().until(() -> time.pending() == 1);
        time.advance(999, TimeUnit.MILLISECONDS);
        assertThat(task.attempts).hasValue(1);
        time.advance(1, TimeUnit.MILLISECONDS);
        await().until(() -> task.attempts.get() == 2 && time.pending() == 1);
        time.advance(1, TimeUnit.SECONDS);

        assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThat(task.attempts).hasValue(3);
        assertThat(time.pending()).isZero();
    }

    @Test
    void exponentialWaitsGrowUpToTheirMaximum() throws Exception {
        Retry retry = check.track(Retry.builder("exponential").maxAttempts(5)
                .backoff(Backoff.exponential(Duration.ofMillis(100), 2.0, Duration.ofMillis(300)))
                .timeSource(time).build());
        Flaky task = new Flaky(new IOException("1"), new IOException("2"), new IOException("3"),
                new IOException("4"));

        CompletableFuture<String> outcome = callOnAnotherThread(retry, task);
        int attempt = 1;
        for (long expectedWait : new long[] {100, 200, 300, 300}) {
            int current = attempt;
            await().until(() -> task.attempts.get() == current && time.pending() == 1);
            time.advance(expectedWait - 1, TimeUnit.MILLISECONDS);
            assertThat(task.attempts).as("attempt %d started early", current + 1).hasValue(current);
            time.advance(1, TimeUnit.MILLISECONDS);
            attempt++;
        }

        assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThat(task.attempts).hasValue(5);
    }

    @Test
    void interruptWhileWaitingStopsAtOnceWithTheLastFailureAndTheInterruptStatusSet() throws Exception {
        Retry retry = check.track(Retry.builder("interrupted").backoff(Backoff.fixed(Duration.ofHours(1)))
                .timeSource(time).build());
        IOException failure = new IOException("down");
        Flaky task = new Flaky(failure, new IOException("never attempted"));
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        CompletableFuture<Boolean> interruptStatus = new CompletableFuture<>();
        Thread caller = Thread.ofPlatform().start(() -> {
            try {
                retry.call(task);
            } catch (Throwable e) {
                thrown.complete(e);
            }
            interruptStatus.complete(Thread.currentThread().isInterrupted());
        });
        await().until(() -> time.pending() == 1);

        caller.interrupt();
        caller.join();

        assertThat(thrown.get()).isSameAs(failure);
        assertThat(interruptStatus.get()).isTrue();
        assertThat(task.attempts).hasValue(1);
        assertThat(time.pending()).as("the wake-up is unscheduled").isZero();
        assertThat(retry.stats()).isEqualTo(new RetryStats("interrupted", 1, 0, 0, 1, 0, 0, 0));
    }

    @Test
    void interruptWhileWaitingOnTheSystemClockStopsAtOnce() throws Exception {
        Retry retry = check.track(Retry.builder("system-clock").backoff(Backoff.fixed(Duration.ofHours(1)))
                .build());
        IOException failure = new IOException("down");
        Flaky task = new Flaky(failure, new IOException("never attempted"));
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        Thread caller = Thread.ofPlatform().start(() -> {
            try {
                retry.call(task);
            } catch (Throwable e) {
                thrown.complete(e);
            }
        });
        await().until(() -> caller.getState() == Thread.State.TIMED_WAITING);

        caller.interrupt();

        assertThat(thrown.get(10, TimeUnit.SECONDS)).isSameAs(failure);
        caller.join();
        assertThat(task.attempts).hasValue(1);
    }

    @Test
    void aCallerAlreadyInterruptedIsNotRetried() {
        Retry retry = check.track(Retry.builder("pre-interrupted").backoff(Backoff.fixed(Duration.ofHours(1)))
                .timeSource(time).build());
        Flaky task = new Flaky(new IOException("down"));

        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> retry.call(task)).hasMessage("down");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(time.pending()).isZero();
    }

    @Test
    void runRetriesAndRethrowsTheLastFailureUnchanged() {
        Retry retry = check.track(immediate("run").build());
        UncheckedIOException last = new UncheckedIOException(new IOException("three"));
        Flaky task = new Flaky(new IllegalStateException("one"), new IllegalStateException("two"), last);

        assertThatThrownBy(() -> retry.run(task)).isSameAs(last);
        assertThat(task.attempts).hasValue(3);

        Flaky recovering = new Flaky(new IllegalStateException("once"));
        retry.run(recovering);
        assertThat(recovering.attempts).hasValue(2);
        assertThat(retry.stats()).isEqualTo(new RetryStats("run", 2, 0, 1, 0, 1, 3, 0));
    }

    @Test
    void retryOnResultRetriesRejectedResultsAndReturnsTheLastWhenAttemptsRunOut() throws Exception {
        Retry retry = check.track(immediate("status").maxAttempts(3)
                .retryOnResult(result -> result.equals(503)).build());
        AtomicInteger attempts = new AtomicInteger();

        Integer result = retry.call(() -> {
            attempts.incrementAndGet();
            return 503;
        });

        assertThat(result).isEqualTo(503);
        assertThat(attempts).hasValue(3);
        assertThat(retry.stats()).isEqualTo(new RetryStats("status", 1, 0, 0, 0, 1, 2, 0));
    }

    @Test
    void retryOnResultAcceptsALaterGoodResult() throws Exception {
        Retry retry = check.track(immediate("status").retryOnResult(result -> result == null).build());
        AtomicInteger attempts = new AtomicInteger();

        String answer = retry.call(() -> attempts.incrementAndGet() == 1 ? null : "ready");

        assertThat(answer).isEqualTo("ready");
        assertThat(attempts).hasValue(2);
        assertThat(retry.stats()).isEqualTo(new RetryStats("status", 1, 0, 1, 0, 0, 1, 0));
    }

    @Test
    void runIgnoresRetryOnResult() {
        Retry retry = check.track(immediate("run").retryOnResult(result -> true).build());
        AtomicInteger runs = new AtomicInteger();

        retry.run(runs::incrementAndGet);

        assertThat(runs).hasValue(1);
        assertThat(retry.stats().succeededWithoutRetry()).isEqualTo(1);
    }

    @Test
    void aRetryOnPredicateThatThrowsFailsTheCallWithWhatItThrew() {
        IllegalStateException predicateBug = new IllegalStateException("predicate bug");
        Retry retry = check.track(immediate("buggy").retryOn(failure -> {
            throw predicateBug;
        }).build());
        IOException failure = new IOException("down");

        assertThatThrownBy(() -> retry.call(new Flaky(failure))).isSameAs(predicateBug);

        assertThat(predicateBug.getSuppressed()).containsExactly(failure);
        assertThat(retry.stats().failedWithoutRetry()).isEqualTo(1);
    }

    @Test
    void aRetryOnResultPredicateThatThrowsFailsTheCall() {
        IllegalStateException predicateBug = new IllegalStateException("predicate bug");
        Retry retry = check.track(immediate("buggy").retryOnResult(result -> {
            throw predicateBug;
        }).build());

        assertThatThrownBy(() -> retry.call(() -> "ok")).isSameAs(predicateBug);
        assertThat(retry.stats().failedWithoutRetry()).isEqualTo(1);
    }

    @Test
    void theSuccessPathNeverReadsTheClockNorSchedules() throws Exception {
        AtomicInteger clockReads = new AtomicInteger();
        AtomicInteger schedules = new AtomicInteger();
        TimeSource counting = new TimeSource() {
            @Override
            public long nanoTime() {
                clockReads.incrementAndGet();
                return time.nanoTime();
            }

            @Override
            public Future<?> schedule(Runnable action, long delayNanos) {
                schedules.incrementAndGet();
                return time.schedule(action, delayNanos);
            }
        };
        Retry retry = check.track(Retry.builder("quiet").timeSource(counting).build());
        int readsWhenBuilt = clockReads.get();

        for (int i = 0; i < 1_000; i++) {
            retry.call(() -> "ok");
            retry.run(() -> {});
        }

        assertThat(clockReads.get()).isEqualTo(readsWhenBuilt);
        assertThat(schedules).hasValue(0);
        assertThat(retry.stats().succeededWithoutRetry()).isEqualTo(2_000);
    }

    @Test
    void theSuccessPathAllocatesNothing() throws Exception {
        Retry retry = check.track(Retry.builder("lean").timeSource(time).build());
        Callable<String> task = () -> "ok";
        for (int i = 0; i < 20_000; i++) {
            retry.call(task);
        }

        long before = allocatedByThisThread();
        for (int i = 0; i < 100_000; i++) {
            retry.call(task);
        }
        long allocated = allocatedByThisThread() - before;

        assertThat(allocated).as("bytes allocated by 100,000 successful calls").isLessThan(100_000);
    }

    /**
     * The JDK's count of bytes this thread allocated. Reached by reflection: the tests compile
     * inside the core module, which reads nothing but java.base, and run on the class path.
     */
    private static long allocatedByThisThread() throws ReflectiveOperationException {
        Object threads = Class.forName("java.lang.management.ManagementFactory")
                .getMethod("getThreadMXBean").invoke(null);
        return (long) Class.forName("com.sun.management.ThreadMXBean")
                .getMethod("getCurrentThreadAllocatedBytes").invoke(threads);
    }

    @Test
    void theJavadocExampleWorks() throws Exception {
        record Stock(String sku, int count) {}
        Flaky connection = new Flaky(new IOException("connection reset"));
        class Client {
            Stock stock(String sku) throws Exception {
                connection.call();
                return new Stock(sku, 7);
            }
        }
        Client client = new Client();
        String sku = "A-1";

        Retry inventory = Retry.builder("inventory")
                .maxAttempts(4)
                .backoff(Backoff.exponential(Duration.ofMillis(50), 2.0, Duration.ofSeconds(2)))
                .retryOn(failure -> failure instanceof IOException)
                .timeSource(time)
                .build();

        CompletableFuture<Stock> stock = onAnotherThread(() -> {
            Stock result = inventory.call(() -> client.stock(sku)); // as in Retry's Javadoc
            return result;
        });
        await().until(() -> time.pending() == 1);
        time.advance(50, TimeUnit.MILLISECONDS);

        assertThat(stock.get(10, TimeUnit.SECONDS)).isEqualTo(new Stock("A-1", 7));
    }

    @Test
    void toStringNamesTheSettings() {
        Retry retry = Retry.builder("described").maxAttempts(4).backoff(Backoff.fixed(Duration.ofMillis(5)))
                .noBudget().build();
        assertThat(retry.toString()).isEqualTo("Retry[described, maxAttempts=4, Backoff.fixed(PT0.005S), no budget]");
        assertThat(retry.name()).isEqualTo("described");
    }
}
