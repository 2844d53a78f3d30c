package dev.watertight.benchmarks;

import dev.watertight.CpuBudget;
import dev.watertight.ResourceMeter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What per-call resource accounting costs: the same tiny piece of work run bare, through a
 * {@link ResourceMeter} measuring allocation, CPU time or both, and through a {@link CpuBudget}
 * (which reads the clock to admit and the thread's CPU time twice to charge). The difference to
 * {@code bare} is the price per call stated in the results table. The budget is far above what
 * the benchmark uses, so it never waits.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ResourceAccountingBenchmark {

    /** The meters and the budget, shared by all threads. */
    @State(Scope.Benchmark)
    public static class Meters {
        ResourceMeter allocation;
        ResourceMeter cpu;
        ResourceMeter both;
        CpuBudget budget;

        @Setup
        public void setUp() {
            allocation = ResourceMeter.builder("allocation").cpu(false).build();
            cpu = ResourceMeter.builder("cpu").allocation(false).build();
            both = ResourceMeter.builder("both").build();
            budget = CpuBudget.builder("budget").cores(64).window(Duration.ofMinutes(1)).build();
        }
    }

    /** The work: a few arithmetic operations, so the accounting is what shows. */
    private static long work(long seed) {
        return seed * 31 + (seed >>> 7);
    }

    /** The anchor: the work alone. */
    @Benchmark
    public long bare() {
        return work(System.identityHashCode(this));
    }

    /** Bytes allocated, read before and after. */
    @Benchmark
    public long meterAllocation(Meters meters) throws Exception {
        return meters.allocation.call(() -> work(System.identityHashCode(this)));
    }

    /** CPU time, read before and after. */
    @Benchmark
    public long meterCpu(Meters meters) throws Exception {
        return meters.cpu.call(() -> work(System.identityHashCode(this)));
    }

    /** Both counters. */
    @Benchmark
    public long meterBoth(Meters meters) throws Exception {
        return meters.both.call(() -> work(System.identityHashCode(this)));
    }

    /** A CPU budget that is never exceeded: admit, measure, charge. */
    @Benchmark
    public long cpuBudget(Meters meters) throws Exception {
        return meters.budget.call(() -> work(System.identityHashCode(this)));
    }
}
