package dev.watertight.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Issue 19: Redis loses its data or its script cache under a live compartment, on a
 * {@code redis-server} of the test's own (no persistence, as on our machines).
 */
class ClusterBulkheadDataLossTest {

    private static void admin(RedisServer server, Consumer<io.lettuce.core.api.sync.RedisCommands<String, String>> use) {
        RedisClient client = RedisClient.create(server.uri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            use.accept(connection.sync());
        } finally {
            client.shutdown();
        }
    }

    /** Item 1: before the fix the token counter was a plain key, and started again at 1. */
    @Test
    void fencingTokensKeepGrowingAfterAFlushAndAfterARestartWithoutPersistence() throws Exception {
        try (RedisServer server = RedisServer.start();
                ClusterBulkhead bulkhead = ClusterBulkhead.builder(ClusterBulkheadTest.uniqueName())
                        .redisUri(server.uri()).maxConcurrent(1).redisTimeout(Duration.ofMillis(300))
                        .maxWait(Duration.ofSeconds(5)).probeInterval(Duration.ofMillis(50)).build()) {
            long highest = 0;
            for (int i = 0; i < 40; i++) {
                try (ClusterBulkhead.Lease lease = bulkhead.acquire()) {
                    assertThat(lease.fencingToken()).isGreaterThan(highest);
                    highest = lease.fencingToken();
                }
            }
            ClusterBulkhead.Lease heldAcrossTheFlush = bulkhead.acquire();
            admin(server, redis -> redis.flushall());
            try (ClusterBulkhead.Lease afterFlush = bulkhead.acquire()) {
                // The lease held across the flush is gone from Redis, so the permit is granted again:
                // the fenced resource must see a higher token than the one the old holder carries.
                assertThat(afterFlush.fencingToken()).isGreaterThan(heldAcrossTheFlush.fencingToken());
                highest = afterFlush.fencingToken();
            }

            server.kill();
            server.startAgain();
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
                try (ClusterBulkhead.Lease afterRestart = bulkhead.acquire()) {
                    return !afterRestart.isLocal();
                }
            });
            try (ClusterBulkhead.Lease afterRestart = bulkhead.acquire()) {
                assertThat(afterRestart.fencingToken()).isGreaterThan(highest);
            }
            heldAcrossTheFlush.close();
        }
    }

    /**
     * Item 2: before the fix {@code isValid()} stayed true until a renewal answered, so with Redis
     * unreachable it stayed true forever, long after the lease had expired on the server.
     */
    @Test
    void aLeaseIsNoLongerValidOnceItsLeaseTimePassedWithoutASuccessfulRenewal() throws Exception {
        try (RedisServer server = RedisServer.start();
                ClusterBulkhead bulkhead = ClusterBulkhead.builder(ClusterBulkheadTest.uniqueName())
                        .redisUri(server.uri()).maxConcurrent(1).leaseTime(Duration.ofSeconds(1))
                        .renewInterval(Duration.ofMillis(200)).redisTimeout(Duration.ofMillis(200))
                        .probeInterval(Duration.ofMillis(100)).build()) {
            ClusterBulkhead.Lease lease = bulkhead.acquire();
            long acquiredAt = System.nanoTime();
            // Renewals keep it valid past its first lease time while Redis answers.
            await().atMost(Duration.ofSeconds(5)).until(() -> bulkhead.stats().renewals() >= 6);
            assertThat(lease.isValid()).isTrue();
            assertThat(System.nanoTime() - acquiredAt).isGreaterThan(TimeUnit.SECONDS.toNanos(1));

            server.signal("STOP");
            long stoppedAt = System.nanoTime();
            await().atMost(Duration.ofSeconds(3)).until(() -> !lease.isValid());
            assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).isLessThan(Duration.ofMillis(1_500));
            server.signal("CONT");
            lease.close();
        }
    }

    /**
     * Item 5: after Redis lost its script cache, waiters resent the script in whatever order their
     * threads woke, so the cluster's line and this process's line disagreed and a head could be
     * refused a permit kept for a waiter behind it that never asked. The probe interval (the
     * waiters' fallback poll) is far longer than the test may take, so such a stall fails it.
     */
    @Test
    void waitersDoNotStallAfterTheScriptCacheIsFlushedUnderALiveCompartment() throws Exception {
        try (RedisServer server = RedisServer.start();
                ClusterBulkhead bulkhead = ClusterBulkhead.builder(ClusterBulkheadTest.uniqueName())
                        .redisUri(server.uri()).maxConcurrent(2).maxWait(Duration.ofSeconds(30))
                        .probeInterval(Duration.ofSeconds(30)).build()) {
            for (int round = 0; round < 6; round++) {
                ClusterBulkhead.Lease first = bulkhead.acquire();
                ClusterBulkhead.Lease second = bulkhead.acquire();
                admin(server, redis -> redis.scriptFlush());
                List<CompletableFuture<Void>> waiters = startWaiters(bulkhead, 12);
                await().atMost(Duration.ofSeconds(10)).until(() -> bulkhead.stats().waiting() == 12);
                first.close();
                second.close();
                CompletableFuture.allOf(waiters.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
                assertThat(bulkhead.clusterInUse()).isZero();
            }
        }
    }

    /** Item 5, cold start: a fresh Redis has an empty script cache, and many waiters arrive at once. */
    @Test
    void manyWaitersOnAColdScriptCacheAreAllServed() throws Exception {
        for (int run = 0; run < 3; run++) {
            try (RedisServer server = RedisServer.start();
                    ClusterBulkhead bulkhead = ClusterBulkhead.builder(ClusterBulkheadTest.uniqueName())
                            .redisUri(server.uri()).maxConcurrent(2).maxWait(Duration.ofSeconds(30))
                            .probeInterval(Duration.ofSeconds(30)).build()) {
                List<CompletableFuture<Void>> waiters = startWaiters(bulkhead, 60);
                CompletableFuture.allOf(waiters.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
                assertThat(bulkhead.clusterInUse()).isZero();
            }
        }
    }

    /** Waiters that start at one instant, each taking a permit and giving it back at once. */
    private static List<CompletableFuture<Void>> startWaiters(ClusterBulkhead bulkhead, int count) {
        CyclicBarrier together = new CyclicBarrier(count);
        List<CompletableFuture<Void>> waiters = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            waiters.add(CompletableFuture.runAsync(() -> {
                try {
                    together.await();
                    bulkhead.acquire().close();
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }, runnable -> Thread.ofPlatform().daemon().start(runnable)));
        }
        return waiters;
    }
}
