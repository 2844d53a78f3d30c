package dev.watertight;

import static dev.watertight.testing.Theories.check;
import static dev.watertight.testing.Theories.ints;
import static dev.watertight.testing.Theories.longs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Properties of configuration: every value in the allowed range builds, every value outside it
 * fails with a message that names the setting and quotes the value. Ints and longs are drawn over
 * their whole range with the edges mixed in ({@code Integer.MIN_VALUE}, -1, 0, 1,
 * {@code Integer.MAX_VALUE} and so on); see {@link dev.watertight.testing.Theories} for how a
 * failure is replayed.
 */
class SettingsProperties {

    @Test
    void anyMaxConcurrentBuildsIffItIsPositive() {
        check(300, ints(Integer.MIN_VALUE, Integer.MAX_VALUE), maxConcurrent -> {
            if (maxConcurrent >= 1) {
                assertThat(Bulkhead.builder("b").maxConcurrent(maxConcurrent).build().maxConcurrent())
                        .isEqualTo(maxConcurrent);
            } else {
                assertThatThrownBy(() -> Bulkhead.builder("b").maxConcurrent(maxConcurrent))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageStartingWith("maxConcurrent ")
                        .hasMessageEndingWith("was " + maxConcurrent);
            }
        });
    }

    @Test
    void anyMaxWaitBuildsIffItIsNotNegative() {
        check(300, longs(-1_000_000_000L, Long.MAX_VALUE), nanos -> {
            Duration maxWait = Duration.ofNanos(nanos);
            if (nanos >= 0) {
                assertThat(Bulkhead.builder("b").maxWait(maxWait).build().config().maxWait()).isEqualTo(maxWait);
            } else {
                assertThatThrownBy(() -> Bulkhead.builder("b").maxWait(maxWait))
                        .hasMessageStartingWith("maxWait ")
                        .hasMessageEndingWith("was " + maxWait);
            }
        });
    }

    /** Thread counts and queue capacities, as a property draws them. */
    record PoolSizes(int threads, int queueCapacity) {}

    @Test
    void poolSizesBuildIffEachIsInRangeAndTheirSumFitsAnInt() {
        check(300, ints(-2, 100_002).zip(ints(Integer.MIN_VALUE, Integer.MAX_VALUE), PoolSizes::new), sizes -> {
            int threads = sizes.threads();
            int queueCapacity = sizes.queueCapacity();
            boolean threadsValid = threads >= 1 && threads <= ThreadPoolBulkheadConfig.MAX_THREADS;
            boolean queueValid = queueCapacity >= 0;
            boolean sumValid = (long) threads + queueCapacity <= Integer.MAX_VALUE;
            if (threadsValid && queueValid && sumValid) {
                ThreadPoolBulkheadConfig config = new ThreadPoolBulkheadConfig("p", threads, queueCapacity,
                        null, false, Duration.ZERO, false, TimeSource.system(), java.util.List.of());
                assertThat(config.threads() + (long) config.queueCapacity()).isLessThanOrEqualTo(Integer.MAX_VALUE);
            } else {
                assertThatThrownBy(() -> ThreadPoolBulkhead.builder("p").threads(threads)
                                .queueCapacity(queueCapacity).build())
                        .isInstanceOf(IllegalArgumentException.class)
                        .message()
                        .satisfiesAnyOf(
                                message -> assertThat(message).startsWith("threads must be").endsWith("was " + threads),
                                message -> assertThat(message).startsWith("queueCapacity must be")
                                        .endsWith("was " + queueCapacity),
                                message -> assertThat(message).startsWith("threads + queueCapacity must be"));
            }
        });
    }
}
