package dev.watertight.benchmarks;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.watertight.Backoff;
import dev.watertight.Bulkhead;
import dev.watertight.CircuitBreaker;
import dev.watertight.Compartment;
import dev.watertight.RateLimiter;
import dev.watertight.Retry;
import dev.watertight.Timeout;
import io.github.resilience4j.decorators.Decorators;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
 * The cost of a healthy call through a whole stack of guards: retry, circuit breaker, rate
 * limiter, bulkhead and timeout, each configured so that it lets the call through (a rate far
 * above what a run reaches, 64 permits, a 10 s timeout), composed the way each library's users
 * compose them:
 * <ul>
 *   <li>Watertight: a {@link Compartment} with all five guards, {@code compartment.call(task)};</li>
 *   <li>Resilience4j: {@code Decorators.ofCallable(task)} with retry, circuit breaker, rate
 *       limiter and bulkhead, decorated once. Its time limiter only works on futures, so
 *       {@code resilience4jWithTimeLimiter} runs the same stack over
 *       {@code Decorators.ofCompletionStage} with the task on an executor, which is what its
 *       users must do to bound a call's time;</li>
 *   <li>Failsafe: {@code Failsafe.with(retry, breaker, rateLimiter, bulkhead, timeout).get(task)},
 *       outermost first, with the executor built once.</li>
 * </ul>
 * {@code *WithoutTimeout} variants leave the timeout out, so the four other guards can be
 * compared where Resilience4j can run them on the caller's thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class FullStackBenchmark {
    static final int PERMITS = 64;
    static final int RATE = 1_000_000_000;
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Watertight, all five guards. */
    @Benchmark
    public Object watertight(Stacks stacks) throws Exception {
        return stacks.watertight.call(stacks.task);
    }

    /** Watertight without the timeout. */
    @Benchmark
    public Object watertightWithoutTimeout(Stacks stacks) throws Exception {
        return stacks.watertightWithoutTimeout.call(stacks.task);
    }

    /** Resilience4j: the four guards it can apply on the caller's thread. */
    @Benchmark
    public Object resilience4jWithoutTimeout(Stacks stacks) throws Exception {
        return stacks.resilience4jWithoutTimeout.call();
    }

    /** Resilience4j with its time limiter: the stack over a future from an executor. */
    @Benchmark
    public Object resilience4jWithTimeLimiter(Stacks stacks) {
        return stacks.resilience4jWithTimeLimiter.get().toCompletableFuture().join();
    }

    /** Failsafe, all five policies. */
    @Benchmark
    public Object failsafe(Stacks stacks) {
        return stacks.failsafe.get(stacks.checkedSupplier);
    }

    /** Failsafe without the timeout. */
    @Benchmark
    public Object failsafeWithoutTimeout(Stacks stacks) {
        return stacks.failsafeWithoutTimeout.get(stacks.checkedSupplier);
    }

    /** Every stack, built once. */
    @State(Scope.Benchmark)
    public static class Stacks {
        private Object result = true;
        final Callable<Object> task = () -> result;
        final Supplier<Object> supplier = () -> result;
        final dev.failsafe.function.CheckedSupplier<Object> checkedSupplier = () -> result;

        Compartment watertight;
        Compartment watertightWithoutTimeout;
        Callable<Object> resilience4jWithoutTimeout;
        Supplier<java.util.concurrent.CompletionStage<Object>> resilience4jWithTimeLimiter;
        FailsafeExecutor<Object> failsafe;
        FailsafeExecutor<Object> failsafeWithoutTimeout;
        ExecutorService executor;
        ScheduledExecutorService scheduler;

        /** Builds the stacks. */
        @Setup
        public void setUp() {
            watertight = watertightStack(true);
            watertightWithoutTimeout = watertightStack(false);

            io.github.resilience4j.retry.Retry retry = io.github.resilience4j.retry.Retry.ofDefaults("bench");
            io.github.resilience4j.circuitbreaker.CircuitBreaker breaker =
                    io.github.resilience4j.circuitbreaker.CircuitBreaker.ofDefaults("bench");
            io.github.resilience4j.ratelimiter.RateLimiter limiter = io.github.resilience4j.ratelimiter.RateLimiter.of(
                    "bench", io.github.resilience4j.ratelimiter.RateLimiterConfig.custom()
                            .limitForPeriod(RATE).limitRefreshPeriod(Duration.ofSeconds(1))
                            .timeoutDuration(Duration.ZERO).build());
            io.github.resilience4j.bulkhead.Bulkhead bulkhead = io.github.resilience4j.bulkhead.Bulkhead.of(
                    "bench", io.github.resilience4j.bulkhead.BulkheadConfig.custom()
                            .maxConcurrentCalls(PERMITS).maxWaitDuration(Duration.ZERO).build());
            resilience4jWithoutTimeout = Decorators.ofCallable(task)
                    .withBulkhead(bulkhead).withRateLimiter(limiter).withCircuitBreaker(breaker).withRetry(retry)
                    .decorate();
            executor = Executors.newFixedThreadPool(4);
            scheduler = Executors.newSingleThreadScheduledExecutor();
            io.github.resilience4j.timelimiter.TimeLimiter timeLimiter = io.github.resilience4j.timelimiter.TimeLimiter.of(
                    io.github.resilience4j.timelimiter.TimeLimiterConfig.custom().timeoutDuration(TIMEOUT).build());
            resilience4jWithTimeLimiter = Decorators.ofCompletionStage(() -> CompletableFuture.supplyAsync(supplier, executor))
                    .withTimeLimiter(timeLimiter, scheduler).withBulkhead(bulkhead).withRateLimiter(limiter)
                    .withCircuitBreaker(breaker).withRetry(retry, scheduler)
                    .decorate();

            dev.failsafe.RetryPolicy<Object> retryPolicy = dev.failsafe.RetryPolicy.ofDefaults();
            dev.failsafe.CircuitBreaker<Object> circuitBreaker = dev.failsafe.CircuitBreaker.ofDefaults();
            dev.failsafe.RateLimiter<Object> rateLimiter = dev.failsafe.RateLimiter.smoothBuilder(RATE, Duration.ofSeconds(1)).build();
            dev.failsafe.Bulkhead<Object> failsafeBulkhead = dev.failsafe.Bulkhead.of(PERMITS);
            dev.failsafe.Timeout<Object> timeout = dev.failsafe.Timeout.builder(TIMEOUT).withInterrupt().build();
            failsafe = Failsafe.with(retryPolicy, circuitBreaker, rateLimiter, failsafeBulkhead, timeout);
            failsafeWithoutTimeout = Failsafe.with(retryPolicy, circuitBreaker, rateLimiter, failsafeBulkhead);
        }

        private Compartment watertightStack(boolean withTimeout) {
            Compartment.Builder builder = Compartment.builder("bench")
                    .retry(Retry.builder("bench").maxAttempts(3).backoff(Backoff.none()).build())
                    .circuitBreaker(CircuitBreaker.builder("bench").build())
                    .rateLimiter(RateLimiter.builder("bench").permitsPerPeriod(RATE).period(Duration.ofSeconds(1))
                            .burst(RATE).build())
                    .bulkhead(Bulkhead.of("bench", PERMITS));
            if (withTimeout) {
                builder.timeout(Timeout.of("bench", TIMEOUT));
            }
            return builder.build();
        }

        /** Stops the executors. */
        @TearDown
        public void tearDown() {
            executor.shutdownNow();
            scheduler.shutdownNow();
        }
    }
}
