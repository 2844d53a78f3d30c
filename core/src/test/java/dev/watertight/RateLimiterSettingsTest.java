package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every invalid rate limiter setting fails when it is set (or, for settings that must fit
 * together, when built), naming the setting, the bad value and what is allowed.
 */
class RateLimiterSettingsTest {

    @Test
    void nameMustBePresentShortAndPrintable() {
        assertThatThrownBy(() -> RateLimiter.builder(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name must be 1 to 128 characters, not blank and without control characters, was null");
        assertThatThrownBy(() -> RateLimiter.builder(" "))
                .hasMessage("name must be 1 to 128 characters, not blank and without control characters, was ' '");
        assertThatThrownBy(() -> RateLimiter.of("a\tb", 1, Duration.ofSeconds(1)))
                .hasMessageStartingWith("name must be 1 to 128 characters");
        assertThatThrownBy(() -> RateLimiter.builder("x".repeat(129)))
                .hasMessageStartingWith("name must be 1 to 128 characters");
    }

    @Test
    void permitsPerPeriodMustBePositive() {
        assertThatThrownBy(() -> RateLimiter.builder("r").permitsPerPeriod(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("permitsPerPeriod must be between 1 and 2147483647, was 0");
        assertThatThrownBy(() -> RateLimiter.builder("r").permitsPerPeriod(-3))
                .hasMessage("permitsPerPeriod must be between 1 and 2147483647, was -3");
    }

    @Test
    void permitsPerPeriodMustBeSet() {
        assertThatThrownBy(() -> RateLimiter.builder("r").period(Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("permitsPerPeriod must be set: a rate limiter has no default rate");
    }

    @Test
    void periodMustBePositiveAndFitInNanoseconds() {
        assertThatThrownBy(() -> RateLimiter.builder("r").period(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("period must be a positive duration of at most 9223372036854775807 ns"
                        + " (about 292 years), was PT0S");
        assertThatThrownBy(() -> RateLimiter.builder("r").period(Duration.ofMillis(-5)))
                .hasMessageEndingWith("was PT-0.005S");
        assertThatThrownBy(() -> RateLimiter.builder("r").period(null))
                .hasMessageEndingWith("was null");
        assertThatThrownBy(() -> RateLimiter.builder("r").period(Duration.ofDays(365L * 300)))
                .hasMessageStartingWith("period must be a positive duration");
    }

    @Test
    void burstMustBePositive() {
        assertThatThrownBy(() -> RateLimiter.builder("r").burst(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("burst must be between 1 and 2147483647, was 0");
    }

    @Test
    void rateMustBeAtMostOnePermitPerNanosecond() {
        assertThatThrownBy(() -> RateLimiter.builder("r").permitsPerPeriod(1001).period(Duration.ofNanos(1000))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("permitsPerPeriod must be at most one per nanosecond of period,"
                        + " was 1001 per PT0.000001S");
        assertThat(RateLimiter.builder("r").permitsPerPeriod(1000).period(Duration.ofNanos(1000)).build()
                .tryAcquire(1000)).isTrue();
    }

    @Test
    void aFullBurstMustBeEarnedWithinAbout146Years() {
        assertThatThrownBy(() -> RateLimiter.builder("r").permitsPerPeriod(1).period(Duration.ofDays(365))
                        .burst(200).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("burst * period / permitsPerPeriod (the time to earn a full burst) must be at most"
                        + " 4611686018427387903 ns (about 146 years), was 200 * PT8760H / 1");
        assertThat(RateLimiter.builder("r").permitsPerPeriod(1).period(Duration.ofDays(365)).burst(100).build()
                .stats().burst()).isEqualTo(100);
    }

    @Test
    void maxWaitMustBeZeroOrPositive() {
        assertThatThrownBy(() -> RateLimiter.builder("r").maxWait(Duration.ofNanos(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxWait must be zero or a positive duration of at most 9223372036854775807 ns"
                        + " (about 292 years), was PT-0.000000001S");
    }

    @Test
    void listenersAndTimeSourceMustNotBeNull() {
        assertThatThrownBy(() -> RateLimiter.builder("r").listener(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("listener must not be null");
        assertThatThrownBy(() -> RateLimiter.builder("r").timeSource(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("timeSource must not be null");
        assertThatThrownBy(() -> new RateLimiterConfig("r", 1, Duration.ofSeconds(1), 1, Duration.ZERO, false,
                        TimeSource.system(), Arrays.asList((CompartmentListener) null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("listeners must not contain null, was [null]");
    }

    @Test
    void configRecordValidatesLikeTheBuilder() {
        assertThatThrownBy(() -> new RateLimiterConfig("r", 0, Duration.ofSeconds(1), 1, Duration.ZERO, false,
                        TimeSource.system(), List.of()))
                .hasMessage("permitsPerPeriod must be between 1 and 2147483647, was 0");
        assertThatThrownBy(() -> new RateLimiterConfig("r", 1, Duration.ofSeconds(1), 0, Duration.ZERO, false,
                        TimeSource.system(), List.of()))
                .hasMessage("burst must be between 1 and 2147483647, was 0");
        assertThatThrownBy(() -> new RateLimiterConfig("r", 1, Duration.ofSeconds(1), 1, null, false,
                        TimeSource.system(), List.of()))
                .hasMessage("maxWait must be zero or a positive duration of at most 9223372036854775807 ns"
                        + " (about 292 years), was null");
        assertThatThrownBy(() -> new RateLimiterConfig("r", 1, Duration.ofSeconds(1), 1, Duration.ZERO, false,
                        null, List.of()))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("timeSource must not be null");
    }

    @Test
    void defaultsAreAOneSecondPeriodABurstOfOnePeriodAndNoWait() {
        RateLimiterConfig config = RateLimiter.builder("r").permitsPerPeriod(50).build().config();

        assertThat(config.period()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.burst()).isEqualTo(50);
        assertThat(config.maxWait()).isZero();
        assertThat(config.writableStackTrace()).isFalse();
        assertThat(config.timeSource()).isSameAs(TimeSource.system());
        assertThat(config.listeners()).isEmpty();
        assertThat(RateLimiter.of("r", 7, Duration.ofMinutes(1)).config())
                .isEqualTo(new RateLimiterConfig("r", 7, Duration.ofMinutes(1), 7, Duration.ZERO, false,
                        TimeSource.system(), List.of()));
    }
}
