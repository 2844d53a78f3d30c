package dev.watertight;

import dev.watertight.internal.Settings;
import dev.watertight.internal.ThreadCounters;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * A CPU rate for one compartment, such as {@code reporting} at most half a core, so that a
 * CPU-hungry compartment cannot starve the others, even on a machine with two cores.
 *
 * <pre>{@code
 * CpuBudget reporting = CpuBudget.builder("reporting").cores(0.5).build();
 * Report report = reporting.call(() -> buildReport(type));   // waits while reporting is over budget
 * }</pre>
 *
 * <p><b>How.</b> Each call's CPU time, read from the JVM's counter of the thread that ran it, is
 * charged when the call ends, as wall time at the budget's rate (1 ms of CPU at 0.5 cores is 2 ms
 * of budget). The charges are kept as one "paid until" instant (the generic cell rate algorithm on
 * CPU time): a call is admitted while that instant is at most one {@code window} ahead of now;
 * beyond, the compartment is over budget and a new call waits until it is not (or up to
 * {@code maxWait}), or is refused at once, as configured. So over any stretch of time the
 * compartment uses at most {@code cores} times it, plus one window's worth and the calls still
 * running. Calls already running are never stopped.
 *
 * <p><b>Cost.</b> A clock read to admit, two reads of the thread's CPU counter (each a system call:
 * 3.5 µs per call in all on our 2-vCPU VM) and one CAS to charge: meant for compartments whose
 * calls do real work, not for microsecond calls. Work on a virtual thread, for which the JVM
 * keeps no CPU counter, is charged its wall time instead: that never lets it exceed the budget,
 * but charges its waits on I/O too, so give I/O-bound work on virtual threads no CPU budget.
 * A caller never waits past the {@link Deadline} of an enclosing timeout.
 *
 * <p>Thread-safe.
 */
public final class CpuBudget {
    private static final VarHandle PAID_UNTIL;

