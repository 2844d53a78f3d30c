package dev.watertight.stress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watertight.Bulkhead;
import dev.watertight.BulkheadFullException;
import dev.watertight.BulkheadStats;
import dev.watertight.testing.CompartmentCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Many threads against one {@link Bulkhead}, with invariants checked during and after: the limit
 * is never exceeded, every permit comes back whatever the outcome, and the counters add up.
 */
class BulkheadStressTest {
    private static final int THREADS = 16;

    @RegisterExtension
    final CompartmentCheck check = new CompartmentCheck();

    /** The ways a guarded call can end. */
    private enum Outcome { RETURN, EXCEPTION, ERROR, FAILED_STAGE, CANCELLED_STAGE }

    /** The ways into a bulkhead. */
    private enum Entry { CALL, RUN, CALL_ASYNC, PERMIT }

    @Test
    void everyOutcomeThroughEveryEntryPointGivesEveryPermitBack() throws Exception {
        Bulkhead bulkhead = check.track(Bulkhead.builder("outcomes").maxConcurrent(4)
                .maxWait(Duration.ofMillis(1)).build());
        PeakTracker peak = new PeakTracker();
        LongAdder rejections = new LongAdder();
        LongAdder failures = new LongAdder();
        LongAdder successes = new LongAdder();

        Concurrently.run(THREADS, index -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < 3_000; i++) {
                Outcome outcome = Outcome.values()[random.nextInt(Outcome.values().length)];
                Entry entry = Entry.values()[random.nextInt(Entry.values().length)];
                try {
                    boolean failed = enter(bulkhead, entry, outcome, peak);
                    (failed ? failures : successes).increment();
                } catch (BulkheadFullException rejected) {
                    rejections.increment();
                }
            }
        });

        BulkheadStats stats = bulkhead.stats();
        assertThat(peak.peak()).isLessThanOrEqualTo(4);
        assertThat(stats.inUse()).isZero();
        assertThat(stats.rejected()).isEqualTo(rejections.sum());
        assertThat(stats.failed()).isEqualTo(failures.sum());
        assertThat(stats.succeeded()).isEqualTo(successes.sum());
        assertThat(stats.accepted()).isEqualTo(stats.succeeded() + stats.failed());
        assertThat(stats.accepted() + stats.rejected()).isEqualTo(THREADS * 3_000L);
        assertAllPermitsFree(bulkhead, 4);
    }

    /** Runs one call; returns whether it counted as failed. Rejections propagate. */
    private static boolean enter(Bulkhead bulkhead, Entry entry, Outcome outcome, PeakTracker peak) throws Exception {
        switch (entry) {
            case CALL -> {
                try {
                    bulkhead.call(() -> body(outcome, peak));
                    return false;
                } catch (BulkheadFullException rejected) {
                    throw rejected;
                } catch (Exception | Error expected) {
                    return true;
                }
            }
            case RUN -> {
                try {
                    bulkhead.run(() -> body(outcome, peak));
                    return false;
                } catch (BulkheadFullException rejected) {
                    throw rejected;
                } catch (RuntimeException | Error expected) {
                    return true;
                }
            }
            case PERMIT -> {
                try (Bulkhead.Permit permit = bulkhead.acquire()) {
                    try {
                        body(outcome, peak);
                        return false;
                    } catch (RuntimeException | Error expected) {
                        permit.markFailed();
                        return true;
                    }
                }
            }
            default -> {
                CompletableFuture<String> result = bulkhead.callAsync(() -> stage(outcome, peak));
                if (result.state() == java.util.concurrent.Future.State.FAILED
                        && result.exceptionNow() instanceof BulkheadFullException full) {
                    throw full;
                }
                return result.isCompletedExceptionally();
            }
        }
    }

    private static String body(Outcome outcome, PeakTracker peak) {
        peak.enter();
        try {
            switch (outcome) {
                case EXCEPTION, FAILED_STAGE -> throw new IllegalStateException("boom");
                case ERROR, CANCELLED_STAGE -> throw new AssertionError("error");
                default -> {
                    return "ok";
                }
            }
        } finally {
            peak.exit();
        }
    }

    private static CompletableFuture<String> stage(Outcome outcome, PeakTracker peak) {
        CompletableFuture<String> stage = new CompletableFuture<>();
        peak.enter();
        peak.exit();
        switch (outcome) {
            case RETURN -> stage.complete("ok");
            case EXCEPTION -> throw new IllegalStateException("supplier failed");
            case ERROR -> throw new AssertionError("supplier error");
            case FAILED_STAGE -> stage.completeExceptionally(new IllegalStateException("stage failed"));
            case CANCELLED_STAGE -> stage.cancel(true);
        }
        return stage;
    }

    @Test
    void timedOutWaitersNeverStrandAPermit() throws Exception {
        Bulkhead bulkhead = check.track(Bulkhead.builder("short-waits").maxConcurrent(2)
                .maxWait(Duration.ofNanos(20_000)).build());
        PeakTracker peak = new PeakTracker();

        Concurrently.run(THREADS, index -> {
            for (int i = 0; i < 500; i++) {
                try {
                    bulkhead.run(() -> {
                        peak.enter();
                        spinFor(50_000); // longer than maxWait, so waiters do time out
                        peak.exit();
                    });
                } catch (BulkheadFullException expected) {
                    // many waiters time out; that is the point
                }
            }
        });

        assertThat(peak.peak()).isLessThanOrEqualTo(2);
        assertThat(bulkhead.stats().rejected()).isPositive();
        assertAllPermitsFree(bulkhead, 2);
    }

    @Test
    void interruptedWaitersNeverStrandAPermit() throws Exception {
        Bulkhead bulkhead = check.track(Bulkhead.builder("interrupted").maxConcurrent(2)
                .maxWait(Duration.ofSeconds(30)).build());
        PeakTracker peak = new PeakTracker();
        AtomicInteger admittedWhileInterrupted = new AtomicInteger();
        List<Thread> victims = new ArrayList<>();
        Thread interrupter = Thread.ofPlatform().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                synchronized (victims) {
                    if (!victims.isEmpty()) {
                        victims.get(ThreadLocalRandom.current().nextInt(victims.size())).interrupt();
                    }
                }
                Thread.onSpinWait();
            }
        });

        Concurrently.run(8, index -> {
            synchronized (victims) {
                victims.add(Thread.currentThread());
            }
            for (int i = 0; i < 3_000; i++) {
                try {
                    bulkhead.run(() -> {
                        peak.enter();
                        if (Thread.currentThread().isInterrupted()) {
                            admittedWhileInterrupted.incrementAndGet();
                        }
                        peak.exit();
                    });
                } catch (BulkheadFullException rejected) {
                    assertThat(rejected.interrupted()).isTrue();
                }
                Thread.interrupted();
            }
            synchronized (victims) {
                victims.remove(Thread.currentThread());
            }
        });
        interrupter.interrupt();
        interrupter.join();

        assertThat(peak.peak()).isLessThanOrEqualTo(2);
        assertAllPermitsFree(bulkhead, 2);
    }

    @Test
    void resizingUnderLoadNeverAdmitsMoreThanTheLargestLimitAndLosesNoPermit() throws Exception {
        Bulkhead bulkhead = check.track(Bulkhead.builder("elastic").maxConcurrent(3)
                .maxWait(Duration.ofMillis(5)).build());
        PeakTracker peak = new PeakTracker();
        Thread resizer = Thread.ofPlatform().start(() -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            while (!Thread.currentThread().isInterrupted()) {
                bulkhead.resize(1 + random.nextInt(6)); // 1 to 6
            }
        });

        Concurrently.run(THREADS, index -> {
            for (int i = 0; i < 3_000; i++) {
                try {
                    bulkhead.run(() -> {
                        peak.enter();
                        Thread.onSpinWait();
                        peak.exit();
                    });
                } catch (BulkheadFullException expected) {
                    // fine
                }
                BulkheadStats stats = bulkhead.stats();
                assertThat(stats.inUse()).isBetween(0, 6);
                assertThat(stats.accepted()).isEqualTo(stats.succeeded() + stats.failed() + stats.inUse());
            }
        });
        resizer.interrupt();
        resizer.join();
        bulkhead.resize(5);

        assertThat(peak.peak()).isLessThanOrEqualTo(6);
        assertAllPermitsFree(bulkhead, 5);
    }

    @Test
    void tenThousandVirtualThreadsThroughABulkheadOfEightAllComplete() throws Exception {
        Bulkhead bulkhead = check.track(Bulkhead.builder("virtual").maxConcurrent(8)
                .maxWait(Duration.ofMinutes(2)).build());
        PeakTracker peak = new PeakTracker();
        LongAdder done = new LongAdder();
        List<Thread> threads = new ArrayList<>();

        for (int i = 0; i < 10_000; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                bulkhead.run(() -> {
                    peak.enter();
                    Thread.yield(); // let other virtual threads pile up behind the limit
                    peak.exit();
                });
                done.increment();
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(done.sum()).isEqualTo(10_000);
        assertThat(peak.peak()).isLessThanOrEqualTo(8);
        assertThat(bulkhead.stats().accepted()).isEqualTo(10_000);
        assertThat(bulkhead.stats().rejected()).isZero();
    }

    @Test
    void fairBulkheadUnderContentionLosesNothing() throws Exception {
        Bulkhead bulkhead = check.track(Bulkhead.builder("fair").maxConcurrent(3).fair(true)
                .maxWait(Duration.ofSeconds(30)).build());
        PeakTracker peak = new PeakTracker();

        Concurrently.run(THREADS, index -> {
            for (int i = 0; i < 2_000; i++) {
                bulkhead.run(() -> {
                    peak.enter();
                    peak.exit();
                });
            }
        });

        assertThat(peak.peak()).isLessThanOrEqualTo(3);
        assertThat(bulkhead.stats().accepted()).isEqualTo(THREADS * 2_000L);
        assertThat(bulkhead.stats().rejected()).isZero();
    }

    /** Busy-waits, holding the thread, without sleeping. */
    private static void spinFor(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    /** Takes every permit at once (proving none is stranded), then gives them all back. */
    private static void assertAllPermitsFree(Bulkhead bulkhead, int limit) throws InterruptedException {
        List<Bulkhead.Permit> permits = new ArrayList<>();
        for (int i = 0; i < limit; i++) {
            permits.add(bulkhead.tryAcquire().orElseThrow(() -> new AssertionError("a permit was stranded")));
        }
        assertThat(bulkhead.tryAcquire()).as("more permits than the limit").isEmpty();
        permits.forEach(Bulkhead.Permit::close);
        CompartmentCheck.assertWhole(bulkhead.stats());
    }
}
