package dev.watertight.benchmarks;

import dev.watertight.MemoryBulkhead;
import dev.watertight.MemoryReservation;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of reserving bytes from a {@link MemoryBulkhead} and releasing them, with nothing in
 * between, against the bare atomic add and subtract it is built on.
 *
 * <ul>
 *   <li>{@code atomicLongAddSubtract}: the anchor, {@code addAndGet(+n)} then {@code addAndGet(-n)}
 *       on one {@link AtomicLong}, with no budget checked: the floor of any byte accounting;</li>
 *   <li>{@code tryReserveRelease}: {@code tryReserve(n)} (read, compare with the budget, CAS) and
 *       {@code release(n)} on a bulkhead with no parent;</li>
 *   <li>{@code tryReserveReleaseWithParent}: the same on a child of a parent budget, so each
 *       operation is done at both levels;</li>
 *   <li>{@code reservationHandle}: {@code reserve(n)} returning a {@link MemoryReservation} closed
 *       by try-with-resources, the convenient form (one small object, unless escape analysis
 *       removes it).</li>
 * </ul>
 * Budgets are far above what the threads hold, so nothing is refused; the teardown checks that
 * every byte came back. All threads share the bulkheads; pass {@code -t 1}, {@code -t 2} or
 * {@code -t 4}, and {@code -prof gc} for the bytes allocated per operation. The target: at most
 * 1.5x the anchor and 0 B/op for the allocation-free form.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class MemoryBulkheadBenchmark {
    /** The bytes each operation reserves. */
    public static final long BYTES = 4096;

    /** The bulkheads and the anchor, shared by all threads. */
    @State(Scope.Benchmark)
    public static class Budgets {
        final AtomicLong counter = new AtomicLong();
        MemoryBulkhead alone;
        MemoryBulkhead parent;
        MemoryBulkhead child;

        @Setup
        public void setUp() {
            alone = MemoryBulkhead.builder("alone").budget(1L << 40).build();
            parent = MemoryBulkhead.builder("parent").budget(1L << 40).build();
            child = MemoryBulkhead.builder("child").budget(1L << 39).parent(parent).build();
        }

        @TearDown
        public void tearDown() {
            for (MemoryBulkhead bulkhead : new MemoryBulkhead[] {alone, parent, child}) {
                if (bulkhead.reserved() != 0 || bulkhead.stats().refusals() != 0) {
                    throw new IllegalStateException("bytes leaked or refused: " + bulkhead.stats());
                }
            }
            if (counter.get() != 0) {
                throw new IllegalStateException("the anchor's counter is " + counter.get());
            }
        }
    }

    /** The anchor: an atomic add and subtract, no budget. */
    @Benchmark
    public long atomicLongAddSubtract(Budgets budgets) {
        long now = budgets.counter.addAndGet(BYTES);
        budgets.counter.addAndGet(-BYTES);
        return now;
    }

    /** Reserve and release on a bulkhead with no parent. */
    @Benchmark
    public boolean tryReserveRelease(Budgets budgets) {
        boolean reserved = budgets.alone.tryReserve(BYTES);
        if (reserved) {
            budgets.alone.release(BYTES);
        }
        return reserved;
    }

    /** Reserve and release on a child, which counts in its parent too. */
    @Benchmark
    public boolean tryReserveReleaseWithParent(Budgets budgets) {
        boolean reserved = budgets.child.tryReserve(BYTES);
        if (reserved) {
            budgets.child.release(BYTES);
        }
        return reserved;
    }

    /** The handle form, closed by try-with-resources. */
    @Benchmark
    public long reservationHandle(Budgets budgets) {
        try (MemoryReservation reservation = budgets.alone.reserve(BYTES)) {
            return reservation.bytes();
        }
    }
}
