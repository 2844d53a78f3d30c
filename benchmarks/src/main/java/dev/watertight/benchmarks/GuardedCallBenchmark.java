package dev.watertight.benchmarks;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.function.CheckedSupplier;
import dev.watertight.Bulkhead;
import dev.watertight.BulkheadStats;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
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
 * The cost of a guarded call that is admitted and succeeds: take a permit, run a trivial body,
 * give the permit back. This is what every call through a bulkhead pays when the service is
 * healthy, so it is the overhead the library adds to the common case.
 *
 * <p>Every implementation is one {@code @Benchmark} method of this class, so one run prints them
 * side by side. Each guard allows {@value #LIMIT} concurrent calls and does not wait, which is
 * far more than the benchmark threads, so no call is ever refused: a refusal fails the run
 * loudly instead of being measured. The thread count comes from the command line
 * ({@code -t 1}, {@code -t 2}, {@code -t 4}); all threads share one guard ({@link Scope#Benchmark}),
 * which is what contention on a real bulkhead looks like.
 *
 * <p>The body reads a non-final field and returns it to JMH, so it costs next to nothing but
 * cannot be removed. Each guard is called the way its documentation tells users to call it
 * (see each method). The anchors are the JDK {@link Semaphore}'s {@code tryAcquire}/{@code release}
 * pair, unfair and fair: no bulkhead can be much cheaper than the primitive it is built like.
 *
 * <p>Run with {@code -prof gc}: the {@code gc.alloc.rate.norm} column shows what each guarded
 * call allocates (the target for Watertight is 0 B/op).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class GuardedCallBenchmark {

    /** The limit of every guard: well above any thread count the benchmark runs with. */
    public static final int LIMIT = 64;

    // ---- the JDK anchors -------------------------------------------------------------------

    /**
     * The floor: an unfair {@link Semaphore}, {@code tryAcquire()} then the body then
     * {@code release()}. One CAS in, one CAS out.
     */
    @Benchmark
    public Object jdkSemaphoreUnfair(JdkSemaphoreUnfair guard) {
        Semaphore semaphore = guard.semaphore;
        if (!semaphore.tryAcquire()) {
            throw Work.unexpectedRejection("unfair JDK Semaphore");
        }
        try {
            return guard.work();
        } finally {
            semaphore.release();
        }
    }

    /**
     * A fair {@link Semaphore}. {@code tryAcquire()} ignores fairness (it always barges), so this
     * uses {@code tryAcquire(0, NANOSECONDS)}, which honours it: the same call Resilience4j makes.
     */
    @Benchmark
    public Object jdkSemaphoreFair(JdkSemaphoreFair guard) throws InterruptedException {
        Semaphore semaphore = guard.semaphore;
        if (!semaphore.tryAcquire(0, TimeUnit.NANOSECONDS)) {
            throw Work.unexpectedRejection("fair JDK Semaphore");
        }
        try {
            return guard.work();
        } finally {
            semaphore.release();
        }
    }

    // ---- Watertight ------------------------------------------------------------------------

    /** Watertight's default bulkhead (unfair, fail fast) through {@link Bulkhead#call}. */
    @Benchmark
    public Object watertightBulkhead(WatertightUnfair guard) throws Exception {
        return guard.bulkhead.call(guard.task);
    }

    /** Watertight with {@code fair(true)}, through {@link Bulkhead#call}; compare with the fair anchors. */
    @Benchmark
    public Object watertightBulkheadFair(WatertightFair guard) throws Exception {
        return guard.bulkhead.call(guard.task);
    }

    /**
     * Watertight's scoped form: {@code try (Permit p = bulkhead.acquire()) { body }}. A secondary
     * path, measured because it hands the caller a {@link Bulkhead.Permit} object, which
     * {@link Bulkhead#call} does not need.
     */
    @Benchmark
    @SuppressWarnings("try") // the permit is used only to scope the body, as Bulkhead.acquire documents
    public Object watertightAcquirePermit(WatertightUnfair guard) throws InterruptedException {
        try (Bulkhead.Permit permit = guard.bulkhead.acquire()) {
            return guard.work();
        }
    }

    // ---- Resilience4j ----------------------------------------------------------------------

    /**
     * Resilience4j 2.4 {@code SemaphoreBulkhead} with its default configuration (which is
     * fair, waits 0 and records stack traces) except {@code maxConcurrentCalls}. Called through a
     * supplier decorated once with {@code Bulkhead.decorateSupplier}, as its documentation shows;
     * {@code executeSupplier} would decorate again on every call.
     */
    @Benchmark
    public Object resilience4jDefault(Resilience4jDefault guard) {
        return guard.decorated.get();
    }

    /** Resilience4j with {@code fairCallHandlingStrategyEnabled(false)}, otherwise as above. */
    @Benchmark
    public Object resilience4jUnfair(Resilience4jUnfair guard) {
        return guard.decorated.get();
    }

    // ---- Failsafe --------------------------------------------------------------------------

    /**
     * Failsafe 3.3 {@code Bulkhead.of(64)} as a policy: {@code Failsafe.with(bulkhead).get(supplier)},
     * with the executor built once. This is how Failsafe's documentation uses a bulkhead.
     */
    @Benchmark
    public Object failsafeBulkhead(FailsafeGuard guard) {
        return guard.executor.get(guard.supplier);
    }

    /**
     * Failsafe's bulkhead used on its own, as its documentation also allows:
     * {@code if (bulkhead.tryAcquirePermit()) try { body } finally { bulkhead.releasePermit(); }}.
     * The cost of the bulkhead without Failsafe's execution machinery.
     */
    @Benchmark
    public Object failsafeBulkheadStandalone(FailsafeGuard guard) {
        dev.failsafe.Bulkhead<Object> bulkhead = guard.bulkhead;
        if (!bulkhead.tryAcquirePermit()) {
            throw Work.unexpectedRejection("Failsafe Bulkhead");
        }
        try {
            return guard.work();
        } finally {
            bulkhead.releasePermit();
        }
    }

    // ---- concurrency-limits ----------------------------------------------------------------

    /**
     * Netflix concurrency-limits 0.5 {@code SimpleLimiter} with {@code FixedLimit.of(64)}:
     * {@code acquire(context)} returns an optional listener, and the caller reports
     * {@code onSuccess()} when the body has returned.
     */
    @Benchmark
    public Object concurrencyLimitsSimpleLimiter(SimpleLimiterGuard guard) {
        Optional<Limiter.Listener> acquired = guard.limiter.acquire(null);
        if (acquired.isEmpty()) {
            throw Work.unexpectedRejection("SimpleLimiter");
        }
        Limiter.Listener listener = acquired.get();
        Object result;
        try {
            result = guard.work();
        } catch (RuntimeException failure) {
            listener.onIgnore();
            throw failure;
        }
        listener.onSuccess();
        return result;
    }

    // ---- state: one guard per implementation ----------------------------------------------

    /**
     * The body every guard runs, and the checks every guard's state shares. Not a JMH state on
     * its own: each implementation's state extends it, so a benchmark method builds only the guard
     * it measures.
     */
    public abstract static class Work {
        /** Not final, so that the JIT cannot fold the body into a constant. */
        private Object result = true;

        /** The guarded body: a field read. */
        public final Object work() {
            return result;
        }

        static IllegalStateException unexpectedRejection(String guard) {
            return new IllegalStateException(guard + " refused a call with " + LIMIT
                    + " permits: the guarded-call benchmark must never be rejected");
        }

        static void check(boolean condition, String message) {
            if (!condition) {
                throw new IllegalStateException(message);
            }
        }
    }

    /** An unfair JDK {@link Semaphore} with {@value #LIMIT} permits. */
    @State(Scope.Benchmark)
    public static class JdkSemaphoreUnfair extends Work {
        Semaphore semaphore;

        /** Creates the semaphore. */
        @Setup
        public void setUp() {
            semaphore = new Semaphore(LIMIT, false);
        }

        /** Fails the run if a permit was not given back. */
        @TearDown
        public void verify() {
            check(semaphore.availablePermits() == LIMIT, "permits leaked: " + semaphore);
        }
    }

    /** A fair JDK {@link Semaphore} with {@value #LIMIT} permits. */
    @State(Scope.Benchmark)
    public static class JdkSemaphoreFair extends Work {
        Semaphore semaphore;

        /** Creates the semaphore. */
        @Setup
        public void setUp() {
            semaphore = new Semaphore(LIMIT, true);
        }

        /** Fails the run if a permit was not given back. */
        @TearDown
        public void verify() {
            check(semaphore.availablePermits() == LIMIT, "permits leaked: " + semaphore);
        }
    }

    /** A Watertight bulkhead: {@value #LIMIT} permits, no wait, fair or not as the subclass says. */
    public abstract static class WatertightGuard extends Work {
        Bulkhead bulkhead;
        Callable<Object> task;

        abstract boolean fair();

        /** Builds the bulkhead. */
        @Setup
        public void setUp() {
            bulkhead = Bulkhead.builder("guarded-call").maxConcurrent(LIMIT).fair(fair()).build();
            task = this::work;
        }

        /** Fails the run if any call was refused or failed, or a permit was not given back. */
        @TearDown
        public void verify() {
            BulkheadStats stats = bulkhead.stats();
            check(stats.rejected() == 0 && stats.failed() == 0 && stats.inUse() == 0
                    && stats.accepted() > 0 && stats.accepted() == stats.succeeded(),
                    "unexpected bulkhead stats after the guarded-call benchmark: " + stats);
        }
    }

    /** Watertight's default, unfair bulkhead. */
    @State(Scope.Benchmark)
    public static class WatertightUnfair extends WatertightGuard {
        @Override
        boolean fair() {
            return false;
        }
    }

    /** Watertight's fair bulkhead. */
    @State(Scope.Benchmark)
    public static class WatertightFair extends WatertightGuard {
        @Override
        boolean fair() {
            return true;
        }
    }

    /** A Resilience4j {@code SemaphoreBulkhead} with a supplier decorated once. */
    public abstract static class Resilience4jGuard extends Work {
        io.github.resilience4j.bulkhead.Bulkhead bulkhead;
        Supplier<Object> decorated;

        abstract io.github.resilience4j.bulkhead.BulkheadConfig.Builder configure(
                io.github.resilience4j.bulkhead.BulkheadConfig.Builder builder);

        /** Builds the bulkhead and decorates the body. */
        @Setup
        public void setUp() {
            io.github.resilience4j.bulkhead.BulkheadConfig config = configure(
                    io.github.resilience4j.bulkhead.BulkheadConfig.custom()
                            .maxConcurrentCalls(LIMIT)
                            .maxWaitDuration(Duration.ZERO))
                    .build();
            bulkhead = io.github.resilience4j.bulkhead.Bulkhead.of("guarded-call", config);
            decorated = io.github.resilience4j.bulkhead.Bulkhead.decorateSupplier(bulkhead, this::work);
        }

        /** Fails the run if a permit was not given back. */
        @TearDown
        public void verify() {
            check(bulkhead.getMetrics().getAvailableConcurrentCalls() == LIMIT,
                    "permits leaked: " + bulkhead.getMetrics().getAvailableConcurrentCalls());
        }
    }

    /** Resilience4j's defaults: fair, stack traces on. */
    @State(Scope.Benchmark)
    public static class Resilience4jDefault extends Resilience4jGuard {
        @Override
        io.github.resilience4j.bulkhead.BulkheadConfig.Builder configure(
                io.github.resilience4j.bulkhead.BulkheadConfig.Builder builder) {
            return builder;
        }
    }

    /** Resilience4j with fair call handling turned off. */
    @State(Scope.Benchmark)
    public static class Resilience4jUnfair extends Resilience4jGuard {
        @Override
        io.github.resilience4j.bulkhead.BulkheadConfig.Builder configure(
                io.github.resilience4j.bulkhead.BulkheadConfig.Builder builder) {
            return builder.fairCallHandlingStrategyEnabled(false);
        }
    }

    /** A Failsafe {@code Bulkhead.of(64)} and an executor built once around it. */
    @State(Scope.Benchmark)
    public static class FailsafeGuard extends Work {
        dev.failsafe.Bulkhead<Object> bulkhead;
        FailsafeExecutor<Object> executor;
        CheckedSupplier<Object> supplier;

        /** Builds the bulkhead and its executor. */
        @Setup
        @SuppressWarnings("unchecked") // Failsafe.with(P, P...) has no @SafeVarargs
        public void setUp() {
            bulkhead = dev.failsafe.Bulkhead.of(LIMIT);
            executor = Failsafe.with(bulkhead);
            supplier = this::work;
        }

        /** Fails the run if a permit was not given back. */
        @TearDown
        public void verify() {
            int taken = 0;
            while (bulkhead.tryAcquirePermit()) {
                taken++;
            }
            for (int i = 0; i < taken; i++) {
                bulkhead.releasePermit();
            }
            check(taken == LIMIT, "permits leaked: only " + taken + " of " + LIMIT + " free");
        }
    }

    /** A concurrency-limits {@code SimpleLimiter} with a fixed limit. */
    @State(Scope.Benchmark)
    public static class SimpleLimiterGuard extends Work {
        SimpleLimiter<Void> limiter;

        /** Builds the limiter. */
        @Setup
        public void setUp() {
            limiter = SimpleLimiter.newBuilder().named("guarded-call").limit(FixedLimit.of(LIMIT)).build();
        }

        /** Fails the run if a call was left in flight. */
        @TearDown
        public void verify() {
            check(limiter.getInflight() == 0, "calls left in flight: " + limiter.getInflight());
        }
    }
}
