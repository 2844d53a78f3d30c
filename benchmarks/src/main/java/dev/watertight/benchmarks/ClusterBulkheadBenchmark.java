package dev.watertight.benchmarks;

import dev.watertight.redis.ClusterBulkhead;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
import org.redisson.Redisson;
import org.redisson.api.RPermitExpirableSemaphore;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * A cluster-wide permit taken and given back on the loopback Redis ({@code 127.0.0.1:6379}, as CI
 * starts it): Watertight's {@link ClusterBulkhead} against Redisson's
 * {@link RPermitExpirableSemaphore}, the anchor that also gives leases which expire.
 *
 * <p>Both do the same, with equal correctness: a lease of 30 s that a crashed holder cannot keep,
 * taken without waiting and released. Watertight: {@code acquire()} then {@code close()}, one
 * script round trip each, expiry on the server's clock. Redisson:
 * {@code tryAcquire(0, 30, SECONDS)} then {@code release(id)}. Watertight's release is pipelined:
 * it is sent on the same connection as the caller's next command and not awaited; Redisson's
 * {@code release} waits for its reply, so {@code redissonReleaseAsync} also measures Redisson with
 * {@code releaseAsync(id)} not awaited, the nearest it has to the same. The limit, {@value #LIMIT},
 * is far above the thread count, so no call is ever refused (a refusal throws and fails the run).
 * Every trial uses fresh keys, and the tear-down fails the run if a permit was left behind.
 *
 * <p>Throughput is in operations (acquire + release) per millisecond; the {@code SampleTime}
 * mode gives the latency percentiles (p99 among them). The target is at least twice Redisson's
 * throughput. Run with {@code -t 1} and {@code -t 4}.
 */
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class ClusterBulkheadBenchmark {
    static final int LIMIT = 1_000;
    static final String REDIS = "redis://127.0.0.1:6379";

    private String name;
    private ClusterBulkhead watertight;
    private RedissonClient redisson;
    private RPermitExpirableSemaphore semaphore;

    @Setup
    public void setUp() {
        name = "bench-" + UUID.randomUUID();
        watertight = ClusterBulkhead.builder(name).redisUri(REDIS).maxConcurrent(LIMIT)
                .leaseTime(Duration.ofSeconds(30)).renewInterval(Duration.ofSeconds(10)).build();
        Config config = new Config();
        config.useSingleServer().setAddress(REDIS);
        redisson = Redisson.create(config);
        semaphore = redisson.getPermitExpirableSemaphore("bench-redisson-" + name);
        semaphore.trySetPermits(LIMIT);
    }

    @TearDown
    public void tearDown() {
        long watertightLeft = watertight.clusterInUse();
        int redissonLeft = semaphore.acquiredPermits();
        for (int i = 0; i < 100 && redissonLeft != 0; i++) { // asynchronous releases may still be on the way
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            redissonLeft = semaphore.acquiredPermits();
        }
        semaphore.delete();
        redisson.getKeys().delete("watertight:{" + name + "}:fence"); // the fencing counter never expires
        watertight.close();
        redisson.shutdown();
        if (watertightLeft != 0 || redissonLeft != 0) {
            throw new IllegalStateException("permits left behind: watertight " + watertightLeft + ", redisson "
                    + redissonLeft);
        }
    }

    @Benchmark
    public void watertight(Blackhole blackhole) throws InterruptedException {
        try (ClusterBulkhead.Lease lease = watertight.acquire()) {
            blackhole.consume(lease.fencingToken());
        }
    }

    @Benchmark
    public void redisson(Blackhole blackhole) throws InterruptedException {
        String id = semaphore.tryAcquire(0, 30, TimeUnit.SECONDS);
        if (id == null) {
            throw new IllegalStateException("Redisson refused a permit below its limit");
        }
        blackhole.consume(id);
        semaphore.release(id);
    }

    @Benchmark
    public void redissonReleaseAsync(Blackhole blackhole) throws InterruptedException {
        String id = semaphore.tryAcquire(0, 30, TimeUnit.SECONDS);
        if (id == null) {
            throw new IllegalStateException("Redisson refused a permit below its limit");
        }
        blackhole.consume(id);
        blackhole.consume(semaphore.releaseAsync(id)); // measured as Redisson's users call it: not awaited
    }
}
