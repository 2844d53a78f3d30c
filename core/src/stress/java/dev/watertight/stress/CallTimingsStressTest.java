package dev.watertight.stress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watertight.Bulkhead;
import dev.watertight.BulkheadFullException;
import dev.watertight.BulkheadStats;
import dev.watertight.CallTimings;
import dev.watertight.ThreadPoolBulkhead;
import dev.watertight.ThreadPoolStats;
import dev.watertight.testing.CompartmentCheck;
import java.time.Duration;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Many threads through every entry point of a bulkhead and a thread pool with timings attached,
 * while other timings are attached and detached over and over: each admitted call is reported
 * exactly once as a wait and once as a running time, refused calls never, and timings attached
 * only for a while hear whole calls (as many waits as running times), never half of one.
 */
class CallTimingsStressTest {
    private static final int THREADS = 16;
    private static final int CALLS = 3_000;

    @RegisterExtension
    final CompartmentCheck check = new CompartmentCheck();

    /** Counts reports and remembers whether any time was negative or any wait was positive. */
    private static final class CountingTimings implements CallTimings {
        final LongAdder waits = new LongAdder();
        final LongAdder runs = new LongAdder();
        final LongAdder positiveWaits = new LongAdder();
        final AtomicBoolean negative = new AtomicBoolean();

        @Override
        public void waited(long nanos) {
            waits.increment();
            if (nanos > 0) {
                positiveWaits.increment();
            }
            if (nanos < 0) {
                negative.set(true);
            }
        }

        @Override
        public void ran(long nanos) {
            runs.increment();
            if (nanos < 0) {
                negative.set(true);
            }
        }
    }

    /** Attaches timings for about 50 µs at a time, over and over, on its own thread until stopped. */
    private static final class Toggler implements AutoCloseable {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        Toggler(java.util.function.Function<CallTimings, CallTimings.Recording> attach, CallTimings timings) {
            thread = Thread.ofPlatform().name("toggler").start(() -> {
                while (!stop.get()) {
                    try (CallTimings.Recording attached = attach.apply(timings)) {
                        spinFor(50_000); // long enough for calls to start and end while attached
                    }
                }
            });
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join();
        }
    }

    private static void spinFor(long nanos) {
        long start = System.nanoTime();
        while (System.nanoTime() - start < nanos) {
            Thread.onSpinWait();
        }
    }

    @Test
    void everyAdmittedBulkheadCallIsReportedOnceAsAWaitAndOnceAsARun() throws Exception {
        Bulkhead bulkhead = check.track(Bulkhead.builder("timed").maxConcurrent(4)
                .maxWait(Duration.ofNanos(200_000)).build());
        CountingTimings kept = new CountingTimings();
        CountingTimings toggled = new CountingTimings();
        bulkhead.recordTimings(kept);
        LongAdder rejections = new LongAdder();

        try (Toggler toggler = new Toggler(bulkhead::recordTimings, toggled)) {
            Concurrently.run(THREADS, index -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < CALLS; i++) {
                    boolean fail = random.nextInt(4) == 0;
                    try {
                        callOnce(bulkhead, random.nextInt(5), fail);
                    } catch (BulkheadFullException refused) {
                        rejections.increment();
                    } catch (IllegalStateException expected) {
                        // the body's own failure
                    }
                }
            });
        }

        BulkheadStats stats = bulkhead.stats();
        long refusedByTryAcquire = THREADS * (long) CALLS - stats.accepted() - stats.rejected();
        assertThat(stats.rejected()).isEqualTo(rejections.sum());
        assertThat(kept.waits.sum()).isEqualTo(stats.accepted());
        assertThat(kept.runs.sum()).isEqualTo(stats.accepted());
        assertThat(kept.positiveWaits.sum()).as("some callers waited").isPositive();
        assertThat(refusedByTryAcquire).isNotNegative();
        assertThat(toggled.waits.sum()).isEqualTo(toggled.runs.sum());
        assertThat(toggled.runs.sum()).as("calls made while the toggled timings were attached").isPositive();
        assertThat(kept.negative).isFalse();
        assertThat(toggled.negative).isFalse();
    }

    /** One call through the chosen entry point; a failing body throws IllegalStateException. */
    private static void callOnce(Bulkhead bulkhead, int entry, boolean fail) throws Exception {
        Runnable body = () -> {
            spinFor(20_000);
            if (fail) {
                throw new IllegalStateException("boom");
            }
        };
        switch (entry) {
            case 0 -> bulkhead.call(() -> {
                body.run();
                return "ok";
            });
            case 1 -> bulkhead.run(body);
            case 2 -> {
                try (Bulkhead.Permit permit = bulkhead.acquire()) {
                    try {
                        body.run();
                    } catch (IllegalStateException failed) {
                        permit.markFailed();
                    }
                }
            }
            case 3 -> {
                Optional<Bulkhead.Permit> permit = bulkhead.tryAcquire();
                permit.ifPresent(held -> {
                    try (held) {
                        body.run();
                    } catch (IllegalStateException failed) {
                        held.markFailed();
                    }
                });
            }
            default -> {
                Supplier<CompletableFuture<String>> work = () -> CompletableFuture.supplyAsync(() -> {
                    body.run();
                    return "ok";
                });
                CompletableFuture<String> result = bulkhead.callAsync(work);
                try {
                    result.join();
                } catch (java.util.concurrent.CompletionException failed) {
                    if (failed.getCause() instanceof BulkheadFullException refused) {
                        throw refused;
                    }
                }
            }
        }
    }

    @Test
    void everyTaskThatRanIsReportedOnceAsAWaitAndOnceAsARun() throws Exception {
        ThreadPoolBulkhead pool = check.track(ThreadPoolBulkhead.builder("timed-pool").threads(4)
                .queueCapacity(16).build());
        CountingTimings kept = new CountingTimings();
        CountingTimings toggled = new CountingTimings();
        pool.recordTimings(kept);
        LongAdder rejections = new LongAdder();
        Queue<CompletableFuture<String>> futures = new ConcurrentLinkedQueue<>();

        try (Toggler toggler = new Toggler(pool::recordTimings, toggled)) {
            Concurrently.run(8, index -> {
                for (int i = 0; i < CALLS / 2; i++) {
                    boolean fail = i % 5 == 0;
                    try {
                        futures.add(pool.submit(() -> {
                            spinFor(10_000);
                            if (fail) {
                                throw new IllegalStateException("boom");
                            }
                            return "ok";
                        }));
                    } catch (BulkheadFullException refused) {
                        rejections.increment();
                    }
                }
            });
        }
        for (CompletableFuture<String> future : futures) {
            future.handle((value, failure) -> value).get(30, TimeUnit.SECONDS);
        }

        ThreadPoolStats stats = pool.stats();
        assertThat(stats.rejected()).isEqualTo(rejections.sum());
        assertThat(stats.submitted()).isEqualTo(futures.size());
        assertThat(kept.waits.sum()).isEqualTo(stats.succeeded() + stats.failed());
        assertThat(kept.runs.sum()).isEqualTo(stats.submitted());
        assertThat(kept.positiveWaits.sum()).as("some tasks waited to start").isPositive();
        assertThat(toggled.waits.sum()).isEqualTo(toggled.runs.sum());
        assertThat(toggled.runs.sum()).as("calls made while the toggled timings were attached").isPositive();
        assertThat(kept.negative).isFalse();
        assertThat(toggled.negative).isFalse();
    }
}
