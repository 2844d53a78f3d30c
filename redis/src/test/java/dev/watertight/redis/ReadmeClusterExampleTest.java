package dev.watertight.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The README's "Cluster-wide compartments" example, compiled and run (on the test's Redis). */
@ExtendWith(SharedRedisCleanup.class)
class ReadmeClusterExampleTest {

    record Quote(String order) {}

    static final class PartnerClient {
        Quote quote(String order) {
            return new Quote(order);
        }
    }

    static final class Store {
        long lastToken;

        void write(String data, long fencingToken) {
            assertThat(fencingToken).isGreaterThan(lastToken);
            lastToken = fencingToken;
        }
    }

    @Test
    void theReadmeExampleRuns() throws Exception {
        PartnerClient client = new PartnerClient();
        Store store = new Store();
        String order = "order-1";
        String data = "data";

        ClusterBulkhead partner = ClusterBulkhead.builder(ClusterBulkheadTest.uniqueName())
                .redisUri(RedisServer.SHARED)                       // README: rediss://:secret@redis.internal:6380
                .maxConcurrent(40)                                   // for the whole cluster
                .maxWait(Duration.ofMillis(200))
                .leaseTime(Duration.ofSeconds(30)).renewInterval(Duration.ofSeconds(10))
                .fallback(FallbackPolicy.FALLBACK_LOCAL).expectedInstances(20)  // 2 each while Redis is away
                .build();

        Quote quote = partner.call(() -> client.quote(order));
        try (ClusterBulkhead.Lease lease = partner.acquire()) {
            store.write(data, lease.fencingToken());   // the store refuses tokens older than one it has seen
        }

        assertThat(quote.order()).isEqualTo(order);
        assertThat(partner.clusterInUse()).isZero();
        partner.close();
    }
}
