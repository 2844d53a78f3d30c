package dev.watertight.stress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watertight.MemoryBudgetExceededException;
import dev.watertight.MemoryBulkhead;
import dev.watertight.MemoryReservation;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * 16 threads reserving, growing, shrinking and releasing bytes in three children of one parent:
 * no child ever holds more than its budget, the children together never more than the parent's,
 * and every byte comes back.
 */
class MemoryBulkheadStressTest {
    private static final int THREADS = 16;
    private static final int ROUNDS = 30_000;
    private static final long PARENT_BUDGET = 300;

    /** Bytes held as the threads see them, and the most at once. */
    private static final class Held {
        final AtomicLong now = new AtomicLong();
        final AtomicLong peak = new AtomicLong();

        void add(long bytes) {
            peak.accumulateAndGet(now.addAndGet(bytes), Math::max);
        }
    }

    @Test
    void budgetsHoldAndNothingLeaksUnderSixteenThreads() throws Exception {
        // The children's budgets add up to more than the parent's, so the parent binds too.
        MemoryBulkhead parent = MemoryBulkhead.builder("caches").budget(PARENT_BUDGET).build();
        MemoryBulkhead[] children = {
            MemoryBulkhead.builder("users").budget(200).parent(parent).build(),
            MemoryBulkhead.builder("sessions").budget(150).parent(parent).build(),
            MemoryBulkhead.builder("statics").budget(100).parent(parent).build()
        };
        Held total = new Held();
        Held[] held = {new Held(), new Held(), new Held()};
        LongAdder refused = new LongAdder();

        Concurrently.run(THREADS, index -> {
            int which = index % children.length;
            MemoryBulkhead bulkhead = children[which];
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int round = 0; round < ROUNDS; round++) {
                long bytes = 1 + random.nextInt(100);
                switch (random.nextInt(3)) {
                    case 0 -> {
                        if (!bulkhead.tryReserve(bytes)) {
                            refused.increment();
                            continue;
                        }
                        held[which].add(bytes);
                        total.add(bytes);
                        hold(random);
                        total.add(-bytes);
                        held[which].add(-bytes);
                        bulkhead.release(bytes);
                    }
                    case 1 -> {
                        try (MemoryReservation reservation = bulkhead.reserve(bytes, Duration.ofNanos(random.nextInt(20_000)))) {
                            held[which].add(bytes);
                            total.add(bytes);
                            long grown = bytes + random.nextInt(50);
                            long was = bytes;
                            try {
                                reservation.resize(grown);
                                held[which].add(grown - bytes);
                                total.add(grown - bytes);
                                was = grown;
                            } catch (MemoryBudgetExceededException full) {
                                refused.increment();
                            }
                            hold(random);
                            total.add(-was);
                            held[which].add(-was);
                            reservation.resize(was / 2); // shrinking always works
                        } catch (MemoryBudgetExceededException full) {
                            refused.increment();
                        }
                    }
                    default -> {
                        MemoryReservation reservation;
                        try {
                            reservation = bulkhead.reserve(bytes);
                        } catch (MemoryBudgetExceededException full) {
                            refused.increment();
                            continue;
                        }
                        held[which].add(bytes);
                        total.add(bytes);
                        hold(random);
                        total.add(-bytes);
                        held[which].add(-bytes);
                        reservation.close();
                        reservation.close(); // closing twice releases once
                    }
                }
            }
        });

        for (int i = 0; i < children.length; i++) {
            assertThat(held[i].peak.get()).as("peak of %s", children[i].name()).isLessThanOrEqualTo(children[i].budget());
            assertThat(children[i].reserved()).as("%s holds nothing at the end", children[i].name()).isZero();
            assertThat(children[i].stats().peak()).isLessThanOrEqualTo(children[i].budget());
        }
        assertThat(total.peak.get()).as("peak over the parent").isLessThanOrEqualTo(PARENT_BUDGET);
        assertThat(parent.reserved()).isZero();
        assertThat(parent.stats().peak()).as("the parent's budget was nearly reached: the pressure was real")
                .isBetween(PARENT_BUDGET * 9 / 10, PARENT_BUDGET);
        assertThat(refused.sum()).as("the budgets were reached").isPositive();
        assertThat(parent.tryReserve(PARENT_BUDGET)).as("every byte is back").isTrue();
        parent.release(PARENT_BUDGET);
    }

    /** Holds what was reserved for a moment, so that reservations overlap. */
    private static void hold(ThreadLocalRandom random) {
        for (int spin = random.nextInt(64); spin > 0; spin--) {
            Thread.onSpinWait();
        }
    }
}
