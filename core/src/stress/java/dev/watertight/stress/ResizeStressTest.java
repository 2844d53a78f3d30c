package dev.watertight.stress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watertight.Bulkhead;
import dev.watertight.BulkheadConfig;
import dev.watertight.BulkheadFullException;
import dev.watertight.ThreadPoolBulkhead;
import dev.watertight.ThreadPoolStats;
import dev.watertight.testing.CompartmentCheck;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Eight threads keep submitting while another one changes the limits many times: the number of
 * tasks running at once never exceeds what the limits allow, and every admitted task completes.
 *
 * <p><b>What "allowed" is.</b> Before each resize the resizer widens the allowed concurrency to
 * {@code max(allowed, new limit)}: tasks started under the old limit may still run. After the
 * resize it waits until the compartment itself reports no more running than the new limit (the
 * old tasks have finished) and only then narrows the allowed concurrency to the new limit: from
 * then on, no task may start while as many as the limit run. Each task checks, as it starts,
 * that the tasks running (counted by the test, in the task bodies) are within what is allowed.
 */
class ResizeStressTest {
    private static final int SUBMITTERS = 8;
    private static final int RESIZES = 300;

    @RegisterExtension
    final CompartmentCheck check = new CompartmentCheck();

    /** The concurrency the test allows now, and the worst excess seen. */
    private static final class Watch {
        final AtomicInteger running = new AtomicInteger();
        /** The allowed concurrency (low 32 bits) with a generation above it, bumped at each change. */
        final AtomicLong allowed;
        final AtomicInteger worstExcess = new AtomicInteger();
        final AtomicInteger peak = new AtomicInteger();

        Watch(int initial) {
            allowed = new AtomicLong(initial);
        }

        /**
         * Counts a task in. The check is made only if the allowed value did not change while the
         * count was taken: comparing a count taken under one value with another value would see
         * violations that never happened.
         */
        void enter() {
            long before = allowed.get();
            int now = running.incrementAndGet();
            peak.accumulateAndGet(now, Math::max);
            if (allowed.get() == before) {
                int excess = now - (int) before;
                if (excess > 0) {
                    worstExcess.accumulateAndGet(excess, Math::max);
                }
            }
        }

        void exit() {
            running.decrementAndGet();
        }

        private void allow(int limit) {
            allowed.updateAndGet(word -> ((word >>> 32) + 1) << 32 | limit);
        }

        /** Resizes, with the allowed concurrency widened before and narrowed once the old tasks are gone. */
        void resize(int limit, Runnable resize, IntSupplier runningNow) {
            allow(Math.max((int) allowed.get(), limit));
            resize.run();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (runningNow.getAsInt() > limit) {
                assertThat(System.nanoTime() - deadline).as("old tasks finish").isNegative();
                Thread.onSpinWait();
            }
            allow(limit);
        }
    }

