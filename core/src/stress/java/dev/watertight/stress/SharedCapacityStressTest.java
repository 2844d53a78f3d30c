package dev.watertight.stress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watertight.Bulkhead;
import dev.watertight.BulkheadFullException;
import dev.watertight.SharedCapacity;
import dev.watertight.testing.CompartmentCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Many threads against one {@link SharedCapacity}, directly and through bulkheads, with the
 * guarantees checked during and after: the units in use never exceed the capacity, no share
 * exceeds its ceiling or borrows more than nobody reserved, a share within its reservation is
 * never refused however hard the others flood, waiting callers are woken when a unit comes back,
 * and every unit comes back (nothing in use, nothing borrowed, nobody waiting).
 *
 * <p><b>The capacity.</b> 20 units: {@code flood} (reserves 5, ceiling 15) and {@code capped}
 * (reserves 5, ceiling 8) borrow, {@code guarded} (reserves 5) is held by exactly 5 threads that
 * take one unit at a time, so it never asks beyond its reservation. 5 units are spare: {@code
 * flood} can hold at most 10 (its 5 and the 5 nobody reserved), {@code capped} at most 8, its
 * ceiling binding while spare is left; ceilings above what the spare allows (15) would never bind,
 * and a ledger that ignored ceilings would pass.
 *
 * <p><b>How concurrency is measured.</b> Each share has its own {@link PeakTracker}, and one
 * tracks them all: a thread enters after its acquire returned and exits before it releases, so the
 * trackers never count more than the ledger has granted, and a peak above a limit is a unit the
 * ledger granted beyond it.
 *
 * <p>No test sleeps: threads meet on barriers, futures and by spinning on the ledger's own
 * counters, with deadlines.
 */
class SharedCapacityStressTest {
    private static final int CAPACITY = 20;
    private static final int RESERVED = 5;
    private static final int SPARE = CAPACITY - 3 * RESERVED;
    private static final int FLOOD_CEILING = 15;
    private static final int CAPPED_CEILING = 8;
    private static final int GUARDED_CEILING = 10;
    /** Threads of {@code guarded}: one unit each, so together exactly its reservation. */
    private static final int GUARDED_THREADS = RESERVED;
    private static final int FLOOD_THREADS = 6;
    private static final int CAPPED_THREADS = 5;
    private static final int THREADS = GUARDED_THREADS + FLOOD_THREADS + CAPPED_THREADS;
    /** How long a test waits for something that should happen at once before it fails. */
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    /** Calls per thread through the bulkheads. */
    private static final int CALLS = 6_000;

    @RegisterExtension
    final CompartmentCheck check = new CompartmentCheck();

    private static SharedCapacity workers() {
        return SharedCapacity.builder("workers", CAPACITY)
                .share("flood", RESERVED, FLOOD_CEILING)
                .share("capped", RESERVED, CAPPED_CEILING)
                .share("guarded", RESERVED, GUARDED_CEILING)
                .build();
    }

    /** Concurrency per share and over all shares, as seen by the threads holding units. */
    private static final class Trackers {
        final PeakTracker total = new PeakTracker();
        final PeakTracker flood = new PeakTracker();
        final PeakTracker capped = new PeakTracker();
        final PeakTracker guarded = new PeakTracker();

        PeakTracker of(String share) {
            return switch (share) {
                case "flood" -> flood;
                case "capped" -> capped;
                default -> guarded;
            };
        }

        void enter(PeakTracker share) {
            share.enter();
            total.enter();
        }

        void exit(PeakTracker share) {
            total.exit();
            share.exit();
        }

        void assertWithinLimits() {
            assertThat(total.peak()).as("units in use at once over all shares").isLessThanOrEqualTo(CAPACITY);
            assertThat(flood.peak()).as("flood: its reservation and the spare").isLessThanOrEqualTo(RESERVED + SPARE);
            assertThat(capped.peak()).as("capped: its ceiling").isLessThanOrEqualTo(CAPPED_CEILING);
            assertThat(guarded.peak()).as("guarded: its threads").isLessThanOrEqualTo(GUARDED_THREADS);
        }
    }

