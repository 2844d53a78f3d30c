package dev.watertight.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Several processes sharing one compartment; a crash or a pause matters only across processes. */
@ExtendWith(SharedRedisCleanup.class)
class ClusterBulkheadProcessesTest {

    /**
     * 4 processes x 8 threads, limit 10. The count of calls inside is kept in Redis itself (INCR on
     * entry, DECR on exit), so it is the cluster-wide truth, not any process's view.
     */
    @Test
    void fourProcessesOfEightThreadsNeverExceedTheLimitOfTen() throws Exception {
        String name = ClusterBulkheadTest.uniqueName();
        int processes = 4;
        int callsEach = Integer.getInteger("watertight.redis.stressCalls", 20_000) / processes;
        List<ForkedNode> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < processes; i++) {
                nodes.add(ForkedNode.start("stress", RedisServer.SHARED, name, "10", "8", Integer.toString(callsEach)));
            }
            long done = 0;
            long max = 0;
            for (ForkedNode node : nodes) {
                String[] words = node.awaitLine("done ", 120).split(" ");
                done += Long.parseLong(words[1]);
                max = Math.max(max, Long.parseLong(words[3]));
                assertThat(words[5]).as("failures in %s", node.output()).isEqualTo("0");
            }
            assertThat(done).isEqualTo((long) callsEach * processes);
            assertThat(max).as("largest cluster-wide count of calls inside").isBetween(2L, 10L);
        } finally {
            for (ForkedNode node : nodes) {
                node.close();
            }
        }
    }

    @Test
    void permitsOfAProcessKilledWithSigkillComeBackWithinTheLeaseTime() throws Exception {
        String name = ClusterBulkheadTest.uniqueName();
        long leaseMillis = 1_000;
        try (ForkedNode holder = ForkedNode.start("hold", RedisServer.SHARED, name, "5", "5",
                        Long.toString(leaseMillis), "250");
                ClusterBulkhead survivor = ClusterBulkhead.builder(name).redisUri(RedisServer.SHARED).maxConcurrent(5)
                        .maxWait(Duration.ofSeconds(5)).build()) {
            holder.awaitLine("held", 30);
            // Renewal keeps the leases alive well past one lease time while the holder lives.
            await().during(Duration.ofMillis(2 * leaseMillis)).atMost(Duration.ofMillis(3 * leaseMillis))
                    .until(() -> survivor.clusterInUse() == 5);

            holder.killHard();
            long killedAt = System.nanoTime();
            List<ClusterBulkhead.Lease> taken = new ArrayList<>();
            AtomicLong maxInUse = new AtomicLong();
            for (int i = 0; i < 5; i++) {
                taken.add(survivor.acquire());
                maxInUse.accumulateAndGet(survivor.clusterInUse(), Math::max);
            }
            long tookMillis = (System.nanoTime() - killedAt) / 1_000_000;

            assertThat(tookMillis).as("ms until all 5 permits were back").isLessThan(leaseMillis + 500);
            assertThat(maxInUse.get()).isEqualTo(5);
            assertThat(survivor.stats().expiredReclaimed()).isEqualTo(5);
            taken.forEach(ClusterBulkhead.Lease::close);
            assertThat(survivor.clusterInUse()).isZero();
        }
    }

    /** Kleppmann's scenario: the paused holder wakes up believing it holds the lock. */
    @Test
    void aHolderPausedPastItsLeaseHasALowerFencingTokenThanTheNextHolder() throws Exception {
        String name = ClusterBulkheadTest.uniqueName();
        FencedResource resource = new FencedResource();
        try (ForkedNode paused = ForkedNode.start("hold", RedisServer.SHARED, name, "1", "1", "500", "150");
                ClusterBulkhead next = ClusterBulkhead.builder(name).redisUri(RedisServer.SHARED).maxConcurrent(1)
                        .maxWait(Duration.ofSeconds(5)).build()) {
            long pausedToken = Long.parseLong(paused.awaitLine("held", 30).split(" ")[1]);
            assertThat(resource.write(pausedToken)).isTrue();

            paused.signal("STOP");
            try (ClusterBulkhead.Lease lease = next.acquire()) {
                assertThat(lease.fencingToken()).isGreaterThan(pausedToken);
                assertThat(resource.write(lease.fencingToken())).isTrue();

                paused.signal("CONT");
                // The paused holder learns at its next renewal that its lease is gone...
                assertThat(paused.awaitLine("lost", 10)).isEqualTo("lost " + pausedToken);
                // Whatever it still sends carries that old token, lower than the new holder's (asserted
                // above), so the fenced resource refuses it.
                assertThat(next.clusterInUse()).isEqualTo(1);
            }
        }
    }

    /** A resource that accepts only writes whose token is at least the highest it has seen. */
    static final class FencedResource {
        private long highest;

        synchronized boolean write(long token) {
            if (token < highest) {
                return false;
            }
            highest = token;
            return true;
        }
    }
}
