package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every invalid setting fails when it is set, naming the setting, the bad value and what is allowed. */
class SettingsValidationTest {

    @Test
    void nameMustBePresentShortAndPrintable() {
        assertThatThrownBy(() -> Bulkhead.builder(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name must be 1 to 128 characters, not blank and without control characters, was null");
        assertThatThrownBy(() -> Bulkhead.builder("  "))
                .hasMessage("name must be 1 to 128 characters, not blank and without control characters, was '  '");
        assertThatThrownBy(() -> ThreadPoolBulkhead.builder("a\nb"))
                .hasMessageStartingWith("name must be 1 to 128 characters");
        assertThatThrownBy(() -> ThreadPoolBulkhead.builder("x".repeat(129)))
                .hasMessageStartingWith("name must be 1 to 128 characters");
    }

    @Test
    void maxConcurrentMustBePositive() {
        assertThatThrownBy(() -> Bulkhead.builder("b").maxConcurrent(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxConcurrent must be between 1 and 2147483647, was 0");
        assertThatThrownBy(() -> Bulkhead.builder("b").maxConcurrent(-5))
                .hasMessage("maxConcurrent must be between 1 and 2147483647, was -5");
    }

    @Test
    void maxWaitMustBeZeroOrPositiveAndFitInNanoseconds() {
        assertThatThrownBy(() -> Bulkhead.builder("b").maxWait(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxWait must be zero or a positive duration of at most 9223372036854775807 ns"
                        + " (about 292 years), was PT-0.001S");
        assertThatThrownBy(() -> Bulkhead.builder("b").maxWait(null))
                .hasMessageEndingWith("was null");
        assertThatThrownBy(() -> Bulkhead.builder("b").maxWait(Duration.ofDays(365L * 300)))
                .hasMessageStartingWith("maxWait must be zero or a positive duration");
        assertThat(Bulkhead.builder("b").maxWait(Duration.ZERO).build().config().maxWait()).isZero();
    }

    @Test
    void threadsMustBeBetweenOneAndTheMaximum() {
        assertThatThrownBy(() -> ThreadPoolBulkhead.builder("p").threads(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threads must be between 1 and 100000, was 0");
        assertThatThrownBy(() -> ThreadPoolBulkhead.builder("p").threads(100_001))
                .hasMessage("threads must be between 1 and 100000, was 100001");
    }

    @Test
    void queueCapacityMustNotBeNegative() {
        assertThatThrownBy(() -> ThreadPoolBulkhead.builder("p").queueCapacity(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("queueCapacity must be between 0 and 2147483647, was -1");
    }

    @Test
    void threadsPlusQueueCapacityMustFitInAnInt() {
        assertThatThrownBy(() -> ThreadPoolBulkhead.builder("p").threads(1000)
                        .queueCapacity(Integer.MAX_VALUE).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threads + queueCapacity must be at most 2147483647, was 1000 + 2147483647"
                        + " = 2147484647");
    }

    @Test
    void timeoutMustBePositive() {
        assertThatThrownBy(() -> ThreadPoolBulkhead.builder("p").timeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout must be a positive duration of at most 9223372036854775807 ns"
                        + " (about 292 years), was PT0S");
        assertThatThrownBy(() -> ThreadPoolBulkhead.builder("p").timeout(Duration.ofSeconds(-2)))
                .hasMessageEndingWith("was PT-2S");
    }

    @Test
    void shutdownGraceMustNotBeNegative() {
        assertThatThrownBy(() -> ThreadPoolBulkhead.builder("p").shutdownGrace(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("shutdownGrace must be zero or a positive duration");
    }

    @Test
    void listenersAndTimeSourceMustNotBeNull() {
        assertThatThrownBy(() -> Bulkhead.builder("b").listener(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("listener must not be null");
        assertThatThrownBy(() -> ThreadPoolBulkhead.builder("p").timeSource(null))
                .hasMessage("timeSource must not be null");
        assertThatThrownBy(() -> new BulkheadConfig("b", 1, Duration.ZERO, false, false,
                        java.util.Arrays.asList((CompartmentListener) null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("listeners must not contain null, was [null]");
    }

    @Test
    void configRecordsValidateLikeTheBuilders() {
        assertThatThrownBy(() -> new BulkheadConfig("b", 0, Duration.ZERO, false, false, List.of()))
                .hasMessage("maxConcurrent must be between 1 and 2147483647, was 0");
        assertThatThrownBy(() -> new ThreadPoolBulkheadConfig("p", 2, 3, Duration.ofSeconds(-1), false,
                        Duration.ZERO, false, TimeSource.system(), List.of()))
                .hasMessageStartingWith("timeout must be a positive duration");
    }

    @Test
    void defaultsAreThoseOfTheBestKnownBulkheads() {
        BulkheadConfig bulkhead = Bulkhead.builder("b").build().config();
        assertThat(bulkhead.maxConcurrent()).isEqualTo(25);
        assertThat(bulkhead.maxWait()).isZero();
        assertThat(bulkhead.fair()).isFalse();
        assertThat(bulkhead.writableStackTrace()).isFalse();

        try (ThreadPoolBulkhead pool = ThreadPoolBulkhead.builder("p").build()) {
            ThreadPoolBulkheadConfig config = pool.config();
            assertThat(config.threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
            assertThat(config.queueCapacity()).isEqualTo(100);
            assertThat(config.timeoutIfSet()).isEmpty();
            assertThat(config.virtualThreads()).isFalse();
            assertThat(config.shutdownGrace()).isEqualTo(Duration.ofSeconds(5));
        }
    }
}
