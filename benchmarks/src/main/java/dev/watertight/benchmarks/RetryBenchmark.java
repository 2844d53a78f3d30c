package dev.watertight.benchmarks;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import dev.failsafe.function.CheckedSupplier;
import dev.watertight.Retry;
import dev.watertight.RetryStats;
import java.util.concurrent.Callable;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of a call through a retry when its first attempt succeeds: what every call pays for
 * being retryable while the dependency is healthy. The target for Watertight is under 10 ns
 * above the bare call, and 0 B/op.
 *
 * <p>Every implementation is one {@code @Benchmark} method of this class, so one run prints them
 * side by side. Each retry allows 3 attempts with its library's default backoff, and Watertight's
 * keeps its default budget; none of that is touched when the first attempt succeeds, which is
 * the point being measured. The body never fails, and each state's {@code @TearDown} fails the
 * run if a retry happened anyway. The thread count comes from the command line ({@code -t 1},
 * {@code -t 4}); all threads share one retry ({@link Scope#Benchmark}), as callers of one
 * dependency do.
 *
 * <p>The body is a {@link Callable} (or each library's own functional type) that reads a
 * non-final field, so it costs next to nothing and cannot be folded away; {@link #bareCall}
 * calls the same kind of object directly, which is the floor. Each library is called the way its
 * documentation tells users to: Resilience4j through a callable decorated once, Failsafe through
 * an executor built once around its {@code RetryPolicy}.
 *
 * <p>Run with {@code -prof gc}: the {@code gc.alloc.rate.norm} column shows what each call
 * allocates.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class RetryBenchmark {

    /** Attempts each retry allows: the default of all three libraries. */
    public static final int MAX_ATTEMPTS = 3;

    /** The floor: the body called directly, through the same kind of interface call. */
    @Benchmark
    public Object bareCall(Bare guard) throws Exception {
        return guard.task.call();
    }

    /** Watertight's {@link Retry#call} with its defaults: jittered backoff, a budget. */
    @Benchmark
    public Object watertightRetry(WatertightGuard guard) throws Exception {
        return guard.retry.call(guard.task);
    }

    /**
     * Resilience4j 2.4 {@code Retry} with its default configuration (3 attempts, 500 ms wait),
     * through a callable decorated once with {@code Retry.decorateCallable}.
     */
    @Benchmark
    public Object resilience4jRetry(Resilience4jGuard guard) throws Exception {
        return guard.decorated.call();
    }

    /**
     * Failsafe 3.3 {@code RetryPolicy} with 3 attempts and otherwise its defaults (no delay), as
     * a policy: {@code Failsafe.with(retryPolicy).get(supplier)}, with the executor built once.
     */
    @Benchmark
    public Object failsafeRetryPolicy(FailsafeGuard guard) {
        return guard.executor.get(guard.supplier);
    }

    // ---- state: one retry per implementation ------------------------------------------------

    /** The body every retry runs, and the check every state shares. */
    public abstract static class Work {
        /** Not final, so that the JIT cannot fold the body into a constant. */
        private Object result = true;

        /** The guarded body: a field read. */
        public final Object work() {
            return result;
        }

        static void check(boolean condition, String message) {
            if (!condition) {
                throw new IllegalStateException(message);
            }
        }
    }

    /** No retry at all: the body as a {@link Callable}. */
    @State(Scope.Benchmark)
    public static class Bare extends Work {
        Callable<Object> task;

        /** Creates the body. */
        @Setup
        public void setUp() {
            task = this::work;
        }
    }

    /** A Watertight retry with its defaults but the number of attempts. */
    @State(Scope.Benchmark)
    public static class WatertightGuard extends Work {
        Retry retry;
        Callable<Object> task;

        /** Builds the retry. */
        @Setup
        public void setUp() {
            retry = Retry.builder("retry-benchmark").maxAttempts(MAX_ATTEMPTS).build();
            task = this::work;
        }

        /** Fails the run if any call was retried or failed. */
        @TearDown
        public void verify() {
            RetryStats stats = retry.stats();
            check(stats.calls() > 0 && stats.calls() == stats.succeededWithoutRetry() && stats.retries() == 0,
                    "unexpected retry stats after the retry benchmark: " + stats);
        }
    }

    /** A Resilience4j retry with its default configuration and a callable decorated once. */
    @State(Scope.Benchmark)
    public static class Resilience4jGuard extends Work {
        io.github.resilience4j.retry.Retry retry;
        Callable<Object> decorated;

        /** Builds the retry and decorates the body. */
        @Setup
        public void setUp() {
            retry = io.github.resilience4j.retry.Retry.of("retry-benchmark",
                    io.github.resilience4j.retry.RetryConfig.custom().maxAttempts(MAX_ATTEMPTS).build());
            decorated = io.github.resilience4j.retry.Retry.decorateCallable(retry, this::work);
        }

        /** Fails the run if any call was retried or failed. */
        @TearDown
        public void verify() {
            io.github.resilience4j.retry.Retry.Metrics metrics = retry.getMetrics();
            check(metrics.getNumberOfSuccessfulCallsWithoutRetryAttempt() > 0
                    && metrics.getNumberOfSuccessfulCallsWithRetryAttempt() == 0
                    && metrics.getNumberOfFailedCallsWithoutRetryAttempt() == 0
                    && metrics.getNumberOfFailedCallsWithRetryAttempt() == 0,
                    "unexpected Resilience4j retry metrics: "
                            + metrics.getNumberOfSuccessfulCallsWithRetryAttempt() + " retried successes");
        }
    }

    /** A Failsafe {@code RetryPolicy} of 3 attempts and an executor built once around it. */
    @State(Scope.Benchmark)
    public static class FailsafeGuard extends Work {
        FailsafeExecutor<Object> executor;
        CheckedSupplier<Object> supplier;

        /** Builds the policy and its executor. */
        @Setup
        @SuppressWarnings("unchecked") // Failsafe.with(P, P...) has no @SafeVarargs
        public void setUp() {
            RetryPolicy<Object> retryPolicy = RetryPolicy.builder().withMaxAttempts(MAX_ATTEMPTS).build();
            executor = Failsafe.with(retryPolicy);
            supplier = this::work;
        }
    }
}
