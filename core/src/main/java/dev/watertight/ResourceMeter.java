package dev.watertight;

import dev.watertight.internal.Settings;
import dev.watertight.internal.ThreadCounters;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;

/**
 * Accounts the CPU time and the bytes allocated by the work one compartment runs, read from the
 * JVM's per-thread counters at the start and the end of each piece of work, on the thread that
 * runs it.
 *
 * <pre>{@code
 * ResourceMeter reporting = ResourceMeter.builder("reporting").cpu(true).allocation(true).build();
 * Report report = reporting.call(() -> buildReport(type));
 * reporting.stats();  // calls, CPU time, bytes allocated
 * }</pre>
 *
 * <p><b>Cost.</b> Opt-in, because reading the counters costs time: a CPU-time read is a system
 * call (about 1.6 µs on our 2-vCPU VM, so 3.3 µs per call; less on bare metal), an allocation read
 * about 30 ns; {@code benchmarks/RESULTS.md} has the figures and the command. Work run on a virtual thread is counted
 * as a call but not measured: the JVM gives no per-thread counters for virtual threads.
 *
 * <p>Thread-safe.
 */
public final class ResourceMeter {
    private final String name;
    private final boolean cpu;
    private final boolean allocation;
    private final LongAdder calls = new LongAdder();
    private final LongAdder unmeasured = new LongAdder();
    private final LongAdder cpuNanos = new LongAdder();
    private final LongAdder allocatedBytes = new LongAdder();

    private ResourceMeter(Builder builder) {
        this.name = builder.name;
        this.cpu = builder.cpu;
        this.allocation = builder.allocation;
    }

    /**
     * Starts describing a meter.
     *
     * @param name the compartment's name
     * @return a builder measuring CPU time and allocation unless told otherwise
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** {@return the compartment's name} */
    public String name() {
        return name;
    }

    /**
     * Runs work on this thread and accounts what it used.
     *
     * @param work the work
     * @param <T> its result
     * @return its result
     * @throws Exception whatever the work throws; it is accounted all the same
     */
    public <T> T call(Callable<T> work) throws Exception {
        long cpuBefore = cpu ? ThreadCounters.cpuNanos() : 0;
        long bytesBefore = allocation ? ThreadCounters.allocatedBytes() : 0;
        try {
            return work.call();
        } finally {
            record(cpuBefore, bytesBefore);
        }
    }

    /**
     * Runs work on this thread and accounts what it used.
     *
     * @param work the work
     */
    public void run(Runnable work) {
        long cpuBefore = cpu ? ThreadCounters.cpuNanos() : 0;
        long bytesBefore = allocation ? ThreadCounters.allocatedBytes() : 0;
        try {
            work.run();
        } finally {
            record(cpuBefore, bytesBefore);
        }
    }

    private void record(long cpuBefore, long bytesBefore) {
        calls.increment();
        if (cpuBefore < 0 || bytesBefore < 0) {
            unmeasured.increment(); // a virtual thread: the JVM keeps no counters for it
            return;
        }
        if (cpu) {
            cpuNanos.add(Math.max(0, ThreadCounters.cpuNanos() - cpuBefore));
        }
        if (allocation) {
            allocatedBytes.add(Math.max(0, ThreadCounters.allocatedBytes() - bytesBefore));
        }
    }

    /**
     * A snapshot of what the compartment's work used so far.
     *
     * @return the stats now
     */
    public ResourceStats stats() {
        return new ResourceStats(name, calls.sum(), unmeasured.sum(),
                cpu ? Duration.ofNanos(cpuNanos.sum()) : null, allocation ? allocatedBytes.sum() : -1);
    }

    @Override
    public String toString() {
        return "ResourceMeter[" + name + (cpu ? ", cpu" : "") + (allocation ? ", allocation" : "") + "]";
    }

    /** Describes a {@link ResourceMeter}. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private boolean cpu = true;
        private boolean allocation = true;

        private Builder(String name) {
            this.name = Settings.name(name);
        }

        /**
         * Whether to measure CPU time (on by default).
         *
         * @param cpu whether to
         * @return this builder
         */
        public Builder cpu(boolean cpu) {
            this.cpu = cpu;
            return this;
        }

        /**
         * Whether to measure bytes allocated (on by default).
         *
         * @param allocation whether to
         * @return this builder
         */
        public Builder allocation(boolean allocation) {
            this.allocation = allocation;
            return this;
        }

        /**
         * Builds the meter.
         *
         * @return the meter
         * @throws IllegalArgumentException if nothing is measured
         * @throws UnsupportedOperationException if this JVM cannot measure what was asked
         */
        public ResourceMeter build() {
            if (!cpu && !allocation) {
                throw new IllegalArgumentException("ResourceMeter '" + name + "' must measure cpu, allocation or both, was neither");
            }
            if (cpu) {
                ThreadCounters.requireCpu(name);
            }
            if (allocation) {
                ThreadCounters.requireAllocation(name);
            }
            return new ResourceMeter(this);
        }
    }
}
