package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.watertight.testing.ManualTimeSource;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TimeoutTest {
    private final ManualTimeSource time = new ManualTimeSource();

    @Test
    void aCallThatFinishesInTimeReturnsItsResultOrItsException() throws Exception {
        Timeout timeout = Timeout.builder("quick").timeout(Duration.ofSeconds(1)).timeSource(time).build();

        assertThat(timeout.call(() -> "in time")).isEqualTo("in time");
        IOException failure = new IOException("down");
        assertThatThrownBy(() -> timeout.call(() -> {
            throw failure;
        })).isSameAs(failure);
        assertThat(timeout.stats().timedOut()).isZero();
        assertThat(time.pending()).isZero(); // timers cancelled
    }

    @Test
    void whenTimeRunsOutTheBodyIsInterruptedAndTheCallerGetsATimeoutOnceItReturns() throws Exception {
        Timeout timeout = Timeout.builder("slow").timeout(Duration.ofSeconds(2)).timeSource(time).build();
        CountDownLatch bodyWaiting = new CountDownLatch(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean interruptStatusAfter = new AtomicBoolean(true);
        Thread caller = Thread.ofPlatform().start(() -> {
            try {
                timeout.call(() -> {
                    bodyWaiting.countDown();
                    new CountDownLatch(1).await(); // interrupted by the timeout
                    return "never";
                });
            } catch (Exception e) {
                thrown.set(e);
                interruptStatusAfter.set(Thread.currentThread().isInterrupted());
            }
        });
        assertThat(bodyWaiting.await(10, TimeUnit.SECONDS)).isTrue();
        await().until(() -> time.pending() == 1);

        time.advance(2, TimeUnit.SECONDS);
        caller.join();

        assertThat(thrown.get()).isInstanceOf(TaskTimeoutException.class).isInstanceOf(TimeoutException.class)
                .hasMessage("Task in compartment 'slow' timed out after 2000 ms and was interrupted")
                .hasCauseInstanceOf(InterruptedException.class);
        assertThat(interruptStatusAfter).isFalse();
        assertThat(timeout.stats().timedOut()).isEqualTo(1);
    }

    @Test
    void aBodyThatIgnoresTheInterruptStillEndsInATimeoutAfterItReturns() throws Exception {
        Timeout timeout = Timeout.builder("stubborn").timeout(Duration.ofSeconds(1)).timeSource(time).build();
        CountDownLatch timedOut = new CountDownLatch(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = Thread.ofPlatform().start(() -> {
            try {
                timeout.call(() -> {
                    time.advance(1, TimeUnit.SECONDS); // the timer fires on this very thread
                    timedOut.countDown();
                    return "returned anyway";
                });
            } catch (Exception e) {
                thrown.set(e);
            }
        });
        caller.join();

        assertThat(timedOut.getCount()).isZero();
        assertThat(thrown.get()).isInstanceOf(TaskTimeoutException.class);
    }

    @Test
    void anInterruptPendingBeforeTheCallSurvivesTheTimeoutClearingItsOwn() throws Exception {
        Timeout timeout = Timeout.builder("pending").timeout(Duration.ofSeconds(1)).timeSource(time).build();
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        Thread caller = Thread.ofPlatform().start(() -> {
            Thread.currentThread().interrupt(); // a shutdown request, say
            try {
                timeout.call(() -> {
                    time.advance(1, TimeUnit.SECONDS);
                    return "late";
                });
            } catch (Exception expected) {
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            }
        });
        caller.join();

        assertThat(interruptedAfter).isTrue();
    }

    @Test
    void theDeadlineIsVisibleInsideAndNestedTimeoutsNeverExceedTheOuterOne() throws Exception {
        Timeout outer = Timeout.builder("outer").timeout(Duration.ofSeconds(5)).timeSource(time).build();
        Timeout inner = Timeout.builder("inner").timeout(Duration.ofSeconds(60)).timeSource(time).build();
        assertThat(Deadline.isSet()).isFalse();

        Duration seenInside = outer.call(() -> {
            time.advance(1, TimeUnit.SECONDS);
            return inner.call(() -> Deadline.remaining().orElseThrow());
        });

        assertThat(seenInside).isEqualTo(Duration.ofSeconds(4));
        assertThat(Deadline.isSet()).isFalse(); // restored
    }

    @Test
    void aBulkheadNeverWaitsPastTheDeadline() throws Exception {
        Timeout timeout = Timeout.builder("tight").timeout(Duration.ofMillis(50)).build();
        Bulkhead bulkhead = Bulkhead.builder("waiting").maxConcurrent(1).maxWait(Duration.ofMinutes(10)).build();
        Bulkhead.Permit held = bulkhead.tryAcquire().orElseThrow();

        long start = System.nanoTime();
        assertThatThrownBy(() -> timeout.call(() -> bulkhead.call(() -> "never")))
                .isInstanceOfAny(TaskTimeoutException.class, BulkheadFullException.class);

        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(30));
        held.close();
    }

    @Test
    void anAsyncCallThatRunsOutOfTimeFailsAndItsWorkIsCancelled() {
        Timeout timeout = Timeout.builder("async").timeout(Duration.ofSeconds(1)).timeSource(time).build();
        CompletableFuture<String> work = new CompletableFuture<>();

        CompletableFuture<String> result = timeout.callAsync(() -> work);
        time.advance(1, TimeUnit.SECONDS);

        assertThat(result).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                .havingCause().isInstanceOf(TaskTimeoutException.class);
        await().until(work::isCancelled);
    }

    @Test
    void aTimeoutMustBeSetAndPositive() {
        assertThatThrownBy(() -> Timeout.builder("t").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout must be set to a positive duration, was not set");
        assertThatThrownBy(() -> Timeout.builder("t").timeout(Duration.ZERO))
                .hasMessageStartingWith("timeout must be a positive duration");
    }
}
