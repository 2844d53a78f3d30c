package dev.watertight.stress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watertight.Bulkhead;
import dev.watertight.Compartment;
import dev.watertight.KeyedCompartments;
import dev.watertight.KeyedCompartmentsFullException;
import dev.watertight.KeyedCompartmentsStats;
import dev.watertight.ThreadPoolBulkhead;
import dev.watertight.testing.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * A {@link KeyedCompartments} group under churn: a compartment with work in flight is never
 * evicted or closed, the bound on live compartments holds, and the counters add up.
 */
class KeyedCompartmentsStressTest {
    private final ManualTimeSource time = new ManualTimeSource();

    @Test
    void aFloodOfNewKeysNeverEvictsACompartmentWithWorkInFlight() throws Exception {
        Map<String, List<Compartment>> built = new ConcurrentHashMap<>();
        KeyedCompartments<String> group = KeyedCompartments.builder("flood", (String key) -> {
            Compartment compartment = key.startsWith("held")
                    ? Compartment.builder(key).threadPool(ThreadPoolBulkhead.of(key, 1, 0)).build()
                    : Compartment.builder(key).bulkhead(Bulkhead.of(key, 1)).build();
            built.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(compartment);
            return compartment;
        }).maxKeys(8).idleAfter(Duration.ofSeconds(1)).timeSource(time).build();
        CountDownLatch started = new CountDownLatch(2);
        CountDownLatch finish = new CountDownLatch(1);
        List<CompletableFuture<Compartment>> heldCalls = new ArrayList<>();
        for (String key : List.of("held-0", "held-1")) {
            CompletableFuture<Compartment> outcome = new CompletableFuture<>();
            heldCalls.add(outcome);
            Thread.ofPlatform().start(() -> {
                try {
                    outcome.complete(group.call(key, () -> {
                        started.countDown();
                        finish.await();
                        return group.compartment(key).orElseThrow(); // the same instance, still there
                    }));
                } catch (Throwable t) {
                    outcome.completeExceptionally(t);
                }
            });
        }
        CompletableFuture<String> heldWork = new CompletableFuture<>();
        CompletableFuture<String> heldAsync = group.callAsync("held-async", () -> heldWork);
        started.await();
        time.advance(1, TimeUnit.HOURS); // long idle by the clock, but busy

        for (int i = 0; i < 20_000; i++) {
            int value = i;
            assertThat(group.call("k" + i, () -> value)).isEqualTo(value);
            assertThat(group.keys()).isLessThanOrEqualTo(8);
            if (i % 1_000 == 0) {
                time.advance(2, TimeUnit.SECONDS); // and let every flooded key expire now and then
            }
        }

        assertThat(group.stats().evicted()).isGreaterThan(19_000);
        for (String key : List.of("held-0", "held-1", "held-async")) {
            assertThat(built.get(key)).as(key).hasSize(1);
            assertThat(group.compartment(key)).as(key).containsSame(built.get(key).get(0));
        }
        assertThat(built.get("held-0").get(0).threadPool().orElseThrow().isClosed()).isFalse();
        assertThat(built.get("held-async").get(0).threadPool().orElseThrow().isClosed()).isFalse();

        finish.countDown();
        heldWork.complete("done");
        assertThat(heldCalls.get(0).get(10, TimeUnit.SECONDS)).isSameAs(built.get("held-0").get(0));
        assertThat(heldCalls.get(1).get(10, TimeUnit.SECONDS)).isSameAs(built.get("held-1").get(0));
        assertThat(heldAsync.get(10, TimeUnit.SECONDS)).isEqualTo("done");

        // Once their work is done they are idle like any other, and go.
        time.advance(1, TimeUnit.HOURS);
        assertThat(group.evictIdle()).isEqualTo(8); // the three held and five flooded keys
        assertThat(group.compartment("held-0")).isEmpty();
        assertThat(built.get("held-0").get(0).threadPool().orElseThrow().isClosed()).isTrue();
        assertThat(group.keys()).isZero();
        group.close();
    }

    @Test
    void manyThreadsOnFewKeysNeverUseAClosedCompartmentAndTheCountsAddUp() throws Exception {
        Queue<String> violations = new ConcurrentLinkedQueue<>();
        Queue<TrackedCompartment> built = new ConcurrentLinkedQueue<>();
        AtomicInteger serial = new AtomicInteger();
        int maxKeys = 4;
        KeyedCompartments<Integer> group = KeyedCompartments.builder("stress", (Integer key) -> {
            TrackedCompartment compartment = new TrackedCompartment(key + "#" + serial.incrementAndGet(), violations);
            built.add(compartment);
            return compartment;
        }).maxKeys(maxKeys).idleAfter(Duration.ofMillis(5)).timeSource(time).build();
        AtomicBoolean running = new AtomicBoolean(true);
        LongAdder rejected = new LongAdder();
        LongAdder succeeded = new LongAdder();
        Thread clock = Thread.ofPlatform().start(() -> {
            while (running.get()) {
                time.advance(1, TimeUnit.MILLISECONDS);
                Thread.onSpinWait();
            }
        });

        Concurrently.run(8, index -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < 20_000; i++) {
                int key = random.nextInt(16);
                try {
                    switch (random.nextInt(3)) {
                        case 0 -> group.call(key, () -> 1);
                        case 1 -> {
                            // Holds one key while calling another, so that some keys are busy
                            // when the group needs room.
                            CompletableFuture<Integer> work = new CompletableFuture<>();
                            CompletableFuture<Integer> outer = group.callAsync(key, () -> work);
                            try {
                                group.call(random.nextInt(16), () -> 2);
                            } catch (KeyedCompartmentsFullException full) {
                                rejected.increment();
                            }
                            work.complete(1);
                            outer.join();
                        }
                        default -> {
                            if (random.nextInt(64) == 0) {
                                group.evictIdle();
                            }
                            group.call(key, () -> group.call(key, () -> 3)); // nested on the same key
                        }
                    }
                    succeeded.increment();
                } catch (KeyedCompartmentsFullException full) {
                    rejected.increment();
                } catch (java.util.concurrent.CompletionException full) {
                    assertThat(full).hasCauseInstanceOf(KeyedCompartmentsFullException.class);
                    rejected.increment();
                }
                assertThat(group.keys()).isLessThanOrEqualTo(maxKeys);
            }
        });
        running.set(false);
        clock.join();

        KeyedCompartmentsStats stats = group.stats();
        System.out.printf("KeyedCompartments stress: %d calls, %d refused (group full), %s%n",
                succeeded.sum(), rejected.sum(), stats);
        assertThat(violations).isEmpty();
        assertThat(stats.created() - stats.evicted()).isEqualTo(stats.keys());
        assertThat(stats.created()).isEqualTo(built.size());
        assertThat(stats.evicted()).isPositive();
        assertThat(built.stream().filter(TrackedCompartment::closed).count()).isEqualTo(stats.evicted());
        assertThat(built).allMatch(compartment -> compartment.closes() <= 1);

        group.close();
        assertThat(built).allMatch(TrackedCompartment::closed);
        assertThat(violations).isEmpty();
    }
}