    @Test
    void floodingSharesStayWithinCapacityAndCeilingsAndNeverTakeAReservation() throws Exception {
        SharedCapacity workers = workers();
        Trackers trackers = new Trackers();
        LongAdder guardedRefusals = new LongAdder();
        LongAdder floodRefusals = new LongAdder();
        LongAdder cappedRefusals = new LongAdder();

        Concurrently.run(THREADS, index -> {
            if (index < GUARDED_THREADS) {
                holdOneAtATime(workers.share("guarded"), trackers.guarded, trackers, guardedRefusals, 200_000);
            } else {
                String share = index < GUARDED_THREADS + FLOOD_THREADS ? "flood" : "capped";
                flood(workers.share(share), trackers.of(share), trackers, share.equals("flood") ? floodRefusals : cappedRefusals,
                        40_000);
            }
        });

        trackers.assertWithinLimits();
        assertThat(guardedRefusals.sum()).as("refusals of a share within its reservation").isZero();
        assertThat(floodRefusals.sum()).as("flood was refused: the pressure was real").isPositive();
        assertThat(cappedRefusals.sum()).as("capped was refused: the pressure was real").isPositive();
        assertAllUnitsFree(workers);
    }

    /** Takes one unit with {@code tryAcquire()}, which must succeed, holds it briefly, gives it back. */
    private static void holdOneAtATime(SharedCapacity.Share share, PeakTracker tracker, Trackers trackers,
            LongAdder refusals, int rounds) {
        for (int i = 0; i < rounds; i++) {
            if (!share.tryAcquire()) {
                refusals.increment();
                continue;
            }
            trackers.enter(tracker);
            Thread.onSpinWait();
            trackers.exit(tracker);
            share.release();
        }
    }

