package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.watertight.testing.ManualTimeSource;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link RateLimiter#reconfigure}: exact grants before and after, on a clock moved by hand. */
class RateLimiterReconfigureTest {
    private final ManualTimeSource time = new ManualTimeSource();

    private RateLimiter.Builder builder(int permitsPerSecond, int burst) {
        return RateLimiter.builder("api").permitsPerPeriod(permitsPerSecond).period(Duration.ofSeconds(1))
                .burst(burst).timeSource(time);
    }

    private static int grantsNow(RateLimiter limiter) {
        int granted = 0;
        while (limiter.tryAcquire()) {
            granted++;
        }
        return granted;
    }

    @Test
    void aLoweredRateAndBurstGrantNoMoreThanTheyAllowFromTheChangeOn() {
        RateLimiter limiter = builder(10, 10).build();
        assertThat(grantsNow(limiter)).isEqualTo(10);
        time.advance(500, TimeUnit.MILLISECONDS);
        // Five permits saved up at the old rate; the new burst is 2.

        limiter.reconfigure(builder(2, 2).config());

        assertThat(grantsNow(limiter)).as("capped at the new burst").isEqualTo(2);
        time.advance(499, TimeUnit.MILLISECONDS);
        assertThat(grantsNow(limiter)).as("one every 500 ms now").isZero();
        time.advance(1, TimeUnit.MILLISECONDS);
        assertThat(grantsNow(limiter)).isEqualTo(1);
        time.advance(10, TimeUnit.SECONDS);
        assertThat(grantsNow(limiter)).as("never more than the new burst at once").isEqualTo(2);
        assertThat(limiter.config().permitsPerPeriod()).isEqualTo(2);
        assertThat(limiter.config().burst()).isEqualTo(2);
        assertThat(limiter.stats().permitsPerPeriod()).isEqualTo(2);
    }

    @Test
    void aRaisedRateKeepsThePermitsSavedUpAndEarnsFasterFromTheChangeOn() {
        RateLimiter limiter = builder(1, 1).build();
        assertThat(grantsNow(limiter)).isEqualTo(1);

        limiter.reconfigure(builder(100, 5).config());

        assertThat(grantsNow(limiter)).as("a raise does not refill").isZero();
        time.advance(10, TimeUnit.MILLISECONDS);
        assertThat(grantsNow(limiter)).isEqualTo(1);
        time.advance(1, TimeUnit.SECONDS);
        assertThat(grantsNow(limiter)).isEqualTo(5);
    }

    @Test
    void maxWaitAppliesToWaitsDecidedAfterTheChange() {
        RateLimiter limiter = builder(1, 1).build();
        limiter.acquire();
        assertThatThrownBy(limiter::acquire).isInstanceOf(RateLimitExceededException.class);

        limiter.reconfigure(builder(1000, 1).maxWait(Duration.ofSeconds(5)).config());

        assertThat(limiter.config().maxWait()).isEqualTo(Duration.ofSeconds(5));
        time.advance(1, TimeUnit.MILLISECONDS);
        assertThat(limiter.tryAcquire()).as("free after a millisecond at the new rate").isTrue();

        limiter.reconfigure(RateLimiter.builder("api").permitsPerPeriod(1).period(Duration.ofHours(1))
                .maxWait(Duration.ofMillis(1)).timeSource(time).config());
        assertThatThrownBy(limiter::acquire)
                .isInstanceOf(RateLimitExceededException.class)
                .hasMessageContaining("api");
        assertThat(limiter.stats().granted()).isEqualTo(2);
        assertThat(limiter.stats().rejected()).isEqualTo(2);
    }

    @Test
    void theRunningLimiterKeepsItsTimeSourceAndRefusesAnotherName() {
        RateLimiter limiter = builder(10, 10).build();

        limiter.reconfigure(RateLimiter.builder("api").permitsPerPeriod(5).config());
        assertThat(limiter.config().timeSource()).isSameAs(time);
        assertThatThrownBy(() -> limiter.reconfigure(RateLimiter.builder("web").permitsPerPeriod(5).config()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name cannot change on a running rate limiter: is 'api', was given 'web'");
        assertThatThrownBy(() -> RateLimiter.builder("api").config())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("permitsPerPeriod must be set");
    }
}
