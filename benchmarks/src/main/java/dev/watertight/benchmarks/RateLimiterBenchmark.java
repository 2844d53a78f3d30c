package dev.watertight.benchmarks;

import dev.watertight.RateLimitExceededException;
import dev.watertight.RateLimiter;
import dev.watertight.RateLimiterStats;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.local.SynchronizationStrategy;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import java.time.Duration;
import java.util.concurrent.Callable;
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
 * The cost of asking a rate limiter for a permit, against Resilience4j's and Bucket4j's.
 *
 * <p><b>Granted</b> ({@code granted*} methods): every limiter has a rate far above what the
 * benchmark threads can take (Watertight and Bucket4j one permit per nanosecond, the highest rate
 * either accepts, with a burst of 2<sup>31</sup>; Resilience4j 2<sup>31</sup> per second), so
 * every call is granted and what is measured is the grant path: a clock read and an update of
 * shared state. A refusal would be a different path, so
 * it fails the run loudly instead of being measured.
 *
 * <p><b>Refused</b> ({@code refused*} methods): every limiter allows one permit per hour and the
 * setup takes it, so every call is refused. A grant fails the run. Where the refusal is an
 * exception (Watertight's {@link RateLimitExceededException}, Resilience4j's
 * {@code RequestNotPermitted}), it is passed to a {@link Blackhole}, so its cost is included as a
 * caller that logs or rethrows it pays.
 *
 * <p>Each library is called the way its documentation shows: Watertight's {@link RateLimiter#tryAcquire()}
 * and {@link RateLimiter#call}; Resilience4j 2.4's {@code acquirePermission()} and a supplier decorated once
 * with {@code RateLimiter.decorateSupplier} (its default {@code AtomicRateLimiter}, timeout zero);
 * Bucket4j 8's {@code tryConsume(1)} on a local bucket with its default lock-free strategy and,
 * separately, the {@code SYNCHRONIZED} one. All threads share one limiter ({@link Scope#Benchmark});
 * run with {@code -t 1}, {@code -t 2}, {@code -t 4} and {@code -prof gc}, whose
 * {@code gc.alloc.rate.norm} shows what each call allocates (the target for Watertight is 0 B/op).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class RateLimiterBenchmark {

    /** The burst (and Resilience4j's limit per second) of the granted benchmarks. */
    static final int HUGE = Integer.MAX_VALUE;

    /** One permit per nanosecond: the highest rate Watertight and Bucket4j accept. */
    static final int PER_NANOSECOND = 1_000_000_000;

    // ---- granted -------------------------------------------------------------------------

    /** Watertight {@link RateLimiter#tryAcquire()}: one clock read, one CAS, one striped count. */
    @Benchmark
    public boolean grantedWatertightTryAcquire(WatertightGranted limiter) {
        boolean granted = limiter.rateLimiter.tryAcquire();
        if (!granted) {
            throw Checks.refused("Watertight tryAcquire");
        }
        return granted;
    }

    /** Watertight {@link RateLimiter#call} around a trivial body (a field read). */
    @Benchmark
    public Object grantedWatertightCall(WatertightGranted limiter) throws Exception {
        return limiter.rateLimiter.call(limiter.task);
    }

    /** Resilience4j {@code acquirePermission()} on its default {@code AtomicRateLimiter}. */
    @Benchmark
    public boolean grantedResilience4jAcquirePermission(Resilience4jGranted limiter) {
        boolean granted = limiter.rateLimiter.acquirePermission();
        if (!granted) {
            throw Checks.refused("Resilience4j acquirePermission");
        }
        return granted;
    }

    /** Resilience4j's decorated supplier around the same body. */
    @Benchmark
    public Object grantedResilience4jDecorated(Resilience4jGranted limiter) {
        return limiter.decorated.get();
    }

    /** Bucket4j {@code tryConsume(1)} on a local bucket with the default, lock-free strategy. */
    @Benchmark
    public boolean grantedBucket4jLockFree(Bucket4jGranted limiter) {
        boolean granted = limiter.bucket.tryConsume(1);
        if (!granted) {
            throw Checks.refused("Bucket4j lock-free tryConsume");
        }
        return granted;
    }

    /** Bucket4j {@code tryConsume(1)} with {@code SynchronizationStrategy.SYNCHRONIZED}. */
    @Benchmark
    public boolean grantedBucket4jSynchronized(Bucket4jSynchronizedGranted limiter) {
        boolean granted = limiter.bucket.tryConsume(1);
        if (!granted) {
            throw Checks.refused("Bucket4j synchronized tryConsume");
        }
        return granted;
    }

    // ---- refused -------------------------------------------------------------------------

    /** Watertight {@link RateLimiter#tryAcquire()} returning false: no exception, nothing counted. */
    @Benchmark
    public boolean refusedWatertightTryAcquire(WatertightRefused limiter) {
        boolean granted = limiter.rateLimiter.tryAcquire();
        if (granted) {
            throw Checks.granted("Watertight tryAcquire");
        }
        return granted;
    }

    /** Watertight {@link RateLimiter#call} throwing {@link RateLimitExceededException}, without a stack trace. */
    @Benchmark
    public void refusedWatertightCall(WatertightRefused limiter, Blackhole blackhole) throws Exception {
        try {
            limiter.rateLimiter.call(limiter.task);
        } catch (RateLimitExceededException rejection) {
            blackhole.consume(rejection);
            return;
        }
        throw Checks.granted("Watertight call");
    }

    /** Resilience4j {@code acquirePermission()} returning false. */
    @Benchmark
    public boolean refusedResilience4jAcquirePermission(Resilience4jRefused limiter) {
        boolean granted = limiter.rateLimiter.acquirePermission();
        if (granted) {
            throw Checks.granted("Resilience4j acquirePermission");
        }
        return granted;
    }

    /** Resilience4j's decorated supplier throwing {@code RequestNotPermitted}, with its default stack trace. */
    @Benchmark
    public void refusedResilience4jDecorated(Resilience4jRefused limiter, Blackhole blackhole) {
        try {
            blackhole.consume(limiter.decorated.get());
        } catch (RequestNotPermitted rejection) {
            blackhole.consume(rejection);
            return;
        }
        throw Checks.granted("Resilience4j decorated supplier");
    }

    /** Bucket4j {@code tryConsume(1)} returning false, lock-free. */
    @Benchmark
    public boolean refusedBucket4jLockFree(Bucket4jRefused limiter) {
        boolean granted = limiter.bucket.tryConsume(1);
        if (granted) {
            throw Checks.granted("Bucket4j lock-free tryConsume");
        }
        return granted;
    }

    // ---- state ---------------------------------------------------------------------------

    /** The guarded body and the loud failures every state shares. */
    public abstract static class Checks {
        /** Not final, so that the JIT cannot fold the body into a constant. */
        private Object result = true;

        /** The guarded body: a field read. */
        public final Object work() {
            return result;
        }

        static IllegalStateException refused(String limiter) {
            return new IllegalStateException(limiter + " refused a permit at a rate no benchmark thread can"
                    + " reach: the granted benchmarks must never be refused");
        }

        static IllegalStateException granted(String limiter) {
            return new IllegalStateException(limiter + " granted a permit after its only one for the hour was"
                    + " taken: the refused benchmarks must never be granted");
        }

        static void check(boolean condition, String message) {
            if (!condition) {
                throw new IllegalStateException(message);
            }
        }
    }

    /** Watertight at one permit per nanosecond with a burst of 2^31. */
    @State(Scope.Benchmark)
    public static class WatertightGranted extends Checks {
        RateLimiter rateLimiter;
        Callable<Object> task;

        /** Builds the limiter. */
        @Setup
        public void setUp() {
            rateLimiter = RateLimiter.builder("granted").permitsPerPeriod(PER_NANOSECOND)
                    .period(Duration.ofSeconds(1)).burst(Integer.MAX_VALUE).build();
            task = this::work;
        }

        /** Fails the run if anything was refused. */
        @TearDown
        public void verify() {
            RateLimiterStats stats = rateLimiter.stats();
            check(stats.rejected() == 0 && stats.granted() > 0,
                    "unexpected stats after the granted benchmark: " + stats);
        }
    }

    /** Watertight at one permit per hour, already taken. */
    @State(Scope.Benchmark)
    public static class WatertightRefused extends Checks {
        RateLimiter rateLimiter;
        Callable<Object> task;

        /** Builds the limiter and takes its only permit. */
        @Setup
        public void setUp() {
            rateLimiter = RateLimiter.builder("refused").permitsPerPeriod(1).period(Duration.ofHours(1))
                    .burst(1).build();
            check(rateLimiter.tryAcquire(), "the first permit should be granted");
            task = this::work;
        }

        /** Fails the run if any permit but the setup's was granted. */
        @TearDown
        public void verify() {
            RateLimiterStats stats = rateLimiter.stats();
            check(stats.granted() == 1, "unexpected stats after the refused benchmark: " + stats);
        }
    }

    /** A Resilience4j rate limiter with its default implementation and a timeout of zero. */
    public abstract static class Resilience4jLimiter extends Checks {
        io.github.resilience4j.ratelimiter.RateLimiter rateLimiter;
        Supplier<Object> decorated;

        abstract int limitForPeriod();

        abstract Duration refreshPeriod();

        /** Builds the limiter and decorates the body once. */
        @Setup
        public void setUp() {
            RateLimiterConfig config = RateLimiterConfig.custom()
                    .limitForPeriod(limitForPeriod())
                    .limitRefreshPeriod(refreshPeriod())
                    .timeoutDuration(Duration.ZERO)
                    .build();
            rateLimiter = io.github.resilience4j.ratelimiter.RateLimiter.of("bench", config);
            decorated = io.github.resilience4j.ratelimiter.RateLimiter.decorateSupplier(rateLimiter, this::work);
            afterBuild();
        }

        /** What a state does once the limiter is built; nothing by default. */
        void afterBuild() {}
    }

    /** Resilience4j at 2^31 permits per second. */
    @State(Scope.Benchmark)
    public static class Resilience4jGranted extends Resilience4jLimiter {
        @Override
        int limitForPeriod() {
            return HUGE;
        }

        @Override
        Duration refreshPeriod() {
            return Duration.ofSeconds(1);
        }
    }

    /** Resilience4j at one permit per hour, already taken. */
    @State(Scope.Benchmark)
    public static class Resilience4jRefused extends Resilience4jLimiter {
        @Override
        int limitForPeriod() {
            return 1;
        }

        @Override
        Duration refreshPeriod() {
            return Duration.ofHours(1);
        }

        /** Takes the only permit. */
        @Override
        void afterBuild() {
            check(rateLimiter.acquirePermission(), "the first permit should be granted");
        }
    }

    /** A local Bucket4j bucket with greedy refill. */
    public abstract static class Bucket4jLimiter extends Checks {
        Bucket bucket;

        abstract long capacity();

        abstract long refill();

        abstract Duration period();

        SynchronizationStrategy strategy() {
            return SynchronizationStrategy.LOCK_FREE;
        }

        /** Builds the bucket. */
        @Setup
        public void setUp() {
            bucket = Bucket.builder()
                    .addLimit(limit -> limit.capacity(capacity()).refillGreedy(refill(), period()))
                    .withSynchronizationStrategy(strategy())
                    .build();
            afterBuild();
        }

        /** What a state does once the bucket is built; nothing by default. */
        void afterBuild() {}
    }

    /** Bucket4j, lock-free, one token per nanosecond, 2^31 at most. */
    @State(Scope.Benchmark)
    public static class Bucket4jGranted extends Bucket4jLimiter {
        @Override
        long capacity() {
            return HUGE;
        }

        @Override
        long refill() {
            return PER_NANOSECOND;
        }

        @Override
        Duration period() {
            return Duration.ofSeconds(1);
        }
    }

    /** Bucket4j, synchronized, one token per nanosecond, 2^31 at most. */
    @State(Scope.Benchmark)
    public static class Bucket4jSynchronizedGranted extends Bucket4jGranted {
        @Override
        SynchronizationStrategy strategy() {
            return SynchronizationStrategy.SYNCHRONIZED;
        }
    }

    /** Bucket4j, lock-free, one token per hour, already taken. */
    @State(Scope.Benchmark)
    public static class Bucket4jRefused extends Bucket4jLimiter {
        @Override
        long capacity() {
            return 1;
        }

        @Override
        long refill() {
            return 1;
        }

        @Override
        Duration period() {
            return Duration.ofHours(1);
        }

        /** Takes the only token. */
        @Override
        void afterBuild() {
            check(bucket.tryConsume(1), "the first token should be granted");
        }
    }
}