    /**
     * Takes one to three units, each with {@code tryAcquire()} or a short {@code tryAcquire(timeout)},
     * holds what it got for a moment, gives it all back.
     */
    private static void flood(SharedCapacity.Share share, PeakTracker tracker, Trackers trackers, LongAdder refusals,
            int rounds) throws InterruptedException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < rounds; i++) {
            int wanted = 1 + random.nextInt(3);
            int taken = 0;
            for (int unit = 0; unit < wanted; unit++) {
                boolean took = random.nextBoolean()
                        ? share.tryAcquire()
                        : share.tryAcquire(TimeUnit.MICROSECONDS.toNanos(1 + random.nextInt(50)));
                if (took) {
                    trackers.enter(tracker);
                    taken++;
                } else {
                    refusals.increment();
                }
            }
            spinFor(random.nextInt(2_000));
            for (; taken > 0; taken--) {
                trackers.exit(tracker);
                share.release();
            }
        }
    }

    /** How a blocked waiter gets its unit in {@link #waitersAreWokenWhenAUnitComesBack}. */
    private enum Wake {
        /** The flooding share gives back a borrowed unit: it wakes the first waiter of every share. */
        BORROWED_UNIT_OF_ANOTHER_SHARE,
        /** The waiter's own share gives back a unit within its reservation: it wakes its own waiter. */
        RESERVED_UNIT_OF_ITS_OWN_SHARE
    }

    @Test
    void waitersAreWokenWhenAUnitComesBack() throws Exception {
        // 3 units: flood (reserves 1) and waiter (reserves 1) may each borrow the 1 spare unit.
        SharedCapacity pool = SharedCapacity.builder("pool", 3).share("flood", 1, 3).share("waiter", 1, 3).build();
        SharedCapacity.Share flood = pool.share("flood");
        SharedCapacity.Share waiter = pool.share("waiter");
        ExecutorService waiting = Executors.newSingleThreadExecutor();
        try {
            for (int round = 0; round < 10_000; round++) {
                Wake wake = Wake.values()[round % 2];
                boolean queuedFirst = round % 4 < 2; // else the unit comes back while the waiter queues
                assertThat(waiter.tryAcquire()).as("waiter's reservation").isTrue();
                assertThat(flood.tryAcquire() && flood.tryAcquire()).as("flood: its unit and the spare").isTrue();
                assertThat(waiter.tryAcquire()).as("nothing left for waiter").isFalse();

                Future<Boolean> got = waiting.submit(() -> waiter.tryAcquire(PATIENCE.toNanos() * 3));
                if (queuedFirst) {
                    awaitQueued(waiter, 1);
                }
                if (wake == Wake.BORROWED_UNIT_OF_ANOTHER_SHARE) {
                    flood.release();
                } else {
                    waiter.release();
                }
                assertThat(outcome(got, "round " + round + ": a waiter to be woken by a " + wake))
                        .as("round %d: a waiter woken by a %s", round, wake).isTrue();

                waiter.release();
                flood.release();
                if (wake == Wake.RESERVED_UNIT_OF_ITS_OWN_SHARE) {
                    flood.release();
                } else {
                    waiter.release();
                }
                assertThat(pool.inUse()).as("round %d: all back", round).isZero();
                assertThat(pool.borrowed()).as("round %d: nothing borrowed", round).isZero();
            }
        } finally {
            waiting.shutdownNow();
        }
        assertAllUnitsFree(pool);
    }

    @Test
    void aBorrowedUnitComingBackWakesTheWaitersOfEveryShare() throws Exception {
        // 5 units, 2 spare: flood borrows both; b and c each hold their reservation and wait for more.
        SharedCapacity pool = SharedCapacity.builder("pool", 5)
                .share("flood", 1, 3).share("b", 1, 2).share("c", 1, 2).build();
        SharedCapacity.Share flood = pool.share("flood");
        SharedCapacity.Share b = pool.share("b");
        SharedCapacity.Share c = pool.share("c");
        ExecutorService waiting = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 1_000; round++) {
                assertThat(b.tryAcquire() && c.tryAcquire()).as("reservations").isTrue();
                assertThat(flood.tryAcquire() && flood.tryAcquire() && flood.tryAcquire()).as("flood").isTrue();
                Future<Boolean> gotB = waiting.submit(() -> b.tryAcquire(PATIENCE.toNanos() * 3));
                Future<Boolean> gotC = waiting.submit(() -> c.tryAcquire(PATIENCE.toNanos() * 3));
                if (round % 2 == 0) {
                    awaitQueued(b, 1);
                    awaitQueued(c, 1);
                }
                // The two borrowed units come back from two threads at once.
                Concurrently.run(2, index -> flood.release());

                assertThat(outcome(gotB, "round " + round + ": b's waiter")).as("round %d: b woken", round).isTrue();
                assertThat(outcome(gotC, "round " + round + ": c's waiter")).as("round %d: c woken", round).isTrue();
                assertThat(pool.inUse()).isEqualTo(5);
                for (SharedCapacity.Share share : List.of(b, b, c, c, flood)) {
                    share.release();
                }
            }
        } finally {
            waiting.shutdownNow();
        }
        assertAllUnitsFree(pool);
    }

    @Test
    void bulkheadsOnSharesKeepTheSameGuarantees() throws Exception {
        SharedCapacity workers = workers();
        Bulkhead flood = check.track(Bulkhead.builder("flood").share(workers.share("flood"))
                .maxWait(Duration.ofNanos(20_000)).build());
        Bulkhead capped = check.track(Bulkhead.builder("capped").share(workers.share("capped"))
                .maxWait(Duration.ofNanos(20_000)).build());
        Bulkhead guarded = check.track(Bulkhead.builder("guarded").share(workers.share("guarded")).build());
        Trackers trackers = new Trackers();
        LongAdder rejected = new LongAdder();
        LongAdder guardedRejected = new LongAdder();

        Concurrently.run(THREADS, index -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < CALLS; i++) {
                if (index < GUARDED_THREADS) {
                    try {
                        guarded.run(() -> hold(trackers, trackers.guarded, random.nextInt(1_000)));
                    } catch (BulkheadFullException withinItsReservation) {
                        guardedRejected.increment();
                    }
                    continue;
                }
                try {
                    // One to three nested calls, each through flood or capped: one thread holds up to three permits.
                    callNested(random, 1 + random.nextInt(3), flood, capped, trackers);
                } catch (BulkheadFullException full) {
                    rejected.increment();
                }
            }
        });

        trackers.assertWithinLimits();
        assertThat(guardedRejected.sum()).as("guarded: within its reservation, never rejected").isZero();
        assertThat(guarded.stats().rejected()).isZero();
        assertThat(guarded.stats().accepted()).isEqualTo(GUARDED_THREADS * (long) CALLS);
        assertThat(flood.stats().rejected() + capped.stats().rejected()).isEqualTo(rejected.sum()).isPositive();
        for (Bulkhead bulkhead : List.of(flood, capped, guarded)) {
            CompartmentCheck.assertWhole(bulkhead.stats());
        }
        assertAllUnitsFree(workers);
    }

    /** Calls through flood or capped, and within the call, {@code depth - 1} calls more. */
    private static void callNested(ThreadLocalRandom random, int depth, Bulkhead flood, Bulkhead capped, Trackers trackers) {
        boolean viaFlood = random.nextBoolean();
        (viaFlood ? flood : capped).run(() -> {
            PeakTracker tracker = viaFlood ? trackers.flood : trackers.capped;
            trackers.enter(tracker);
            try {
                if (depth > 1) {
                    callNested(random, depth - 1, flood, capped, trackers);
                } else {
                    spinFor(random.nextInt(2_000));
                }
            } finally {
                trackers.exit(tracker);
            }
        });
    }

    private static void hold(Trackers trackers, PeakTracker tracker, long nanos) {
        trackers.enter(tracker);
        spinFor(nanos);
        trackers.exit(tracker);
    }

    /** What a waiter got, or a failure naming it if it is still waiting after {@link #PATIENCE}. */
    private static boolean outcome(Future<Boolean> attempt, String waiter) throws Exception {
        try {
            return attempt.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException stillWaiting) {
            throw new AssertionError(waiter + " was still waiting after " + PATIENCE
                    + " although a unit came back for it: a lost wake-up, or a unit refused to it", stillWaiting);
        }
    }

    /** Spins until the share has this many waiters, or fails after {@link #PATIENCE}. */
    private static void awaitQueued(SharedCapacity.Share share, int waiters) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (share.waiting() < waiters) {
            assertThat(System.nanoTime() - deadline).as("%s never queued %d waiters", share, waiters).isNegative();
            Thread.onSpinWait();
        }
    }

    /**
     * Asserts that nothing is in use, borrowed or waited for, then proves the counters whole by
     * taking every unit the shares may take at once (each share its reservation, the borrowing ones
     * the spare too) and giving them back.
     */
    private static void assertAllUnitsFree(SharedCapacity capacity) {
        assertThat(capacity.inUse()).as("units in use at the end").isZero();
        assertThat(capacity.borrowed()).as("units borrowed at the end").isZero();
        for (SharedCapacity.Share share : capacity.shares()) {
            assertThat(share.inUse()).as("%s in use", share.name()).isZero();
            assertThat(share.waiting()).as("%s waiting", share.name()).isZero();
        }
        List<SharedCapacity.Share> taken = new ArrayList<>();
        for (SharedCapacity.Share share : capacity.shares()) {
            for (int i = 0; i < share.reserved(); i++) {
                assertThat(share.tryAcquire()).as("%s: its reservation is free", share.name()).isTrue();
                taken.add(share);
            }
        }
        for (SharedCapacity.Share share : capacity.shares()) {
            while (share.inUse() < share.ceiling() && share.tryAcquire()) {
                taken.add(share);
            }
        }
        int reservations = capacity.shares().stream().mapToInt(SharedCapacity.Share::reserved).sum();
        int spareTaken = taken.size() - reservations;
        int spareAllowed = capacity.shares().stream().mapToInt(share -> share.ceiling() - share.reserved()).sum();
        assertThat(spareTaken).as("spare units taken: all there are, or every ceiling reached")
                .isEqualTo(Math.min(capacity.capacity() - reservations, spareAllowed));
        taken.forEach(SharedCapacity.Share::release);
        assertThat(capacity.inUse()).isZero();
        assertThat(capacity.borrowed()).isZero();
    }

    /** Busy-waits, holding the thread, without sleeping. */
    private static void spinFor(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