    static {
        try {
            PAID_UNTIL = MethodHandles.lookup().findVarHandle(CpuBudget.class, "paidUntil", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * What a call does when the compartment is over its budget.
     *
     * <p>Immutable and thread-safe, as every enum.
     */
    public enum WhenOver {
        /** Wait until the compartment is within its budget again, up to {@code maxWait}, then refuse. */
        WAIT,
        /** Refuse at once with a {@link CpuBudgetExceededException}. */
        REFUSE
    }

    /** The largest single charge, so that adding it to a time of {@code nanoTime} never overflows. */
    private static final double MAX_COST_NANOS = 0x1p61; // 2^61: Long.MAX_VALUE / 4, rounded to a double

    private final String name;
    /**
     * The settings in force with their durations in nanoseconds; replaced whole by
     * {@link #reconfigure}, so that each admission and each charge reads one consistent set with
     * one volatile read.
     */
    private volatile Limits limits;
    private final boolean writableStackTrace;
    private final TimeSource time;
    private final LongAdder admitted = new LongAdder();
    private final LongAdder waited = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder cpuNanos = new LongAdder();
    private volatile long paidUntil;

    /** The settings in force, and the ones read on every call in the units they are read in. */
    private record Limits(CpuBudgetConfig config, double cores, long windowNanos, WhenOver whenOver, long maxWaitNanos) {
        Limits(CpuBudgetConfig config) {
            this(config, config.cores(), config.window().toNanos(), config.whenOver(), config.maxWait().toNanos());
        }
    }

    private CpuBudget(CpuBudgetConfig config) {
        this.name = config.name();
        this.limits = new Limits(config);
        this.writableStackTrace = config.writableStackTrace();
        this.time = config.timeSource();
        this.paidUntil = time.nanoTime();
        ThreadCounters.requireCpu(name);
    }

    /**
     * A budget built from settings made beforehand (by a builder's {@link Builder#config()}, or
     * read from a file).
     *
     * @param config the settings
     * @return a budget with nothing charged yet
     * @throws UnsupportedOperationException if this JVM cannot measure the CPU time of threads
     */
    public static CpuBudget of(CpuBudgetConfig config) {
        return new CpuBudget(Objects.requireNonNull(config, "config must not be null"));
    }

    /**
     * Starts describing a CPU budget.
     *
     * @param name the compartment's name
     * @return a builder; {@code cores} must be set
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** {@return the compartment's name} */
    public String name() {
        return name;
    }

    /** {@return the CPU rate allowed, in cores: as built, or as last changed} */
    public double cores() {
        return limits.cores();
    }

    /**
     * The settings in force: those it was built with, as changed since by {@link #reconfigure}
     * and {@link #resize}. Its {@code writableStackTrace} and time source are always those it was
     * built with.
     *
     * @return the settings in force
     */
    public CpuBudgetConfig config() {
        return limits.config();
    }

    /**
     * Changes the CPU rate in place. Charges made from now on (calls that end afterwards) are at
     * the new rate; what was charged before stays charged, so a compartment over its budget is
     * admitted again when that debt, in wall time, has passed.
     *
     * @param cores from 0.001 to 1024, as for the builder
     * @throws IllegalArgumentException naming the setting, the bad value and what is allowed
     */
    public void resize(double cores) {
        CpuBudgetConfig now = config();
        reconfigure(new CpuBudgetConfig(name, cores, now.window(), now.whenOver(), now.maxWait(), now.writableStackTrace(),
                now.timeSource()));
    }

    /**
     * Changes the rate, the window, the policy and the longest wait in place, for calls admitted
     * and charged from now on; what was charged before stays charged. {@code writableStackTrace}
     * and the time source stay as built.
     *
     * @param config the new settings, of this budget's name
     * @throws IllegalArgumentException if the name is another compartment's, or a setting that
     *     stays as built differs
     */
    public void reconfigure(CpuBudgetConfig config) {
        Objects.requireNonNull(config, "config must not be null");
        if (!config.name().equals(name)) {
            throw new IllegalArgumentException("CpuBudget '" + name + "' cannot take the settings of '" + config.name() + "'");
        }
        if (config.writableStackTrace() != writableStackTrace || config.timeSource() != time) {
            throw new IllegalArgumentException("writableStackTrace and timeSource of CpuBudget '" + name
                    + "' stay as built; only cores, window, whenOver and maxWait change in place");
        }
        limits = new Limits(config);
    }

    /**
     * Runs work on this thread once the compartment is within its budget, and charges the CPU
     * time it used.
     *
     * @param work the work
     * @param <T> its result
     * @return its result
     * @throws CpuBudgetExceededException if the compartment is over its budget and the policy is to
     *     refuse, or the wait ran out or was interrupted
     * @throws Exception whatever the work throws; its CPU time is charged all the same
     */
    public <T> T call(Callable<T> work) throws Exception {
        admit();
        long cpuBefore = ThreadCounters.cpuNanos();
        long wallBefore = cpuBefore < 0 ? System.nanoTime() : 0;
        try {
            return work.call();
        } finally {
            charge(cpuBefore < 0 ? System.nanoTime() - wallBefore : ThreadCounters.cpuNanos() - cpuBefore);
        }
    }

    /**
     * Waits until the compartment is within its budget, or refuses; for callers that measure and
     * {@link #charge} the work themselves.
     *
     * @throws CpuBudgetExceededException as {@link #call}
     */
    public void admit() {
        Limits in = limits; // one consistent set for this admission
        long windowNanos = in.windowNanos();
        long now = time.nanoTime();
        long ahead = paidUntil - windowNanos - now;
        if (ahead <= 0) {
            admitted.increment();
            return;
        }
        // Never wait past an enclosing timeout's deadline, as the other guards do not.
        long mayWait = Math.min(in.maxWaitNanos(), Deadline.remainingNanos());
        if (in.whenOver() == WhenOver.REFUSE || ahead > mayWait) {
            throw refuse(in, ahead, 0, false);
        }
        long start = now;
        while (ahead > 0) {
            LockSupport.parkNanos(this, ahead);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw refuse(in, ahead, time.nanoTime() - start, true);
            }
            now = time.nanoTime();
            ahead = paidUntil - windowNanos - now;
            if (ahead > 0 && now - start + ahead > mayWait) {
                throw refuse(in, ahead, now - start, false); // others charged more meanwhile
            }
        }
        waited.increment();
        admitted.increment();
    }

    /**
     * Charges CPU time used by the compartment's work.
     *
     * @param usedCpuNanos the CPU time, in nanoseconds; zero or less charges nothing
     */
    public void charge(long usedCpuNanos) {
        if (usedCpuNanos <= 0) {
            return;
        }
        cpuNanos.add(usedCpuNanos);
        long cost = (long) Math.min(MAX_COST_NANOS, usedCpuNanos / limits.cores()); // one volatile read
        long now = time.nanoTime();
        for (;;) {
            long paid = paidUntil;
            // An idle compartment does not bank credit: charges start from now at the earliest.
            long next = (paid - now < 0 ? now : paid) + cost;
            if (PAID_UNTIL.compareAndSet(this, paid, next)) {
                return;
            }
        }
    }

    private CpuBudgetExceededException refuse(Limits in, long aheadNanos, long waitedNanos, boolean interrupted) {
        refused.increment();
        return new CpuBudgetExceededException(name, in.cores(), in.windowNanos(), aheadNanos, waitedNanos,
                in.whenOver() == WhenOver.WAIT ? in.maxWaitNanos() : 0, interrupted, writableStackTrace);
    }

    /**
     * A snapshot of what the compartment used and how its calls fared.
     *
     * @return the stats now
     */
    public CpuBudgetStats stats() {
        return new CpuBudgetStats(name, limits.cores(), Duration.ofNanos(cpuNanos.sum()), admitted.sum(), waited.sum(),
                refused.sum());
    }

    @Override
    public String toString() {
        Limits in = limits;
        return "CpuBudget[" + name + ", " + in.cores() + " cores, window " + Duration.ofNanos(in.windowNanos()).toMillis()
                + " ms, " + in.whenOver() + "]";
    }

    /** Describes a {@link CpuBudget}; each setting is checked as it is given. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private double cores = Double.NaN;
        private Duration window = CpuBudgetConfig.DEFAULT_WINDOW;
        private WhenOver whenOver = WhenOver.WAIT;
        private Duration maxWait = CpuBudgetConfig.DEFAULT_MAX_WAIT;
        private boolean writableStackTrace;
        private TimeSource time = TimeSource.system();

        private Builder(String name) {
            this.name = Settings.name(name);
        }

        /**
         * The CPU rate allowed.
         *
         * @param cores from 0.001 to 1024 (0.5 is half of one core)
         * @return this builder
         */
        public Builder cores(double cores) {
            this.cores = CpuBudgetConfig.checkedCores(cores);
            return this;
        }

        /**
         * How far ahead of its rate the compartment may run, as a stretch of wall time: 1 s at 0.5
         * cores lets a call start while the compartment has used up to 0.5 s of CPU more than its
         * rate. Shorter windows hold the rate more tightly; 1 s unless set.
         *
         * @param window from 1 ms to 1 minute
         * @return this builder
         */
        public Builder window(Duration window) {
            this.window = CpuBudgetConfig.checkedWindow(window);
            return this;
        }

        /**
         * What a call does when the compartment is over its budget: wait (the default) or be
         * refused at once.
         *
         * @param whenOver the policy
         * @return this builder
         */
        public Builder whenOver(WhenOver whenOver) {
            this.whenOver = Objects.requireNonNull(whenOver, "whenOver must not be null");
            return this;
        }

        /**
         * How long a call may wait for the compartment to be within its budget; 5 s unless set.
         *
         * @param maxWait from 0 to 1 hour
         * @return this builder
         */
        public Builder maxWait(Duration maxWait) {
            this.maxWait = CpuBudgetConfig.checkedMaxWait(maxWait);
            return this;
        }

        /**
         * Whether refusals record a stack trace; off by default.
         *
         * @param writableStackTrace whether to record it
         * @return this builder
         */
        public Builder writableStackTrace(boolean writableStackTrace) {
            this.writableStackTrace = writableStackTrace;
            return this;
        }

        /**
         * The clock; tests may give their own.
         *
         * @param timeSource the clock
         * @return this builder
         */
        public Builder timeSource(TimeSource timeSource) {
            this.time = Objects.requireNonNull(timeSource, "timeSource must not be null");
            return this;
        }

        /**
         * Builds the budget.
         *
         * @return a budget with nothing charged yet
         * @throws IllegalArgumentException if cores was not set
         * @throws UnsupportedOperationException if this JVM cannot measure the CPU time of threads
         */
        public CpuBudget build() {
            return new CpuBudget(config());
        }

        /**
         * The settings given so far, checked together.
         *
         * @return the settings
         * @throws IllegalArgumentException if cores was not set
         */
        public CpuBudgetConfig config() {
            if (Double.isNaN(cores)) {
                throw new IllegalArgumentException("cores of CpuBudget '" + name + "' must be set, from 0.001 to 1024");
            }
            return new CpuBudgetConfig(name, cores, window, whenOver, maxWait, writableStackTrace, time);
        }
    }
}
