package dev.watertight.benchmarks;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limiter.AbstractPartitionedLimiter;
import dev.watertight.SharedCapacity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of taking one unit of a {@link SharedCapacity} share and giving it back, with nothing
 * in between: what a compartment (a share of a connection pool, say) adds to every call before the
 * call itself does anything.
 *
 * <p>Every guard has a capacity of {@value #CAPACITY}. The Watertight capacity has three shares,
 * {@code a}, {@code b} and {@code c}, each reserving {@value #RESERVED} and allowed up to all
 * {@value #CAPACITY}; only {@code a} is used. There are two Watertight cases, because a share
 * takes a unit by one of two paths:
 * <ul>
 *   <li>{@code watertightWithinReservation}: share {@code a} holds fewer units than it reserves, so
 *       a take is one CAS of the share's own counter and a release one atomic decrement of it (the
 *       fast path);</li>
 *   <li>{@code watertightBorrowing}: the setup takes {@code a}'s {@value #RESERVED} reserved units
 *       once and holds them until the teardown, so every take borrows from what nobody reserved:
 *       one CAS of the capacity's shared count of borrowed units, then one of the share's counter,
 *       and the release lowers both.</li>
 * </ul>
 *
 * <p>The anchors, measured in the same run:
 * <ul>
 *   <li>{@code jdkSemaphoreUnfair}: a bare unfair {@link Semaphore}, {@code tryAcquire()} then
 *       {@code release()}, the primitive a single bulkhead is built like;</li>
 *   <li>{@code jdkAtomicIntegerCas}: a bare {@link AtomicInteger} bounded by the capacity: read,
 *       compare with the bound, CAS up, then decrement. This is exactly the work of Watertight's
 *       fast path without the share around it, so it is the floor;</li>
 *   <li>{@code concurrencyLimitsPartitioned}: Netflix concurrency-limits 0.5's partitioned limiter
 *       (an {@code AbstractPartitionedLimiter} with three partitions {@code a}, {@code b}, {@code c}
 *       of 1/3 each over {@code FixedLimit.of(64)}, the partition named by the context), called
 *       as its documentation shows: {@code acquire(context)} returns an optional listener, and
 *       {@code onSuccess()} gives the slot back. It is the nearest thing in another library to a
 *       capacity split between compartments, but it does not bound what it admits: the limit check
 *       and the increment of the in-flight count are separate steps, a partition below its share
 *       is admitted even when the limit is reached, and the shares are rounded up (3 x 22 = 66 over
 *       a limit of 64), so it can admit more than its limit. Watertight never does;</li>
 *   <li>{@code concurrencyLimitsPartitionedOverShare}: the same limiter with partition {@code a}'s
 *       whole share (22 slots) taken by the setup and held, the counterpart of
 *       {@code watertightBorrowing}. While the limiter as a whole is below its limit, it admits a
 *       partition past its share without looking at the partition, so this takes the same path as
 *       the row above.</li>
 * </ul>
 *
 * <p>All threads share one guard ({@link Scope#Benchmark}); pass {@code -t 1}, {@code -t 2} or
 * {@code -t 4}. Each thread holds at most one unit at a time, so at 4 threads no guard can be
 * short of units (4 is far below every bound: the capacity, a share's reservation and the
 * {@value #RESERVED} units that may be borrowed). Refusals are therefore not expected; they are
 * not measured as a different path nor turned into a failure, but counted per thread in the
 * {@code refused} column (an {@link AuxCounters} state), which should read 0. The
 * {@code @TearDown} of every guard checks that every unit was given back, and fails the run if not.
 *
 * <p>Each method returns whether the unit was taken, so JMH consumes it. Run with
 * {@code -prof gc}: the {@code gc.alloc.rate.norm} column shows what each take-and-release
 * allocates. Watertight's is 0 B/op. concurrency-limits allocates an {@code Optional} and two
 * listener objects per call (72 B), which escape analysis removes only when C2 happens to inline
 * the whole {@code acquire} into the benchmark method, so its column reads 0 or 72 depending on
 * the JIT; 72 is what a call site that does not inline it pays.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class SharedCapacityBenchmark {

    /** The capacity of every guard: well above any thread count the benchmark runs with. */
    public static final int CAPACITY = 64;

    /** What each of the three Watertight shares reserves; the rest (16) may be borrowed. */
    public static final int RESERVED = 16;

    // ---- the JDK anchors -------------------------------------------------------------------

    /** An unfair {@link Semaphore}: {@code tryAcquire()} then {@code release()}. */
    @Benchmark
    public boolean jdkSemaphoreUnfair(JdkSemaphore guard, Refusals refusals) {
        Semaphore semaphore = guard.semaphore;
        if (!semaphore.tryAcquire()) {
            refusals.refused++;
            return false;
        }
        semaphore.release();
        return true;
    }

    /**
     * A bounded {@link AtomicInteger}: read, compare with the capacity, CAS up (again if another
     * thread got there first), then decrement. The floor of the fast path.
     */
    @Benchmark
    public boolean jdkAtomicIntegerCas(JdkAtomicInteger guard, Refusals refusals) {
        AtomicInteger used = guard.used;
        for (;;) {
            int held = used.get();
            if (held >= CAPACITY) {
                refusals.refused++;
                return false;
            }
            if (used.compareAndSet(held, held + 1)) {
                break;
            }
        }
        used.getAndDecrement();
        return true;
    }

    // ---- Watertight ------------------------------------------------------------------------

    /** Share {@code a} below its reservation: {@code tryAcquire()} then {@code release()}, one CAS each way. */
    @Benchmark
    public boolean watertightWithinReservation(WatertightWithinReservation guard, Refusals refusals) {
        return takeAndRelease(guard.share, refusals);
    }

    /** Share {@code a} holding its whole reservation, so every {@code tryAcquire()} borrows. */
    @Benchmark
    public boolean watertightBorrowing(WatertightBorrowing guard, Refusals refusals) {
        return takeAndRelease(guard.share, refusals);
    }

    private static boolean takeAndRelease(SharedCapacity.Share share, Refusals refusals) {
        if (!share.tryAcquire()) {
            refusals.refused++;
            return false;
        }
        share.release();
        return true;
    }

    // ---- concurrency-limits ----------------------------------------------------------------

    /**
     * concurrency-limits' partitioned limiter, partition {@code a} below its share:
     * {@code acquire("a")}, then {@code onSuccess()} on the listener.
     */
    @Benchmark
    public boolean concurrencyLimitsPartitioned(PartitionedLimiterGuard guard, Refusals refusals) {
        return acquireAndSucceed(guard, refusals);
    }

    /** The same with partition {@code a}'s whole share held by the setup. */
    @Benchmark
    public boolean concurrencyLimitsPartitionedOverShare(PartitionedLimiterOverShare guard, Refusals refusals) {
        return acquireAndSucceed(guard, refusals);
    }

    private static boolean acquireAndSucceed(PartitionedLimiterGuard guard, Refusals refusals) {
        Optional<Limiter.Listener> acquired = guard.limiter.acquire(guard.partition);
        if (acquired.isEmpty()) {
            refusals.refused++;
            return false;
        }
        acquired.get().onSuccess();
        return true;
    }

    // ---- state -----------------------------------------------------------------------------

    /**
     * Calls that found no unit, per thread and iteration; reported by JMH as the {@code refused}
     * column. Every guard has room for far more than the benchmark threads, so it should read 0.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Refusals {
        /** Calls refused in this iteration. */
        public long refused;

        /** Starts each iteration's count at zero. */
        @Setup(Level.Iteration)
        public void reset() {
            refused = 0;
        }
    }

    static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }

    /** An unfair JDK {@link Semaphore} with {@value #CAPACITY} permits. */
    @State(Scope.Benchmark)
    public static class JdkSemaphore {
        Semaphore semaphore;

        /** Creates the semaphore. */
        @Setup
        public void setUp() {
            semaphore = new Semaphore(CAPACITY, false);
        }

        /** Fails the run if a permit was not given back. */
        @TearDown
        public void verify() {
            check(semaphore.availablePermits() == CAPACITY, "permits leaked: " + semaphore);
        }
    }

    /** An {@link AtomicInteger} counting the units in use, bounded by {@value #CAPACITY}. */
    @State(Scope.Benchmark)
    public static class JdkAtomicInteger {
        AtomicInteger used;

        /** Creates the counter at zero. */
        @Setup
        public void setUp() {
            used = new AtomicInteger();
        }

        /** Fails the run if a unit was not given back. */
        @TearDown
        public void verify() {
            check(used.get() == 0, "units leaked: " + used.get() + " still counted in use");
        }
    }

    /** A capacity of {@value #CAPACITY} with three shares reserving {@value #RESERVED} each; share {@code a} is used. */
    public abstract static class WatertightGuard {
        SharedCapacity capacity;
        SharedCapacity.Share share;

        /** Units of share {@code a} the setup takes and holds until the teardown. */
        abstract int held();

        /** Builds the capacity and takes the units this case holds. */
        @Setup
        public void setUp() {
            capacity = SharedCapacity.builder("db", CAPACITY)
                    .share("a", RESERVED, CAPACITY)
                    .share("b", RESERVED, CAPACITY)
                    .share("c", RESERVED, CAPACITY)
                    .build();
            share = capacity.share("a");
            for (int i = 0; i < held(); i++) {
                check(share.tryAcquire(), "setup could not take unit " + (i + 1) + " of " + held() + ": " + capacity);
            }
        }

        /** Fails the run if a unit was not given back, then gives back what the setup took. */
        @TearDown
        public void verify() {
            check(share.inUse() == held() && capacity.inUse() == held() && capacity.borrowed() == 0,
                    "units leaked: " + capacity + ", " + capacity.borrowed() + " borrowed; the setup holds " + held());
            for (int i = 0; i < held(); i++) {
                share.release();
            }
        }
    }

    /** Share {@code a} holds nothing: every take is within its reservation. */
    @State(Scope.Benchmark)
    public static class WatertightWithinReservation extends WatertightGuard {
        @Override
        int held() {
            return 0;
        }
    }

    /** Share {@code a} holds its whole reservation: every take borrows. */
    @State(Scope.Benchmark)
    public static class WatertightBorrowing extends WatertightGuard {
        @Override
        int held() {
            return RESERVED;
        }
    }

    /**
     * {@code AbstractPartitionedLimiter} has no concrete builder of its own in 0.5.4: its
     * {@code Builder} is abstract only in {@code self()}, and its {@code build()} returns a
     * partitioned limiter once partitions and a resolver are given. This is that builder, with
     * the context being the partition's name.
     */
    static final class PartitionedBuilder extends AbstractPartitionedLimiter.Builder<PartitionedBuilder, String> {
        @Override
        protected PartitionedBuilder self() {
            return this;
        }
    }

    /** A concurrency-limits partitioned limiter: partitions a, b and c of 1/3 each over a fixed limit of {@value #CAPACITY}. */
    @State(Scope.Benchmark)
    public static class PartitionedLimiterGuard {
        Limiter<String> limiter;
        /** The context passed to {@code acquire}; not final, so that it is not a constant. */
        String partition = "a";
        final List<Limiter.Listener> held = new ArrayList<>();

        /** Slots of partition {@code a} the setup takes and holds until the teardown. */
        int held() {
            return 0;
        }

        /** Builds the limiter and takes the slots this case holds. */
        @Setup
        public void setUp() {
            limiter = new PartitionedBuilder()
                    .named("shared-capacity")
                    .limit(FixedLimit.of(CAPACITY))
                    .partitionResolver(name -> name)
                    .partition("a", 1.0 / 3)
                    .partition("b", 1.0 / 3)
                    .partition("c", 1.0 / 3)
                    .build();
            check(limiter instanceof AbstractPartitionedLimiter,
                    "expected a partitioned limiter, got " + limiter.getClass().getName());
            for (int i = 0; i < held(); i++) {
                Optional<Limiter.Listener> listener = limiter.acquire(partition);
                check(listener.isPresent(), "setup could not take slot " + (i + 1) + " of " + held());
                held.add(listener.get());
            }
        }

        /** Fails the run if a slot was not given back, then gives back what the setup took. */
        @TearDown
        public void verify() {
            int inflight = ((AbstractPartitionedLimiter<String>) limiter).getInflight();
            check(inflight == held(), "slots leaked: " + inflight + " in flight; the setup holds " + held());
            held.forEach(Limiter.Listener::onIgnore);
            held.clear();
        }
    }

    /** The partitioned limiter with partition {@code a}'s whole share (ceil(64 / 3) = 22 slots) held. */
    @State(Scope.Benchmark)
    public static class PartitionedLimiterOverShare extends PartitionedLimiterGuard {
        @Override
        int held() {
            return (CAPACITY + 2) / 3;
        }
    }
}
