package dev.watertight.benchmarks;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.watertight.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowSynchronizationStrategy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.time.Duration;
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
 * The cost of a call through a closed circuit breaker that succeeds: what every healthy call pays.
 *
 * <p>Each breaker has a window of {@value #WINDOW} calls (or {@value #WINDOW_SECONDS} seconds for
 * the time-based ones) and would trip only at a 50 % failure rate, which a run never reaches: the
 * body always succeeds. Every implementation is one {@code @Benchmark} method, so one run prints
 * them side by side; thread counts come from {@code -t}. Each guard is called the way its users
 * call it: Watertight's {@code breaker.call(callable)}, Resilience4j's supplier decorated once,
 * Failsafe's {@code Failsafe.with(breaker).get(supplier)}. The {@code @TearDown} fails the run if
 * any breaker left the closed state.
 *
 * <p>Resilience4j is measured with its default window (synchronized) and with its lock-free
 * window; both count-based and time-based.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class CircuitBreakerBenchmark {
    /** Calls in every count-based window. */
    public static final int WINDOW = 100;
    /** Seconds in every time-based window. */
    public static final int WINDOW_SECONDS = 10;

    /** Watertight, count-based window. */
    @Benchmark
    public Object watertightCountWindow(WatertightCount breaker) throws Exception {
        return breaker.breaker.call(breaker.callable);
    }

    /** Watertight, time-based window. */
    @Benchmark
    public Object watertightTimeWindow(WatertightTime breaker) throws Exception {
        return breaker.breaker.call(breaker.callable);
    }

    /** Resilience4j, count-based, its default (synchronized) window. */
    @Benchmark
    public Object resilience4jCountWindow(Resilience4jCount breaker) {
        return breaker.decorated.get();
    }

    /** Resilience4j, count-based, lock-free window. */
    @Benchmark
    public Object resilience4jCountWindowLockFree(Resilience4jCountLockFree breaker) {
        return breaker.decorated.get();
    }

    /** Resilience4j, time-based, its default (synchronized) window. */
    @Benchmark
    public Object resilience4jTimeWindow(Resilience4jTime breaker) {
        return breaker.decorated.get();
    }

    /** Resilience4j, time-based, lock-free window. */
    @Benchmark
    public Object resilience4jTimeWindowLockFree(Resilience4jTimeLockFree breaker) {
        return breaker.decorated.get();
    }

    /** Failsafe, count-based. */
    @Benchmark
    public Object failsafeCountWindow(FailsafeCount breaker) {
        return breaker.executor.get(breaker::work);
    }

    // ---- state -----------------------------------------------------------------------------

    /** The body every breaker guards: a field read the JIT cannot fold away. */
    public abstract static class Work {
        private Object result = true;
        final java.util.concurrent.Callable<Object> callable = this::work;

        /** The guarded body. */
        public final Object work() {
            return result;
        }

        static void check(boolean condition, String message) {
            if (!condition) {
                throw new IllegalStateException(message);
            }
        }
    }

    /** Watertight breakers share this: build, and check at the end that it stayed closed. */
    public abstract static class WatertightBreaker extends Work {
        CircuitBreaker breaker;

        abstract CircuitBreaker.Builder window(CircuitBreaker.Builder builder);

        /** Builds the breaker. */
        @Setup
        public void setUp() {
            breaker = window(CircuitBreaker.builder("bench").failureRateThreshold(50).minimumCalls(WINDOW)).build();
        }

        /** Fails the run if the breaker left the closed state. */
        @TearDown
        public void tearDown() {
            check(breaker.state() == CircuitBreaker.State.CLOSED, "the breaker left the closed state: " + breaker.stats());
        }
    }

    /** Count-based Watertight breaker. */
    @State(Scope.Benchmark)
    public static class WatertightCount extends WatertightBreaker {
        @Override
        CircuitBreaker.Builder window(CircuitBreaker.Builder builder) {
            return builder.slidingWindowSize(WINDOW);
        }
    }

    /** Time-based Watertight breaker. */
    @State(Scope.Benchmark)
    public static class WatertightTime extends WatertightBreaker {
        @Override
        CircuitBreaker.Builder window(CircuitBreaker.Builder builder) {
            return builder.slidingWindowDuration(Duration.ofSeconds(WINDOW_SECONDS));
        }
    }

    /** Resilience4j breakers share this. */
    public abstract static class Resilience4jBreaker extends Work {
        io.github.resilience4j.circuitbreaker.CircuitBreaker breaker;
        Supplier<Object> decorated;

        abstract io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.Builder window(
                io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.Builder builder);

        /** Builds the breaker and decorates the body once. */
        @Setup
        public void setUp() {
            breaker = io.github.resilience4j.circuitbreaker.CircuitBreaker.of("bench", window(
                            io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
                                    .failureRateThreshold(50).minimumNumberOfCalls(WINDOW))
                    .build());
            decorated = io.github.resilience4j.circuitbreaker.CircuitBreaker.decorateSupplier(breaker, this::work);
        }

        /** Fails the run if the breaker left the closed state. */
        @TearDown
        public void tearDown() {
            check(breaker.getState() == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.CLOSED,
                    "the Resilience4j breaker left the closed state");
        }
    }

    /** Resilience4j, count-based, default window. */
    @State(Scope.Benchmark)
    public static class Resilience4jCount extends Resilience4jBreaker {
        @Override
        io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.Builder window(
                io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.Builder builder) {
            return builder.slidingWindow(WINDOW, WINDOW, SlidingWindowType.COUNT_BASED);
        }
    }

    /** Resilience4j, count-based, lock-free window. */
    @State(Scope.Benchmark)
    public static class Resilience4jCountLockFree extends Resilience4jBreaker {
        @Override
        io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.Builder window(
                io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.Builder builder) {
            return builder.slidingWindow(WINDOW, WINDOW, SlidingWindowType.COUNT_BASED,
                    SlidingWindowSynchronizationStrategy.LOCK_FREE);
        }
    }

    /** Resilience4j, time-based, default window. */
    @State(Scope.Benchmark)
    public static class Resilience4jTime extends Resilience4jBreaker {
        @Override
        io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.Builder window(
                io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.Builder builder) {
            return builder.slidingWindow(WINDOW_SECONDS, WINDOW, SlidingWindowType.TIME_BASED);
        }
    }

    /** Resilience4j, time-based, lock-free window. */
    @State(Scope.Benchmark)
    public static class Resilience4jTimeLockFree extends Resilience4jBreaker {
        @Override
        io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.Builder window(
                io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.Builder builder) {
            return builder.slidingWindow(WINDOW_SECONDS, WINDOW, SlidingWindowType.TIME_BASED,
                    SlidingWindowSynchronizationStrategy.LOCK_FREE);
        }
    }

    /** Failsafe's count-based breaker through its executor, built once. */
    @State(Scope.Benchmark)
    public static class FailsafeCount extends Work {
        dev.failsafe.CircuitBreaker<Object> breaker;
        FailsafeExecutor<Object> executor;

        /** Builds the breaker and the executor. */
        @Setup
        public void setUp() {
            breaker = dev.failsafe.CircuitBreaker.builder()
                    .withFailureThreshold(WINDOW / 2, WINDOW) // half of the last WINDOW executions
                    .build();
            executor = Failsafe.with(breaker);
        }

        /** Fails the run if the breaker left the closed state. */
        @TearDown
        public void tearDown() {
            check(breaker.isClosed(), "the Failsafe breaker left the closed state");
        }
    }
}
