package dev.watertight.stress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watertight.Bulkhead;
import dev.watertight.Compartment;
import dev.watertight.KeyedCompartments;
import dev.watertight.KeyedCompartmentsStats;
import dev.watertight.testing.ManualTimeSource;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The issue other libraries have had (resilience4j #273; Hystrix #1737, 5,000 keys holding
 * 1.5 GB): a registry of per-key guards that only grows. A million distinct keys through a group
 * bounded at ten thousand must retain about what ten thousand keys retain.
 */
class KeyedCompartmentsMemoryTest {
    private static final int MAX_KEYS = 10_000;
    private static final int KEYS = 1_000_000;
    private static final long MB = 1024 * 1024;

    @Test
    void aMillionDistinctKeysRetainAboutWhatTenThousandDo() throws Exception {
        ManualTimeSource time = new ManualTimeSource();
        long baseline = heapUsedAfterGc();
        KeyedCompartments<Integer> tenants = KeyedCompartments.builder("tenants",
                        (Integer tenant) -> Compartment.builder("tenant-" + tenant)
                                .bulkhead(Bulkhead.of("tenant-" + tenant, 4))
                                .build())
                .maxKeys(MAX_KEYS).idleAfter(Duration.ofMinutes(10)).timeSource(time).build();
        long started = System.nanoTime();

        int peak = 0;
        for (int key = 0; key < MAX_KEYS; key++) {
            peak = Math.max(peak, callOnce(tenants, key));
        }
        long tenThousand = heapUsedAfterGc() - baseline;
        for (int key = MAX_KEYS; key < KEYS; key++) {
            peak = Math.max(peak, callOnce(tenants, key));
            if (key % 100_000 == 0) {
                time.advance(1, TimeUnit.MINUTES); // some keys expire by time, the rest go as least recently used
            }
        }
        long million = heapUsedAfterGc() - baseline;
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        KeyedCompartmentsStats stats = tenants.stats();
        Reference.reachabilityFence(tenants);

        System.out.printf("KeyedCompartments memory: %,d keys through maxKeys %,d in %d s: retained %,d KB after"
                        + " %,d keys, %,d KB after %,d keys; peak live %,d; %s%n",
                KEYS, MAX_KEYS, seconds, tenThousand / 1024, MAX_KEYS, million / 1024, KEYS, peak, stats);
        assertThat(peak).isLessThanOrEqualTo(MAX_KEYS);
        assertThat(stats.keys()).isLessThanOrEqualTo(MAX_KEYS);
        assertThat(stats.created()).isEqualTo(KEYS);
        assertThat(stats.created() - stats.evicted()).isEqualTo(stats.keys());
        assertThat(million).isLessThan(2 * tenThousand + 16 * MB);
        tenants.close();
    }

    private static int callOnce(KeyedCompartments<Integer> tenants, int key) throws Exception {
        assertThat(tenants.call(key, () -> key)).isEqualTo(key);
        int live = tenants.keys();
        if (live > MAX_KEYS) { // fails fast, before an unbounded group fills the heap
            throw new AssertionError(live + " live keys, more than maxKeys " + MAX_KEYS);
        }
        return live;
    }

    /** The heap in use after full collections, so that only what is reachable is counted. */
    private static long heapUsedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            memory.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