    private static void spinFor(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    @ParameterizedTest(name = "virtual threads: {0}")
    @ValueSource(booleans = {false, true})
    void runningTasksStayWithinTheLimitWhileThePoolIsResizedUnderLoad(boolean virtualThreads) throws Exception {
        ThreadPoolBulkhead pool = check.track(ThreadPoolBulkhead.builder("resized").threads(3).queueCapacity(4)
                .virtualThreads(virtualThreads).build());
        Watch watch = new Watch(3);
        AtomicBoolean resizing = new AtomicBoolean(true);
        LongAdder rejections = new LongAdder();
        LongAdder attempts = new LongAdder();
        ConcurrentLinkedQueue<CompletableFuture<Integer>> futures = new ConcurrentLinkedQueue<>();
        AtomicInteger grows = new AtomicInteger();
        AtomicInteger shrinks = new AtomicInteger();

        Concurrently.run(SUBMITTERS + 1, index -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            if (index == SUBMITTERS) {
                try {
                    int threads = 3;
                    for (int i = 0; i < RESIZES; i++) {
                        int next = random.nextInt(1, 7);
                        int queue = random.nextInt(0, 9);
                        (next > threads ? grows : shrinks).incrementAndGet();
                        watch.resize(next, () -> pool.resize(next, queue), () -> pool.stats().activeThreads());
                        assertThat(pool.stats().threads()).isEqualTo(next);
                        assertThat(pool.stats().queueCapacity()).isEqualTo(queue);
                        threads = next;
                        spinFor(random.nextLong(1_000_000)); // let the submitters work under this limit
                    }
                } finally {
                    resizing.set(false);
                }
                return;
            }
            while (resizing.get()) {
                long work = random.nextLong(50_000);
                attempts.increment();
                try {
                    futures.add(pool.submit(() -> {
                        watch.enter();
                        try {
                            spinFor(work);
                            return 1;
                        } finally {
                            watch.exit();
                        }
                    }));
                } catch (BulkheadFullException full) {
                    rejections.increment();
                }
            }
        });
        for (CompletableFuture<Integer> future : futures) {
            assertThat(future.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        }

        assertThat(watch.worstExcess.get()).as("tasks beyond what the limits allowed").isZero();
        assertThat(watch.peak.get()).isBetween(1, 6);
        assertThat(grows.get()).isPositive();
        assertThat(shrinks.get()).isPositive();
        ThreadPoolStats stats = pool.stats();
        assertThat(stats.submitted()).isEqualTo(futures.size());
        assertThat(stats.succeeded()).isEqualTo(futures.size());
        assertThat(stats.rejected()).isEqualTo(rejections.sum());
        assertThat(stats.submitted() + stats.rejected()).isEqualTo(attempts.sum());
        assertThat(rejections.sum()).as("some submissions were refused").isPositive();
    }

    @Test
    void callsStayWithinTheLimitWhileTheBulkheadIsReconfiguredUnderLoad() throws Exception {
        Bulkhead bulkhead = check.track(Bulkhead.builder("reconfigured").maxConcurrent(3).build());
        Watch watch = new Watch(3);
        AtomicBoolean resizing = new AtomicBoolean(true);
        LongAdder rejections = new LongAdder();
        LongAdder succeeded = new LongAdder();
        LongAdder attempts = new LongAdder();

        Concurrently.run(SUBMITTERS + 1, index -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            if (index == SUBMITTERS) {
                try {
                    for (int i = 0; i < RESIZES; i++) {
                        int next = random.nextInt(1, 7);
                        Duration maxWait = Duration.ofNanos(random.nextLong(0, 100_000));
                        BulkheadConfig config = Bulkhead.builder("reconfigured").maxConcurrent(next).maxWait(maxWait).config();
                        watch.resize(next, () -> bulkhead.reconfigure(config), () -> bulkhead.stats().inUse());
                        assertThat(bulkhead.maxConcurrent()).isEqualTo(next);
                        assertThat(bulkhead.config().maxWait()).isEqualTo(maxWait);
                        spinFor(random.nextLong(1_000_000));
                    }
                } finally {
                    resizing.set(false);
                }
                return;
            }
            while (resizing.get()) {
                long work = random.nextLong(50_000);
                attempts.increment();
                try {
                    bulkhead.run(() -> {
                        watch.enter();
                        try {
                            spinFor(work);
                        } finally {
                            watch.exit();
                        }
                    });
                    succeeded.increment();
                } catch (BulkheadFullException full) {
                    rejections.increment();
                }
            }
        });

        assertThat(watch.worstExcess.get()).as("calls beyond what the limits allowed").isZero();
        assertThat(watch.peak.get()).isBetween(1, 6);
        var stats = bulkhead.stats();
        assertThat(stats.accepted()).isEqualTo(succeeded.sum());
        assertThat(stats.succeeded()).isEqualTo(succeeded.sum());
        assertThat(stats.rejected()).isEqualTo(rejections.sum());
        assertThat(succeeded.sum() + rejections.sum()).isEqualTo(attempts.sum());
        assertThat(List.of(stats.inUse(), stats.waiting())).containsOnly(0);
    }
}
