package dev.watertight.stress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.watertight.BulkheadFullException;
import dev.watertight.CompartmentClosedException;
import dev.watertight.TaskTimeoutException;
import dev.watertight.ThreadPoolBulkhead;
import dev.watertight.ThreadPoolStats;
import dev.watertight.testing.CompartmentCheck;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Many submitters against one {@link ThreadPoolBulkhead}: the bounds hold exactly, timed-out and
 * cancelled tasks keep their threads until their code returns, cancelled queued tasks never run,
 * and every future completes, also when the compartment closes under load.
 */
class ThreadPoolStressTest {
    private static final int SUBMITTERS = 8;

    @RegisterExtension
    final CompartmentCheck check = new CompartmentCheck();

    private static void spinFor(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait(); // ignores interrupts, like code that never checks them
        }
    }

    @ParameterizedTest(name = "virtual threads: {0}")
    @ValueSource(booleans = {false, true})
    void runningTasksNeverExceedThreadsEvenWhenBodiesIgnoreTheirTimeout(boolean virtualThreads) throws Exception {
        ThreadPoolBulkhead pool = check.track(ThreadPoolBulkhead.builder("bounded").threads(3)
                .queueCapacity(10).timeout(Duration.ofNanos(300_000)).virtualThreads(virtualThreads).build());
        PeakTracker peak = new PeakTracker();
        LongAdder rejections = new LongAdder();
        ConcurrentLinkedQueue<CompletableFuture<Integer>> futures = new ConcurrentLinkedQueue<>();
        AtomicInteger worstQueued = new AtomicInteger();

        Concurrently.run(SUBMITTERS, index -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < 400; i++) {
                // About half outlive the 300 µs timeout; one in fifty by far, so that timeouts
                // happen even when a loaded machine runs the timer thread late.
                long work = i % 50 == 0 ? 20_000_000 : random.nextLong(600_000);
                try {
                    futures.add(pool.submit(() -> {
                        peak.enter();
                        try {
                            spinFor(work);
                            return 1;
                        } finally {
                            peak.exit();
                        }
                    }));
                } catch (BulkheadFullException full) {
                    rejections.increment();
                }
                ThreadPoolStats stats = pool.stats();
                worstQueued.accumulateAndGet(stats.queued(), Math::max);
                assertThat(stats.activeThreads()).isBetween(0, 3);
            }
        });
        for (CompletableFuture<Integer> future : futures) {
            future.handle((value, failure) -> value).get(30, TimeUnit.SECONDS);
        }
        await().until(() -> pool.stats().activeThreads() == 0);

        ThreadPoolStats stats = pool.stats();
        assertThat(peak.peak()).isLessThanOrEqualTo(3);
        assertThat(worstQueued.get()).isLessThanOrEqualTo(10);
        assertThat(stats.rejected()).isEqualTo(rejections.sum());
        assertThat(stats.submitted()).isEqualTo(futures.size());
        assertThat(stats.submitted() + stats.rejected()).isEqualTo(SUBMITTERS * 400L);
        assertThat(stats.timedOut()).isPositive();
        assertThat(stats.completed()).isEqualTo(stats.submitted());
    }

    @Test
    void tenThousandQueuedFuturesCancelledWhileEightThreadsSubmitNeverRun() throws Exception {
        ThreadPoolBulkhead pool = check.track(ThreadPoolBulkhead.of("cancelled", 2, 20_000));
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch blockersStarted = new CountDownLatch(2);
        List<CompletableFuture<Object>> blockers = List.of(
                pool.submit(() -> {
                    blockersStarted.countDown();
                    gate.await();
                    return null;
                }),
                pool.submit(() -> {
                    blockersStarted.countDown();
                    gate.await();
                    return null;
                }));
        assertThat(blockersStarted.await(10, TimeUnit.SECONDS)).isTrue();
        AtomicInteger ran = new AtomicInteger();
        ConcurrentLinkedQueue<CompletableFuture<Object>> toCancel = new ConcurrentLinkedQueue<>();
        AtomicBoolean submitting = new AtomicBoolean(true);
        LongAdder cancelledByUs = new LongAdder();
        Thread[] cancellers = new Thread[2];
        for (int c = 0; c < cancellers.length; c++) {
            cancellers[c] = Thread.ofPlatform().start(() -> {
                while (submitting.get() || !toCancel.isEmpty()) {
                    CompletableFuture<Object> future = toCancel.poll();
                    if (future != null && future.cancel(true)) {
                        cancelledByUs.increment();
                    }
                }
            });
        }

        Concurrently.run(SUBMITTERS, index -> {
            for (int i = 0; i < 1_250; i++) {
                toCancel.add(pool.submit(() -> {
                    ran.incrementAndGet();
                    return null;
                }));
            }
        });
        submitting.set(false);
        for (Thread canceller : cancellers) {
            canceller.join();
        }

        ThreadPoolStats stats = pool.stats();
        assertThat(cancelledByUs.sum()).isEqualTo(10_000);
        assertThat(stats.cancelled()).isEqualTo(10_000);
        assertThat(stats.queued()).isZero();
        assertThat(stats.activeThreads()).isEqualTo(2);
        gate.countDown();
        for (CompletableFuture<Object> blocker : blockers) {
            blocker.get(10, TimeUnit.SECONDS);
        }
        assertThat(ran).hasValue(0);
    }

    @Test
    void cancelsRacingCompletionsAndTimeoutsDecideEachTaskOnceAndNeverInterruptAnotherTask() throws Exception {
        ThreadPoolBulkhead pool = check.track(ThreadPoolBulkhead.builder("racing").threads(2)
                .queueCapacity(64).timeout(Duration.ofNanos(100_000)).build());
        Map<CompletableFuture<Integer>, AtomicBoolean> interruptedAtStart = new ConcurrentHashMap<>();

        Concurrently.run(4, index -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < 1_000; i++) {
                long work = random.nextLong(200_000);
                AtomicBoolean sawInterrupt = new AtomicBoolean();
                CompletableFuture<Integer> future;
                try {
                    future = pool.submit(() -> {
                        sawInterrupt.set(Thread.currentThread().isInterrupted());
                        spinFor(work);
                        return 1;
                    });
                } catch (BulkheadFullException full) {
                    continue;
                }
                interruptedAtStart.put(future, sawInterrupt);
                if (random.nextBoolean()) {
                    future.cancel(random.nextBoolean());
                }
            }
        });
        for (CompletableFuture<Integer> future : interruptedAtStart.keySet()) {
            future.handle((value, failure) -> value).get(30, TimeUnit.SECONDS);
        }
        await().until(() -> pool.stats().activeThreads() == 0);

        ThreadPoolStats stats = pool.stats();
        Set<CompletableFuture<Integer>> futures = interruptedAtStart.keySet();
        long cancelledFutures = futures.stream().filter(CompletableFuture::isCancelled).count();
        long timedOutFutures = futures.stream().filter(ThreadPoolStressTest::timedOut).count();
        long succeededFutures = futures.stream().filter(f -> f.state() == Future.State.SUCCESS).count();
        assertThat(stats.cancelled()).isEqualTo(cancelledFutures);
        assertThat(stats.timedOut()).isEqualTo(timedOutFutures);
        assertThat(stats.succeeded()).isEqualTo(succeededFutures);
        assertThat(stats.completed()).isEqualTo(futures.size());
        // A task may see an interrupt as it starts only if it was itself cancelled or timed out
        // at that very moment; an interrupt meant for an earlier task must never reach it.
        interruptedAtStart.forEach((future, sawInterrupt) -> {
            if (sawInterrupt.get()) {
                assertThat(future.isCancelled() || timedOut(future)).as("interrupted at start: " + future).isTrue();
            }
        });
    }

    private static boolean timedOut(CompletableFuture<?> future) {
        return future.state() == Future.State.FAILED && future.exceptionNow() instanceof TaskTimeoutException;
    }

    @Test
    void closingUnderLoadLeavesNoFutureHangingAndNoTaskDeliversAResultAfterwards() throws Exception {
        for (int round = 0; round < 20; round++) {
            int roundNumber = round;
            ThreadPoolBulkhead pool = ThreadPoolBulkhead.builder("closing-" + round).threads(2)
                    .queueCapacity(50).shutdownGrace(Duration.ofMillis(round % 2 == 0 ? 0 : 2)).build();
            ConcurrentLinkedQueue<CompletableFuture<Integer>> futures = new ConcurrentLinkedQueue<>();
            AtomicBoolean closed = new AtomicBoolean();
            CountDownLatch someSubmitted = new CountDownLatch(50);

            Thread closer = Thread.ofPlatform().start(() -> {
                try {
                    someSubmitted.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                pool.close();
                closed.set(true);
            });
            Concurrently.run(4, index -> {
                for (int i = 0; i < 300; i++) {
                    try {
                        futures.add(pool.submit(() -> {
                            // A task the forced close cancelled just as it started may still run
                            // its first lines after close() returned; it must not deliver.
                            int startedAfterClose = closed.get() ? -1 : 1;
                            spinFor(20_000);
                            return startedAfterClose;
                        }));
                        someSubmitted.countDown();
                    } catch (BulkheadFullException full) {
                        someSubmitted.countDown();
                    } catch (CompartmentClosedException afterClose) {
                        assertThat(afterClose).isInstanceOf(RejectedExecutionException.class);
                    }
                }
            });
            closer.join();

            for (CompletableFuture<Integer> future : futures) {
                assertThat(future).as("round %d: every future is complete when close() returns", roundNumber).isDone();
            }
            assertThat(futures).noneMatch(future -> future.state() == java.util.concurrent.Future.State.SUCCESS
                    && future.resultNow() == -1);
            ThreadPoolBulkhead finished = pool;
            await().untilAsserted(() -> CompartmentCheck.assertWhole(finished.stats()));
        }
    }
}
