package dev.watertight.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.watertight.CompartmentClosedException;
import dev.watertight.RateLimitExceededException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedRedisCleanup.class)
class ClusterRateLimiterTest {

    private static ClusterRateLimiter.Builder on(String name) {
        return ClusterRateLimiter.builder(name).redisUri(RedisServer.SHARED);
    }

    @Test
    void allowsTheBurstThenRefusesWithTheTimeUntilTheNextPermit() throws Exception {
        try (ClusterRateLimiter limiter = on(ClusterBulkheadTest.uniqueName()).permitsPerPeriod(10)
                .period(Duration.ofSeconds(1)).build()) {
            for (int i = 0; i < 10; i++) {
                assertThat(limiter.tryAcquire()).as("permit %d", i).isTrue();
            }
            assertThat(limiter.tryAcquire()).isFalse();
            assertThatThrownBy(() -> limiter.call(() -> "never"))
                    .isInstanceOfSatisfying(RateLimitExceededException.class, e -> assertThat(e.retryAfterNanos())
                            .isBetween(1L, TimeUnit.MILLISECONDS.toNanos(101)));
            assertThat(limiter.stats().permitted()).isEqualTo(10);
            assertThat(limiter.stats().rejected()).isEqualTo(2);
        }
    }

    @Test
    void callsAfterCloseAreRefusedEvenUnderTheLocalFallback() {
        ClusterRateLimiter limiter = on(ClusterBulkheadTest.uniqueName()).permitsPerPeriod(10)
                .fallback(FallbackPolicy.FALLBACK_LOCAL).build();
        assertThat(limiter.tryAcquire()).isTrue();
        limiter.close();
        assertThatThrownBy(limiter::tryAcquire).isInstanceOf(CompartmentClosedException.class)
                .hasMessageContaining(limiter.name());
        assertThatThrownBy(() -> limiter.call(() -> "never")).isInstanceOf(CompartmentClosedException.class);
        limiter.close(); // closing again does nothing
    }

    @Test
    void processesShareOneRate() {
        String name = ClusterBulkheadTest.uniqueName();
        try (ClusterRateLimiter a = on(name).permitsPerPeriod(6).period(Duration.ofMinutes(1)).build();
                ClusterRateLimiter b = on(name).permitsPerPeriod(6).period(Duration.ofMinutes(1)).build()) {
            assertThat(a.tryAcquire(3)).isTrue();
            assertThat(b.tryAcquire(3)).isTrue();
            assertThat(a.tryAcquire()).isFalse();
            assertThat(b.tryAcquire()).isFalse();
        }
    }

    @Test
    void neverAllowsMoreThanTheBurstPlusTheRateOverAnInterval() {
        try (ClusterRateLimiter limiter = on(ClusterBulkheadTest.uniqueName()).permitsPerPeriod(50)
                .period(Duration.ofSeconds(1)).burst(5).build()) {
            long start = System.nanoTime();
            long granted = 0;
            while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(600)) {
                if (limiter.tryAcquire()) {
                    granted++;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(granted).isLessThanOrEqualTo((long) (5 + 50 * seconds) + 1);
            assertThat(granted).isGreaterThanOrEqualTo((long) (5 + 50 * 0.6) - 3);
        }
    }

    @Test
    void aRefusedPermitIsGrantedOnceItsIntervalHasPassed() {
        try (ClusterRateLimiter limiter = on(ClusterBulkheadTest.uniqueName()).permitsPerPeriod(1)
                .period(Duration.ofMillis(300)).build()) {
            assertThat(limiter.tryAcquire()).isTrue();
            long refusedAt = System.nanoTime();
            assertThat(limiter.tryAcquire()).isFalse();
            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20)).until(limiter::tryAcquire);
            assertThat(System.nanoTime() - refusedAt).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(250));
        }
    }

    @Test
    void whileRedisIsAwayItFailsClosedOrAllowsTheLocalShare() throws Exception {
        try (RedisServer server = RedisServer.start();
                ClusterRateLimiter closed = ClusterRateLimiter.builder("closed").redisUri(server.uri())
                        .permitsPerPeriod(100).period(Duration.ofMinutes(1)).redisTimeout(Duration.ofMillis(300))
                        .probeInterval(Duration.ofMillis(100)).build();
                ClusterRateLimiter open = ClusterRateLimiter.builder("open").redisUri(server.uri())
                        .permitsPerPeriod(100).period(Duration.ofMinutes(1)).redisTimeout(Duration.ofMillis(300))
                        .probeInterval(Duration.ofMillis(100)).fallback(FallbackPolicy.FALLBACK_LOCAL)
                        .expectedInstances(25).build()) {
            assertThat(closed.tryAcquire()).isTrue();
            assertThat(open.tryAcquire()).isTrue();
            server.kill();

            assertThatThrownBy(closed::tryAcquire).isInstanceOf(ClusterUnavailableException.class)
                    .hasMessageStartingWith("ClusterRateLimiter 'closed' fails closed");
            int allowed = 0;
            for (int i = 0; i < 10; i++) {
                allowed += open.tryAcquire() ? 1 : 0;
            }
            assertThat(allowed).isEqualTo(4); // 100 / 25 instances
            assertThat(open.stats().fallbackActive()).isTrue();

            server.startAgain();
            await().atMost(Duration.ofSeconds(5)).until(() -> closed.stats().redisAvailable()
                    && open.stats().redisAvailable());
            assertThat(closed.tryAcquire()).isTrue();
            assertThat(open.tryAcquire()).isTrue();
        }
    }

    @Test
    void badSettingsAreNamed() {
        assertThatThrownBy(() -> ClusterRateLimiter.builder("x").redisUri(RedisServer.SHARED).build())
                .hasMessage("permitsPerPeriod must be set (at least 1), was not set");
        assertThatThrownBy(() -> ClusterRateLimiter.builder("x").permitsPerPeriod(0))
                .hasMessage("permitsPerPeriod must be between 1 and 2147483647, was 0");
        assertThatThrownBy(() -> ClusterRateLimiter.builder("x").period(Duration.ZERO))
                .hasMessage("period must be between PT0.001S and PT24H, was PT0S");
        try (ClusterRateLimiter limiter = on(ClusterBulkheadTest.uniqueName()).permitsPerPeriod(5).build()) {
            assertThatThrownBy(() -> limiter.tryAcquire(6))
                    .hasMessage("permits must be between 1 and 5 (the burst), was 6");
        }
    }
}
