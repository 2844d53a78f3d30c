package dev.watertight.benchmarks;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.function.CheckedSupplier;
import dev.watertight.Bulkhead;
import dev.watertight.BulkheadFullException;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The cost of being refused by a full bulkhead. Under overload most calls take this path, so a
 * slow or allocating rejection makes an overloaded service slower still, just when it can least
 * afford it.
 *
 * <p>Every guard has a limit of 1, never waits, and is made full in {@code @Setup}: the setup takes
 * the only permit and holds it until {@code @TearDown}. Each benchmark call is then refused. A
 * call that is admitted instead throws at once and fails the run, and each state's
 * {@code @TearDown} checks the guard's own counters as well (for Watertight: nothing accepted
 * after the setup's permit, and a rejection counted).
 *
 * <p>Where the refusal is an exception, the exception is passed to a {@link Blackhole}, so the
 * JIT cannot prove it unused and skip allocating it: the measured cost includes creating the
 * exception, exactly as a caller that logs or rethrows it pays. Where the refusal is a return
 * value (JDK {@link Semaphore#tryAcquire()}, Watertight's {@link Bulkhead#tryAcquire()},
 * Failsafe's {@code tryAcquirePermit()}, concurrency-limits' {@code Optional.empty()}), that
 * value is returned to JMH; the unfair JDK semaphore is the floor.
 *
 * <p>Run with {@code -prof gc} to see what a rejection allocates. Thread counts come from the
 * command line; all threads hammer the same full guard.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class RejectionBenchmark {

    // ---- the JDK anchors -------------------------------------------------------------------

    /** The floor: {@code tryAcquire()} on an unfair {@link Semaphore} with no permit left returns false. */
    @Benchmark
    public boolean jdkSemaphoreUnfair(JdkSemaphoreUnfair guard) {
        boolean admitted = guard.semaphore.tryAcquire();
        if (admitted) {
            throw Full.admitted("unfair JDK Semaphore");
        }
        return admitted;
    }

    /** {@code tryAcquire(0, NANOSECONDS)} on a full fair {@link Semaphore}: the call that honours fairness. */
    @Benchmark
    public boolean jdkSemaphoreFair(JdkSemaphoreFair guard) throws InterruptedException {
        boolean admitted = guard.semaphore.tryAcquire(0, TimeUnit.NANOSECONDS);
        if (admitted) {
            throw Full.admitted("fair JDK Semaphore");
        }
        return admitted;
    }

    // ---- Watertight ------------------------------------------------------------------------

    /**
     * Watertight {@code Bulkhead.of("bench", 1)}, full: {@link Bulkhead#call} throws
     * {@link BulkheadFullException} (without a stack trace, the default), which is consumed.
     */
    @Benchmark
    public void watertightBulkhead(WatertightCall guard, Blackhole blackhole) throws Exception {
        try {
            guard.bulkhead.call(guard.task);
        } catch (BulkheadFullException rejection) {
            blackhole.consume(rejection);
            return;
        }
        throw Full.admitted("Watertight Bulkhead.call");
    }

    /**
     * Watertight's non-throwing refusal: {@link Bulkhead#tryAcquire()} on the full bulkhead
     * returns an empty optional (and is, by design, not counted as a rejection).
     */
    @Benchmark
    public Optional<Bulkhead.Permit> watertightTryAcquire(WatertightTryAcquire guard) {
        Optional<Bulkhead.Permit> permit = guard.bulkhead.tryAcquire();
        if (permit.isPresent()) {
            permit.get().close();
            throw Full.admitted("Watertight Bulkhead.tryAcquire");
        }
        return permit;
    }

    // ---- Resilience4j ----------------------------------------------------------------------

    /**
     * Resilience4j {@code SemaphoreBulkhead} with its defaults (fair, no wait, stack traces
     * recorded) except {@code maxConcurrentCalls(1)}, called through a supplier decorated once;
     * its {@code BulkheadFullException} is consumed.
     */
    @Benchmark
    public void resilience4jDefault(Resilience4jDefault guard, Blackhole blackhole) {
        guard.callAndConsumeRejection(blackhole);
    }

    /** Resilience4j with {@code fairCallHandlingStrategyEnabled(false)}, otherwise as the default. */
    @Benchmark
    public void resilience4jUnfair(Resilience4jUnfair guard, Blackhole blackhole) {
        guard.callAndConsumeRejection(blackhole);
    }

    /**
     * Resilience4j tuned for rejections: unfair and {@code writableStackTraceEnabled(false)}. Not
     * the default, but what a user who cares about this path would configure.
     */
    @Benchmark
    public void resilience4jNoStackTrace(Resilience4jNoStackTrace guard, Blackhole blackhole) {
        guard.callAndConsumeRejection(blackhole);
    }

    // ---- Failsafe --------------------------------------------------------------------------

    /**
     * Failsafe {@code Failsafe.with(Bulkhead.of(1)).get(supplier)} on the full bulkhead: throws
     * {@code dev.failsafe.BulkheadFullException}, which is consumed.
     *
     * <p>Caveat, and part of what this measures: with a zero max wait, Failsafe 3.3.2 still
     * enqueues a waiter future for every refused call and never removes it when the zero wait
     * times out, so the bulkhead's wait list grows by one entry per rejection for the whole run.
     */
    @Benchmark
    public void failsafeBulkhead(FailsafeFull guard, Blackhole blackhole) {
        try {
            guard.executor.get(guard.supplier);
        } catch (dev.failsafe.BulkheadFullException rejection) {
            blackhole.consume(rejection);
            return;
        }
        throw Full.admitted("Failsafe executor with a Bulkhead");
    }

    /** Failsafe's bulkhead on its own: {@code tryAcquirePermit()} returns false. */
    @Benchmark
    public boolean failsafeBulkheadStandalone(FailsafeFull guard) {
        boolean admitted = guard.bulkhead.tryAcquirePermit();
        if (admitted) {
            throw Full.admitted("Failsafe Bulkhead.tryAcquirePermit");
        }
        return admitted;
    }

    // ---- concurrency-limits ----------------------------------------------------------------

    /** concurrency-limits {@code SimpleLimiter} with {@code FixedLimit.of(1)}, full: {@code acquire} returns empty. */
    @Benchmark
    public Optional<Limiter.Listener> concurrencyLimitsSimpleLimiter(SimpleLimiterFull guard) {
        Optional<Limiter.Listener> listener = guard.limiter.acquire(null);
        if (listener.isPresent()) {
            listener.get().onIgnore();
            throw Full.admitted("SimpleLimiter");
        }
        return listener;
    }

    // ---- state: one full guard per implementation ------------------------------------------

    /**
     * What every full guard shares: the body it would run if it admitted the call, and the
     * checks. Not a JMH state on its own; each implementation's state extends it.
     */
    public abstract static class Full {
        /** Not final, so that the JIT cannot fold the body into a constant. */
        private Object result = true;

        /** The body a guard would run; it never runs here. */
        public final Object work() {
            return result;
        }

        static IllegalStateException admitted(String guard) {
            return new IllegalStateException(guard
                    + " admitted a call although it was full: the rejection benchmark must always be refused");
        }

        static void check(boolean condition, String message) {
            if (!condition) {
                throw new IllegalStateException(message);
            }
        }
    }

    /** An unfair JDK {@link Semaphore} with one permit, taken by the setup. */
    @State(Scope.Benchmark)
    public static class JdkSemaphoreUnfair extends Full {
        Semaphore semaphore;

        /** Creates the semaphore and takes its permit. */
        @Setup
        public void fill() {
            semaphore = new Semaphore(1, false);
            check(semaphore.tryAcquire(), "could not fill the semaphore");
        }

        /** Fails the run unless the semaphore stayed full. */
        @TearDown
        public void verify() {
            check(semaphore.availablePermits() == 0, "the semaphore did not stay full: " + semaphore);
        }
    }

    /** A fair JDK {@link Semaphore} with one permit, taken by the setup. */
    @State(Scope.Benchmark)
    public static class JdkSemaphoreFair extends Full {
        Semaphore semaphore;

        /** Creates the semaphore and takes its permit. */
        @Setup
        public void fill() {
            semaphore = new Semaphore(1, true);
            check(semaphore.tryAcquire(), "could not fill the semaphore");
        }

        /** Fails the run unless the semaphore stayed full. */
        @TearDown
        public void verify() {
            check(semaphore.availablePermits() == 0, "the semaphore did not stay full: " + semaphore);
        }
    }

    /**
     * A Watertight {@code Bulkhead.of("bench", 1)} whose permit the setup holds. The subclass says
     * whether the benchmark that uses it should have counted rejections.
     */
    public abstract static class WatertightFull extends Full {
        Bulkhead bulkhead;
        Callable<Object> task;
        private Bulkhead.Permit held;
        private BulkheadStats atSetup;

        /** Whether the benchmark's refusals are counted in {@link BulkheadStats#rejected()}. */
        abstract boolean countsRejections();

        /** Creates the bulkhead and takes its permit with {@link Bulkhead#acquire()}. */
        @Setup
        public void fill() throws InterruptedException {
            bulkhead = Bulkhead.of("bench", 1);
            task = this::work;
            held = bulkhead.acquire();
            atSetup = bulkhead.stats();
            check(atSetup.accepted() == 1 && atSetup.inUse() == 1 && atSetup.rejected() == 0,
                    "could not fill the bulkhead: " + atSetup);
        }

        /**
         * Fails the run if anything was accepted after the setup's permit, or if rejections were
         * not counted as expected ({@code call} counts them, {@code tryAcquire} does not); then
         * releases the permit.
         */
        @TearDown
        public void verify() {
            BulkheadStats stats = bulkhead.stats();
            held.close();
            check(stats.accepted() == atSetup.accepted() && stats.inUse() == 1
                    && stats.succeeded() == 0 && stats.failed() == 0,
                    "the bulkhead admitted calls during the rejection benchmark: " + stats);
            check(countsRejections() ? stats.rejected() > 0 : stats.rejected() == 0,
                    "unexpected rejection count after the rejection benchmark: " + stats);
        }
    }

    /** The full Watertight bulkhead, refused through {@link Bulkhead#call}. */
    @State(Scope.Benchmark)
    public static class WatertightCall extends WatertightFull {
        @Override
        boolean countsRejections() {
            return true;
        }
    }

    /** The full Watertight bulkhead, refused through {@link Bulkhead#tryAcquire()}. */
    @State(Scope.Benchmark)
    public static class WatertightTryAcquire extends WatertightFull {
        @Override
        boolean countsRejections() {
            return false;
        }
    }

    /** A Resilience4j {@code SemaphoreBulkhead} with one permit, taken by the setup. */
    public abstract static class Resilience4jFull extends Full {
        io.github.resilience4j.bulkhead.Bulkhead bulkhead;
        Supplier<Object> decorated;

        abstract io.github.resilience4j.bulkhead.BulkheadConfig.Builder configure(
                io.github.resilience4j.bulkhead.BulkheadConfig.Builder builder);

        /** Creates the bulkhead, decorates the body and takes the permit. */
        @Setup
        public void fill() {
            io.github.resilience4j.bulkhead.BulkheadConfig config = configure(
                    io.github.resilience4j.bulkhead.BulkheadConfig.custom()
                            .maxConcurrentCalls(1)
                            .maxWaitDuration(Duration.ZERO))
                    .build();
            bulkhead = io.github.resilience4j.bulkhead.Bulkhead.of("bench", config);
            decorated = io.github.resilience4j.bulkhead.Bulkhead.decorateSupplier(bulkhead, this::work);
            check(bulkhead.tryAcquirePermission(), "could not fill the bulkhead");
        }

        final void callAndConsumeRejection(Blackhole blackhole) {
            try {
                blackhole.consume(decorated.get());
            } catch (io.github.resilience4j.bulkhead.BulkheadFullException rejection) {
                blackhole.consume(rejection);
                return;
            }
            throw admitted("Resilience4j Bulkhead");
        }

        /** Fails the run unless the bulkhead stayed full; releases the permit. */
        @TearDown
        public void verify() {
            int available = bulkhead.getMetrics().getAvailableConcurrentCalls();
            bulkhead.releasePermission();
            check(available == 0, "the bulkhead did not stay full: " + available + " available");
        }
    }

    /** Resilience4j's defaults: fair, stack traces recorded. */
    @State(Scope.Benchmark)
    public static class Resilience4jDefault extends Resilience4jFull {
        @Override
        io.github.resilience4j.bulkhead.BulkheadConfig.Builder configure(
                io.github.resilience4j.bulkhead.BulkheadConfig.Builder builder) {
            return builder;
        }
    }

    /** Resilience4j unfair, stack traces recorded. */
    @State(Scope.Benchmark)
    public static class Resilience4jUnfair extends Resilience4jFull {
        @Override
        io.github.resilience4j.bulkhead.BulkheadConfig.Builder configure(
                io.github.resilience4j.bulkhead.BulkheadConfig.Builder builder) {
            return builder.fairCallHandlingStrategyEnabled(false);
        }
    }

    /** Resilience4j unfair, without stack traces. */
    @State(Scope.Benchmark)
    public static class Resilience4jNoStackTrace extends Resilience4jFull {
        @Override
        io.github.resilience4j.bulkhead.BulkheadConfig.Builder configure(
                io.github.resilience4j.bulkhead.BulkheadConfig.Builder builder) {
            return builder.fairCallHandlingStrategyEnabled(false).writableStackTraceEnabled(false);
        }
    }

    /** A Failsafe {@code Bulkhead.of(1)} whose permit the setup holds, and an executor around it. */
    @State(Scope.Benchmark)
    public static class FailsafeFull extends Full {
        dev.failsafe.Bulkhead<Object> bulkhead;
        FailsafeExecutor<Object> executor;
        CheckedSupplier<Object> supplier;

        /** Creates the bulkhead and executor and takes the permit. */
        @Setup
        @SuppressWarnings("unchecked") // Failsafe.with(P, P...) has no @SafeVarargs
        public void fill() {
            bulkhead = dev.failsafe.Bulkhead.of(1);
            executor = Failsafe.with(bulkhead);
            supplier = this::work;
            check(bulkhead.tryAcquirePermit(), "could not fill the bulkhead");
        }

        /**
         * Fails the run unless the bulkhead stayed full. The setup's permit is not given back:
         * Failsafe would hand it to one of the stale waiters its executor left behind.
         */
        @TearDown
        public void verify() {
            check(!bulkhead.tryAcquirePermit(), "the bulkhead did not stay full");
        }
    }

    /** A concurrency-limits {@code SimpleLimiter} with {@code FixedLimit.of(1)}, held by the setup. */
    @State(Scope.Benchmark)
    public static class SimpleLimiterFull extends Full {
        SimpleLimiter<Void> limiter;
        private Limiter.Listener held;

        /** Creates the limiter and takes its only slot. */
        @Setup
        public void fill() {
            limiter = SimpleLimiter.newBuilder().named("bench").limit(FixedLimit.of(1)).build();
            held = limiter.acquire(null).orElseThrow(() -> new IllegalStateException("could not fill the limiter"));
        }

        /** Fails the run unless the limiter stayed full; gives the slot back. */
        @TearDown
        public void verify() {
            int inflight = limiter.getInflight();
            held.onIgnore();
            check(inflight == 1, "the limiter did not stay full: " + inflight + " in flight");
        }
    }
}
