package dev.watertight.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.watertight.BulkheadFullException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Redis killed, paused and restarted under a compartment: the policy takes over in time, nothing hangs. */
class ClusterBulkheadOutageTest {
    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private static final long DEADLINE_MILLIS = TIMEOUT.toMillis() + 400;

    /** Records the policy switches it hears. */
    static final class Switches implements ClusterListener {
        final List<String> heard = new CopyOnWriteArrayList<>();

        @Override
        public void onRedisUnavailable(String compartment, FallbackPolicy policy, String reason) {
            heard.add("unavailable " + policy);
        }

        @Override
        public void onRedisAvailable(String compartment) {
            heard.add("available");
        }
    }

    private static ClusterBulkhead.Builder on(RedisServer server, Switches switches) {
        return ClusterBulkhead.builder(ClusterBulkheadTest.uniqueName()).redisUri(server.uri()).redisTimeout(TIMEOUT)
                .probeInterval(Duration.ofMillis(100)).leaseTime(Duration.ofSeconds(2))
                .renewInterval(Duration.ofMillis(200)).listener(switches);
    }

    @Test
    void failsClosedWithinTheDeadlineWhenRedisDiesAndRecoversWhenItReturns() throws Exception {
        Switches switches = new Switches();
        try (RedisServer server = RedisServer.start();
                ClusterBulkhead bulkhead = on(server, switches).maxConcurrent(3).build()) {
            ClusterBulkhead.Lease before = bulkhead.acquire();

            server.kill();
            long start = System.nanoTime();
            assertThatThrownBy(bulkhead::acquire).isInstanceOf(ClusterUnavailableException.class)
                    .hasMessageContaining("fails closed: Redis at redis://127.0.0.1:" + server.port());
            assertThat(millisSince(start)).isLessThan(DEADLINE_MILLIS);
            assertThat(switches.heard).containsExactly("unavailable FAIL_CLOSED");
            assertThat(bulkhead.stats().redisAvailable()).isFalse();
            assertThat(bulkhead.stats().fallbackActive()).isFalse();
            before.close(); // harmless, and quick, while Redis is away

            server.startAgain();
            await().atMost(Duration.ofSeconds(5)).until(() -> bulkhead.stats().redisAvailable());
            assertThat(switches.heard).containsExactly("unavailable FAIL_CLOSED", "available");
            try (ClusterBulkhead.Lease after = bulkhead.acquire()) {
                assertThat(after.isLocal()).isFalse();
                assertThat(bulkhead.clusterInUse()).isEqualTo(1);
            }
            assertThat(bulkhead.clusterInUse()).isZero();
            assertThat(bulkhead.stats().redisOutages()).isEqualTo(1);
        }
    }

    @Test
    void aRedisThatStopsAnsweringIsDetectedWithinTheTimeout() throws Exception {
        Switches switches = new Switches();
        try (RedisServer server = RedisServer.start();
                ClusterBulkhead bulkhead = on(server, switches).maxConcurrent(3).build()) {
            bulkhead.acquire().close();

            server.signal("STOP"); // the socket stays open; only the timeout can tell
            long start = System.nanoTime();
            assertThatThrownBy(bulkhead::acquire).isInstanceOf(ClusterUnavailableException.class)
                    .hasMessageContaining("RedisCommandTimeoutException");
            assertThat(millisSince(start)).isLessThan(DEADLINE_MILLIS);
            // Later callers are refused at once, without paying the timeout again.
            long again = System.nanoTime();
            assertThatThrownBy(bulkhead::acquire).isInstanceOf(ClusterUnavailableException.class);
            assertThat(millisSince(again)).as("ms, less than the timeout it would pay").isLessThan(TIMEOUT.toMillis());

            server.signal("CONT");
            await().atMost(Duration.ofSeconds(5)).until(() -> bulkhead.stats().redisAvailable());
            bulkhead.acquire().close();
            // The acquire that timed out was granted on the server after all; it is given back, not kept a lease time.
            await().atMost(Duration.ofSeconds(1)).until(() -> bulkhead.clusterInUse() == 0);
        }
    }

    /**
     * Four threads call through the compartment while Redis is killed and restarted: they switch to
     * the local share (10 / 5 instances = 2), never hang, and the cluster count is consistent after.
     */
    @Test
    void fallsBackToTheLocalShareUnderLoadAndReturnsToTheClusterAfterARestart() throws Exception {
        Switches switches = new Switches();
        try (RedisServer server = RedisServer.start();
                ClusterBulkhead bulkhead = on(server, switches).maxConcurrent(10).expectedInstances(5)
                        .fallback(FallbackPolicy.FALLBACK_LOCAL).maxWait(Duration.ofMillis(50)).build()) {
            ClusterBulkhead.Lease heldAcrossTheRestart = bulkhead.acquire();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong local = new AtomicLong();
            AtomicLong cluster = new AtomicLong();
            AtomicLong localInside = new AtomicLong();
            AtomicLong maxLocalInside = new AtomicLong();
            List<Throwable> unexpected = new CopyOnWriteArrayList<>();
            List<Thread> callers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                callers.add(Thread.ofPlatform().start(() -> {
                    while (!stop.get()) {
                        try (ClusterBulkhead.Lease lease = bulkhead.acquire()) {
                            if (lease.isLocal()) {
                                maxLocalInside.accumulateAndGet(localInside.incrementAndGet(), Math::max);
                                local.incrementAndGet();
                                holdBriefly(); // long enough for holders to overlap, so the share's bound is reached
                                localInside.decrementAndGet();
                            } else {
                                cluster.incrementAndGet();
                            }
                        } catch (BulkheadFullException e) {
                            // the local share is full: expected under the fallback
                        } catch (Throwable t) {
                            unexpected.add(t);
                        }
                    }
                }));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> cluster.get() > 50);

            server.kill();
            await().atMost(Duration.ofMillis(DEADLINE_MILLIS)).until(() -> bulkhead.stats().fallbackActive());
            await().atMost(Duration.ofSeconds(5)).until(() -> local.get() > 50);
            await().atMost(Duration.ofSeconds(5)).until(() -> maxLocalInside.get() >= 2);
            assertThat(maxLocalInside.get()).as("local holders at once: the share, never more").isEqualTo(2);
            assertThat(switches.heard).containsExactly("unavailable FALLBACK_LOCAL");

            server.startAgain();
            await().atMost(Duration.ofSeconds(5)).until(() -> bulkhead.stats().redisAvailable());
            long clusterBefore = cluster.get();
            await().atMost(Duration.ofSeconds(5)).until(() -> cluster.get() > clusterBefore + 50);

            stop.set(true);
            for (Thread caller : callers) {
                caller.join(5_000);
                assertThat(caller.isAlive()).as("a caller hung").isFalse();
            }
            assertThat(unexpected).isEmpty();
            // Redis came back empty: the lease held across the restart is reported lost at the next renewal.
            await().atMost(Duration.ofSeconds(2)).until(() -> !heldAcrossTheRestart.isValid());
            heldAcrossTheRestart.close();
            assertThat(bulkhead.clusterInUse()).isZero();
            ClusterBulkheadStats stats = bulkhead.stats();
            assertThat(stats.localHolders()).isZero();
            assertThat(stats.fallbackInUse()).isZero();
            assertThat(stats.leasesLost()).isEqualTo(1);
            assertThat(switches.heard).containsExactly("unavailable FALLBACK_LOCAL", "available");
        }
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Holds the caller for about 100 µs without sleeping. */
    private static void holdBriefly() {
        long until = System.nanoTime() + 100_000;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }
}
