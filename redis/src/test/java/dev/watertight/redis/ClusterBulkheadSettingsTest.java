package dev.watertight.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Bad input fails with a precise message, at build time or on first use, and never hangs. */
class ClusterBulkheadSettingsTest {

    @Test
    void aLimitOfZeroOrLessIsRefused() {
        assertThatThrownBy(() -> ClusterBulkhead.builder("x").maxConcurrent(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxConcurrent must be between 1 and 2147483647, was 0");
        assertThatThrownBy(() -> ClusterBulkhead.builder("x").maxConcurrent(-3))
                .hasMessage("maxConcurrent must be between 1 and 2147483647, was -3");
    }

    @Test
    void aLeaseThatDoesNotOutliveTheRenewIntervalIsRefused() {
        ClusterBulkhead.Builder builder = ClusterBulkhead.builder("x").redisUri(RedisServer.SHARED)
                .leaseTime(Duration.ofSeconds(1)).renewInterval(Duration.ofSeconds(2));
        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("renewInterval must be shorter than leaseTime (a lease would expire before its holder"
                        + " renews it), was renewInterval PT2S with leaseTime PT1S");
        assertThatThrownBy(() -> ClusterBulkhead.builder("x").leaseTime(Duration.ofMillis(5)))
                .hasMessage("leaseTime must be between PT0.1S and PT24H, was PT0.005S");
    }

    /** Issue 19, item 6: a renewal sent on time must be able to finish (or fail) before the lease expires. */
    @Test
    void aRenewalThatCannotFinishInsideTheLeaseIsRefused() {
        ClusterBulkhead.Builder builder = ClusterBulkhead.builder("x").redisUri(RedisServer.SHARED)
                .leaseTime(Duration.ofMillis(200)).renewInterval(Duration.ofMillis(190))
                .redisTimeout(Duration.ofSeconds(1));
        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("renewInterval plus redisTimeout must be shorter than leaseTime (a renewal could not"
                        + " finish before the lease expires), was renewInterval PT0.19S plus redisTimeout PT1S"
                        + " with leaseTime PT0.2S");
    }

    @Test
    void otherSettingsNameTheSettingAndTheValue() {
        assertThatThrownBy(() -> ClusterBulkhead.builder("x").maxWait(Duration.ofMillis(-1)))
                .hasMessage("maxWait must be between PT0S and PT24H, was PT-0.001S");
        assertThatThrownBy(() -> ClusterBulkhead.builder("x").redisTimeout(null))
                .hasMessage("redisTimeout must be between PT0.01S and PT1M, was null");
        assertThatThrownBy(() -> ClusterBulkhead.builder("x").replySpin(Duration.ofMillis(2)))
                .hasMessage("replySpin must be between PT0S and PT0.001S, was PT0.002S");
        assertThatThrownBy(() -> ClusterRateLimiter.builder("x").replySpin(Duration.ofNanos(-1)))
                .hasMessage("replySpin must be between PT0S and PT0.001S, was PT-0.000000001S");
        assertThatThrownBy(() -> ClusterBulkhead.builder("x").expectedInstances(0))
                .hasMessage("expectedInstances must be between 1 and 2147483647, was 0");
        assertThatThrownBy(() -> ClusterBulkhead.builder("a{b}"))
                .hasMessageStartingWith("name must be 1 to 128 characters").hasMessageEndingWith("was 'a{b}'");
        assertThatThrownBy(() -> ClusterBulkhead.builder("x").keyPrefix("has space"))
                .hasMessageStartingWith("keyPrefix must be").hasMessageEndingWith("was 'has space'");
        assertThatThrownBy(() -> ClusterBulkhead.builder("x").build())
                .hasMessage("redisUri must be set to a redis:// or rediss:// URI, was not set");
    }

    @Test
    void aWrongUriIsRefusedWithItsPasswordMasked() {
        assertThatThrownBy(() -> ClusterBulkhead.builder("x").redisUri("http://:hunter2@localhost:6379"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("redisUri must be a redis:// or rediss:// URI with a host, such as redis://127.0.0.1:6379"
                        + " or rediss://user:password@host:6380/0, was 'http://***@localhost:6379'");
        assertThatThrownBy(() -> ClusterBulkhead.builder("x").redisUri("redis://:hunter2@localhost:notaport"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("redis://***@localhost:notaport").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> ClusterBulkhead.builder("x").redisUri(" "))
                .hasMessageEndingWith("was ' '");
    }

    @Test
    void credentialsNeverAppearInToStringOrConfig() {
        RedisEndpoint endpoint = RedisEndpoint.of("rediss://app:hunter2@redis.internal:6380/2");
        assertThat(endpoint).hasToString("rediss://***@redis.internal:6380/2");
        assertThat(endpoint.tls()).isTrue();
        ClusterBulkheadConfig config = ClusterBulkhead.builder("x").redis(endpoint).config();
        assertThat(config.toString()).contains("rediss://***@redis.internal:6380/2").doesNotContain("hunter2");
    }

    @Test
    void aWrongPasswordFailsTheBuildQuicklyWithoutShowingThePassword() {
        try (RedisServer server = RedisServer.start("right-secret")) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> ClusterBulkhead.builder("x")
                    .redisUri("redis://:wrong-secret@127.0.0.1:" + server.port())
                    .redisTimeout(Duration.ofMillis(500)).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("redisUri: Redis at redis://***@127.0.0.1:" + server.port()
                            + "/0 refused the credentials for compartment 'x'")
                    .hasMessageNotContaining("wrong-secret");
            assertThatThrownBy(() -> ClusterBulkhead.builder("x").redisUri("redis://127.0.0.1:" + server.port())
                    .redisTimeout(Duration.ofMillis(500)).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("refused the credentials");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

            try (ClusterBulkhead right = ClusterBulkhead.builder("x").redisUri(server.uri()).build()) {
                right.acquire().close();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void nothingListeningFailsClosedOnFirstUseWithinTheTimeout() {
        int port = RedisServer.freePort();
        long start = System.nanoTime();
        try (ClusterBulkhead bulkhead = ClusterBulkhead.builder("orders").redisUri("redis://:pw@127.0.0.1:" + port)
                .redisTimeout(Duration.ofMillis(300)).build()) {
            assertThatThrownBy(bulkhead::acquire).isInstanceOf(ClusterUnavailableException.class)
                    .hasMessageStartingWith("ClusterBulkhead 'orders' fails closed: Redis at redis://***@127.0.0.1:"
                            + port + "/0 is unavailable (")
                    .hasMessageEndingWith("); no permit was taken")
                    .hasMessageNotContaining(":pw@");
            assertThat(bulkhead.stats().redisAvailable()).isFalse();
            assertThat(bulkhead.stats().unavailableSince()).isNotNull();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void anAddressThatNeverAnswersFailsWithinTheConnectTimeout() {
        long start = System.nanoTime();
        // TEST-NET-1 (RFC 5737): packets go nowhere, so only the connect timeout ends the attempt.
        try (ClusterBulkhead bulkhead = ClusterBulkhead.builder("orders").redisUri("redis://192.0.2.1:6379")
                .redisTimeout(Duration.ofMillis(300)).build()) {
            assertThatThrownBy(bulkhead::acquire).isInstanceOf(ClusterUnavailableException.class);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }
}
