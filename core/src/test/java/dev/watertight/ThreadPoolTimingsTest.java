package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.watertight.testing.CompartmentCheck;
import dev.watertight.testing.ManualTimeSource;
import dev.watertight.testing.RecordingTimings;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a thread pool reports to attached {@link CallTimings}, measured on a clock the test moves. */
class ThreadPoolTimingsTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @RegisterExtension
    final CompartmentCheck check = new CompartmentCheck();

    private final ManualTimeSource time = new ManualTimeSource();

    private ThreadPoolBulkhead pool(int threads, int queueCapacity) {
        return check.track(ThreadPoolBulkhead.builder("reporting").threads(threads).queueCapacity(queueCapacity)
                .timeSource(time).build());
    }

    /** A task that says when it started and then waits for the test to let it finish. */
    private static final class Blocker {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch finish = new CountDownLatch(1);

        String run() throws InterruptedException {
            started.countDown();
            finish.await();
            return "blocked";
        }

        void awaitStarted() throws InterruptedException {
            assertThat(started.await(10, TimeUnit.SECONDS)).as("the blocker started").isTrue();
        }
    }

    @Test
    void aQueuedTaskReportsExactlyTheTimeItWasHeldBackAndEachTaskItsRunningTime() throws Exception {
        ThreadPoolBulkhead pool = pool(1, 5);
        RecordingTimings timings = new RecordingTimings();
        pool.recordTimings(timings);
        Blocker blocker = new Blocker();

        CompletableFuture<String> first = pool.submit(blocker::run);
        blocker.awaitStarted();
        CompletableFuture<String> queued = pool.submit(() -> "queued");
        time.advance(5, TimeUnit.SECONDS);
        blocker.finish.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("blocked");
        assertThat(queued.get(10, TimeUnit.SECONDS)).isEqualTo("queued");
        assertThat(timings.waits()).containsExactly(0L, 5 * SECOND);
        assertThat(timings.runs()).containsExactly(5 * SECOND, 0L);
    }

    @Test
    void aFailedTaskIsReportedBeforeItsFutureCompletes() throws Exception {
        ThreadPoolBulkhead pool = pool(1, 0);
        RecordingTimings timings = new RecordingTimings();
        pool.recordTimings(timings);

        CompletableFuture<Object> failed = pool.submit(() -> {
            time.advance(2, TimeUnit.SECONDS);
            throw new IOException("analytics down");
        });

        assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        assertThat(timings.waits()).containsExactly(0L);
        assertThat(timings.runs()).containsExactly(2 * SECOND);
    }

    @Test
    void aTaskPastItsTimeoutIsReportedWhenItsCodeReallyReturns() throws Exception {
        ThreadPoolBulkhead pool = check.track(ThreadPoolBulkhead.builder("reporting").threads(1).queueCapacity(0)
                .timeout(Duration.ofSeconds(1)).timeSource(time).build());
        RecordingTimings timings = new RecordingTimings();
        pool.recordTimings(timings);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);

        CompletableFuture<String> stubborn = pool.submit(() -> {
            started.countDown();
            while (finish.getCount() > 0) { // ignores its interrupt
                try {
                    finish.await();
                } catch (InterruptedException ignored) {
                    // keeps running, as code that swallows interrupts does
                }
            }
            return "late";
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        time.advance(1, TimeUnit.SECONDS);
        await().until(stubborn::isDone);
        assertThat(timings.runs()).as("the code has not returned yet").isEmpty();
        time.advance(2, TimeUnit.SECONDS);
        finish.countDown();

        await().until(() -> timings.runs().size() == 1);
        assertThat(timings.runs()).containsExactly(3 * SECOND);
        assertThat(timings.waits()).containsExactly(0L);
    }

    @Test
    void refusedAndCancelledQueuedTasksAreNotReported() throws Exception {
        ThreadPoolBulkhead pool = pool(1, 1);
        RecordingTimings timings = new RecordingTimings();
        pool.recordTimings(timings);
        Blocker blocker = new Blocker();
        CompletableFuture<String> first = pool.submit(blocker::run);
        blocker.awaitStarted();

        CompletableFuture<String> queued = pool.submit(() -> "never runs");
        assertThatThrownBy(() -> pool.submit(() -> "refused")).isInstanceOf(BulkheadFullException.class);
        assertThat(queued.cancel(false)).isTrue();
        blocker.finish.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("blocked");
        await().until(() -> pool.stats().activeThreads() == 0);
        assertThat(timings.waits()).hasSize(1);
        assertThat(timings.runs()).hasSize(1);
    }

    @Test
    void detachedTimingsHearNoTaskSubmittedAfterwards() throws Exception {
        ThreadPoolBulkhead pool = pool(2, 2);
        RecordingTimings kept = new RecordingTimings();
        RecordingTimings detached = new RecordingTimings();
        pool.recordTimings(kept);
        CallTimings.Recording recording = pool.recordTimings(detached);

        pool.submit(() -> "both hear this").get(10, TimeUnit.SECONDS);
        recording.close();
        pool.submit(() -> "only the kept timings hear this").get(10, TimeUnit.SECONDS);

        assertThat(detached.waits()).hasSize(1);
        assertThat(detached.runs()).hasSize(1);
        assertThat(kept.waits()).hasSize(2);
        assertThat(kept.runs()).hasSize(2);
    }

    @Test
    void aPoolWithoutTimingsReadsNoClockForItsTasks() throws Exception {
        CountingTime counting = new CountingTime();
        ThreadPoolBulkhead pool = check.track(ThreadPoolBulkhead.builder("reporting").threads(1).queueCapacity(1)
                .timeSource(counting).build());

        pool.submit(() -> "untimed").get(10, TimeUnit.SECONDS);
        assertThat(counting.reads.get()).isZero();
        CallTimings.Recording recording = pool.recordTimings(new RecordingTimings());
        pool.submit(() -> "timed").get(10, TimeUnit.SECONDS);
        assertThat(counting.reads.get()).isEqualTo(3);
        recording.close();
        pool.submit(() -> "untimed again").get(10, TimeUnit.SECONDS);
        assertThat(counting.reads.get()).isEqualTo(3);
    }

    /** A time source that counts how often it is read. */
    private static final class CountingTime implements TimeSource {
        final AtomicInteger reads = new AtomicInteger();
        private final ManualTimeSource time = new ManualTimeSource();

        @Override
        public long nanoTime() {
            reads.incrementAndGet();
            return time.nanoTime();
        }

        @Override
        public java.util.concurrent.Future<?> schedule(Runnable action, long delayNanos) {
            return time.schedule(action, delayNanos);
        }
    }
}
