package dev.watertight.stress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watertight.SharedCapacity;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * Ceilings of a {@link SharedCapacity} shrunk and grown without pause while 8 threads take and give
 * back units: no share ever holds more than the ceiling in force when it took a unit, the total
 * never exceeds the capacity, callers waiting when a ceiling is raised get in, and every unit comes
 * back.
 *
 * <p><b>The capacity.</b> 12 units: {@code a} (reserves 2) and {@code b} (reserves 2) with 3
 * threads each, {@code c} (reserves nothing) with 2; 8 units are spare, so ceilings (from the
 * reservation to 12) and the spare both bind in turn. One more thread, the resizer, sets a random
 * ceiling on a random share, again and again, until the 8 are done; they go on until it has done
 * {@value #MIN_RESIZES} resizes.
 *
 * <p><b>Which ceiling was in force.</b> The resizer is the only writer: for its k-th resize of a
 * share it writes the new ceiling into that share's {@code history[k]}, resizes, then publishes
 * {@code k} in the share's {@code epoch}. A taker reads the epoch ({@code e1}) before it asks, and
 * again ({@code e2}) after it has counted its unit in the share's {@link PeakTracker}; the ceilings
 * in force between are among {@code history[e1..e2+1]}. The tracker counts a unit only after it was
 * granted and stops before it is given back, so it never counts more than the share holds; when
 * the taker's unit was granted, the share held at most the ceiling then in force, and every grant
 * until the taker counted its unit left it at most at the ceiling in force at that grant. So the
 * count the taker sees is at most the highest of those ceilings, and a count above it is a unit
 * the ledger granted beyond the ceiling in force. (The narrowest race, a taker that judged a stale
 * ceiling and then won its CAS, needs an unlucky schedule to show here; the Lincheck model
 * {@code CapacityLedgerCeilingLincheckTest} finds it at once in a ledger that has it.)
 *
 * <p>No sleeps: the threads start together on a barrier and the resizer stops on a flag.
 */
class CeilingResizeStressTest {
    private static final int CAPACITY = 12;
    private static final String[] SHARES = {"a", "b", "c"};
    private static final int[] RESERVED = {2, 2, 0};
    private static final int[] THREADS_ON = {0, 0, 0, 1, 1, 1, 2, 2};
    private static final int TAKERS = THREADS_ON.length;
    private static final int ROUNDS = 200_000;
    /** Takers go on past their rounds until the resizer has done this many resizes. */
    private static final int MIN_RESIZES = 200_000;
    /** The most resizes recorded per share; the resizer stops resizing a share once there. */
    private static final int MAX_RESIZES = 1_000_000;
    private static final long WAIT_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    /** One share's ceilings over time, as the resizer set them. */
    private static final class Ceilings {
        final AtomicIntegerArray history = new AtomicIntegerArray(MAX_RESIZES + 1);
        final AtomicInteger epoch = new AtomicInteger();

        Ceilings(int initial) {
            history.set(0, initial);
        }

        /** The highest ceiling that may have been in force between reading epochs e1 and e2. */
        int highestBetween(int e1, int e2) {
            int highest = 0;
            for (int k = e1; k <= Math.min(e2 + 1, MAX_RESIZES); k++) {
                highest = Math.max(highest, history.get(k));
            }
            return highest;
        }
    }

    @Test
    void noShareEverHoldsMoreThanTheCeilingInForceWhileCeilingsShrinkAndGrow() throws Exception {
        SharedCapacity.Builder builder = SharedCapacity.builder("resized", CAPACITY);
        Ceilings[] ceilings = new Ceilings[SHARES.length];
        PeakTracker[] trackers = new PeakTracker[SHARES.length];
        for (int s = 0; s < SHARES.length; s++) {
            builder.share(SHARES[s], RESERVED[s], CAPACITY / 2);
            ceilings[s] = new Ceilings(CAPACITY / 2);
            trackers[s] = new PeakTracker();
        }
        SharedCapacity capacity = builder.build();
        PeakTracker total = new PeakTracker();
        AtomicReference<String> overCeiling = new AtomicReference<>();
        AtomicInteger takersDone = new AtomicInteger();
        LongAdder granted = new LongAdder();
        LongAdder refused = new LongAdder();
        LongAdder waitedAndGranted = new LongAdder();
        AtomicInteger resizes = new AtomicInteger();

        Concurrently.run(TAKERS + 1, index -> {
            if (index == TAKERS) {
                resize(capacity, ceilings, takersDone, resizes);
                return;
            }
            try {
                int s = THREADS_ON[index];
                SharedCapacity.Share share = capacity.share(SHARES[s]);
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int round = 0; round < ROUNDS || resizes.get() < MIN_RESIZES; round++) {
                    int e1 = ceilings[s].epoch.get();
                    boolean waits = random.nextBoolean();
                    boolean took = waits ? share.tryAcquire(WAIT_NANOS) : share.tryAcquire();
                    if (!took) {
                        refused.increment();
                        continue;
                    }
                    granted.increment();
                    if (waits) {
                        waitedAndGranted.increment();
                    }
                    trackers[s].enter();
                    total.enter();
                    int holding = trackers[s].running();
                    int e2 = ceilings[s].epoch.get();
                    int highest = ceilings[s].highestBetween(e1, e2);
                    if (holding > highest) {
                        overCeiling.compareAndSet(null, SHARES[s] + " held " + holding + " units while the ceilings in force "
                                + "were at most " + highest + " (epochs " + e1 + ".." + e2 + ")");
                    }
                    for (int spin = random.nextInt(8); spin > 0; spin--) {
                        Thread.onSpinWait();
                    }
                    total.exit();
                    trackers[s].exit();
                    share.release();
                }
            } finally {
                takersDone.incrementAndGet();
            }
        });

        assertThat(overCeiling.get()).as("a unit granted above the ceiling in force").isNull();
        assertThat(total.peak()).as("units in use at once over all shares").isLessThanOrEqualTo(CAPACITY);
        assertThat(resizes.get()).as("ceilings really moved under the takers").isGreaterThanOrEqualTo(MIN_RESIZES);
        assertThat(refused.sum()).as("ceilings and the spare bound: the pressure was real").isPositive();
        assertThat(waitedAndGranted.sum()).as("some waiting callers got in").isPositive();
        assertThat(capacity.inUse()).isZero();
        assertThat(capacity.borrowed()).isZero();
        for (SharedCapacity.Share share : capacity.shares()) {
            assertThat(share.waiting()).as(share.name() + " has nobody waiting").isZero();
        }
    }

    /** Sets random ceilings on random shares until every taker is done. */
    private static void resize(SharedCapacity capacity, Ceilings[] ceilings, AtomicInteger takersDone, AtomicInteger resizes) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (takersDone.get() < TAKERS) {
            int s = random.nextInt(SHARES.length);
            Ceilings share = ceilings[s];
            int next = share.epoch.get() + 1;
            if (next > MAX_RESIZES) {
                continue;
            }
            int ceiling = random.nextInt(Math.max(1, RESERVED[s]), CAPACITY + 1);
            share.history.set(next, ceiling); // before the resize: a taker's window may end just after it
            capacity.share(SHARES[s]).resizeCeiling(ceiling);
            share.epoch.set(next);
            resizes.incrementAndGet();
        }
    }
}
