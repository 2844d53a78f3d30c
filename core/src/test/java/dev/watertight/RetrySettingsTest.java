package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every invalid setting of a {@link Retry}, its {@link Backoff} and its {@link RetryBudget} fails
 * when it is set, naming the setting, the bad value and what is allowed.
 */
class RetrySettingsTest {
    private static final String DURATION_LIMIT = "of at most 9223372036854775807 ns (about 292 years)";

    @Test
    void nameMustBePresentShortAndPrintable() {
        assertThatThrownBy(() -> Retry.builder(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name must be 1 to 128 characters, not blank and without control characters, was null");
        assertThatThrownBy(() -> Retry.builder(" ")).hasMessageEndingWith("was ' '");
        assertThatThrownBy(() -> Retry.builder("x".repeat(129))).hasMessageStartingWith("name must be");
        assertThatThrownBy(() -> Retry.of("tab\there", 3)).hasMessageStartingWith("name must be");
    }

    @Test
    void maxAttemptsMustBeAtLeastOne() {
        assertThatThrownBy(() -> Retry.builder("r").maxAttempts(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxAttempts must be between 1 and 2147483647, was 0");
        assertThatThrownBy(() -> Retry.of("r", -2))
                .hasMessage("maxAttempts must be between 1 and 2147483647, was -2");
        assertThat(Retry.of("r", Integer.MAX_VALUE).config().maxAttempts()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void requiredValuesMustNotBeNull() {
        Retry.Builder builder = Retry.builder("r");
        assertThatThrownBy(() -> builder.backoff(null))
                .isInstanceOf(NullPointerException.class).hasMessage("backoff must not be null");
        assertThatThrownBy(() -> builder.retryOn(null)).hasMessage("retryOn must not be null");
        assertThatThrownBy(() -> builder.retryOnResult(null)).hasMessage("retryOnResult must not be null");
        assertThatThrownBy(() -> builder.budget(null)).hasMessage("budget must not be null");
        assertThatThrownBy(() -> builder.timeSource(null)).hasMessage("timeSource must not be null");
        assertThatThrownBy(() -> builder.listener(null)).hasMessage("listener must not be null");
    }

    @Test
    void fixedDelayMustBeZeroOrPositiveAndFitInNanoseconds() {
        assertThatThrownBy(() -> Backoff.fixed(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("backoff.delay must be zero or a positive duration " + DURATION_LIMIT + ", was PT-0.001S");
        assertThatThrownBy(() -> Backoff.fixed(null)).hasMessageEndingWith(", was null");
        assertThatThrownBy(() -> Backoff.fixed(Duration.ofDays(365L * 300)))
                .hasMessageStartingWith("backoff.delay must be");
    }

    @Test
    void exponentialInitialMustBePositive() {
        assertThatThrownBy(() -> Backoff.exponential(Duration.ZERO, 2.0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("backoff.initial must be a positive duration " + DURATION_LIMIT + ", was PT0S");
        assertThatThrownBy(() -> Backoff.exponential(null, 2.0, Duration.ofSeconds(1)))
                .hasMessageStartingWith("backoff.initial must be").hasMessageEndingWith("was null");
    }

    @Test
    void exponentialMultiplierMustBeFiniteAndAtLeastOne() {
        for (double bad : new double[] {0.99, 0.0, -2.0, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> Backoff.exponential(Duration.ofMillis(1), bad, Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("backoff.multiplier must be a finite number of at least 1.0, was " + bad);
        }
    }

    @Test
    void exponentialMaxMustBeAtLeastTheInitialDelay() {
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(2), 2.0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("backoff.max must be at least backoff.initial (PT2S), was PT1S");
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(2), 2.0, null))
                .hasMessageStartingWith("backoff.max must be a positive duration").hasMessageEndingWith("was null");
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(2), 2.0, Duration.ofDays(365L * 300)))
                .hasMessageStartingWith("backoff.max must be a positive duration");
    }

    @Test
    void jitterBaseMustBePositiveAndNotAboveTheMax() {
        assertThatThrownBy(() -> Backoff.decorrelatedJitter(Duration.ofMillis(-5), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("backoff.base must be a positive duration " + DURATION_LIMIT + ", was PT-0.005S");
        assertThatThrownBy(() -> Backoff.decorrelatedJitter(Duration.ofSeconds(1), Duration.ofMillis(999)))
                .hasMessage("backoff.max must be at least backoff.base (PT1S), was PT0.999S");
    }

    @Test
    void budgetRatioMustBeANumberFromZeroToAThousand() {
        for (double bad : new double[] {-0.1, 1000.5, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> Retry.builder("r").budget(bad, 10, Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("budget.retryRatio must be a number from 0.0 to 1000.0, was " + bad);
        }
        assertThat(RetryBudget.of(0.0, 0, Duration.ofSeconds(1)).retryRatio()).isZero();
        assertThat(RetryBudget.of(1000.0, 0, Duration.ofSeconds(1)).retryRatio()).isEqualTo(1000.0);
    }

    @Test
    void budgetFloorMustNotBeNegative() {
        assertThatThrownBy(() -> Retry.builder("r").budget(0.1, -1, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("budget.minRetriesPerSecond must be between 0 and 2147483647, was -1");
    }

    @Test
    void budgetWindowMustBeFromTenMillisecondsToAnHour() {
        for (Duration bad : Arrays.asList(null, Duration.ZERO, Duration.ofMillis(9), Duration.ofSeconds(-1),
                Duration.ofHours(1).plusNanos(1))) {
            assertThatThrownBy(() -> RetryBudget.of(0.1, 10, bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("budget.window must be a duration from PT0.01S to PT1H, was " + bad);
        }
        assertThat(RetryBudget.of(0.1, 10, Duration.ofMillis(10)).window()).isEqualTo(Duration.ofMillis(10));
        assertThat(RetryBudget.of(0.1, 10, Duration.ofHours(1)).window()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void configRecordsValidateLikeTheBuilder() {
        assertThatThrownBy(() -> new RetryConfig("r", 0, Backoff.none(), RetryConfig.ANY_EXCEPTION, null, false,
                        null, TimeSource.system(), List.of()))
                .hasMessage("maxAttempts must be between 1 and 2147483647, was 0");
        assertThatThrownBy(() -> new RetryConfig("r", 1, null, RetryConfig.ANY_EXCEPTION, null, false,
                        null, TimeSource.system(), List.of()))
                .hasMessage("backoff must not be null");
        assertThatThrownBy(() -> new RetryConfig("r", 1, Backoff.none(), RetryConfig.ANY_EXCEPTION, null, false,
                        null, TimeSource.system(), Arrays.asList((CompartmentListener) null)))
                .hasMessage("listeners must not contain null, was [null]");
        assertThatThrownBy(() -> new RetryBudget(2000, 1, Duration.ofSeconds(1)))
                .hasMessageStartingWith("budget.retryRatio must be");
    }

    @Test
    void defaultsAreSafeForASharedDependency() {
        RetryConfig config = Retry.builder("r").build().config();

        assertThat(config.maxAttempts()).isEqualTo(3);
        assertThat(config.backoff()).isEqualTo(Backoff.decorrelatedJitter(Duration.ofMillis(100), Duration.ofSeconds(10)));
        assertThat(config.retryOn()).isSameAs(RetryConfig.ANY_EXCEPTION);
        assertThat(config.retryOnResultIfSet()).isEmpty();
        assertThat(config.retryRejections()).isFalse();
        assertThat(config.budgetIfSet()).contains(new RetryBudget(0.2, 10, Duration.ofSeconds(10)));
        assertThat(config.timeSource()).isSameAs(TimeSource.system());
        assertThat(config.listeners()).isEmpty();
        assertThat(Retry.builder("r").noBudget().build().config().budgetIfSet()).isEmpty();
        assertThat(RetryBudget.DEFAULT.reserve()).isEqualTo(100.0);
    }
}
