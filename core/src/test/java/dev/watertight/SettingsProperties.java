package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Properties of configuration: every value in the allowed range builds, every value outside it
 * fails with a message that names the setting and quotes the value.
 */
class SettingsProperties {

    @Property(tries = 300)
    void anyMaxConcurrentBuildsIffItIsPositive(@ForAll int maxConcurrent) {
        if (maxConcurrent >= 1) {
            assertThat(Bulkhead.builder("b").maxConcurrent(maxConcurrent).build().maxConcurrent())
                    .isEqualTo(maxConcurrent);
        } else {
            assertThatThrownBy(() -> Bulkhead.builder("b").maxConcurrent(maxConcurrent))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("maxConcurrent ")
                    .hasMessageEndingWith("was " + maxConcurrent);
        }
    }

    @Property(tries = 300)
    void anyMaxWaitBuildsIffItIsNotNegative(@ForAll @LongRange(min = -1_000_000_000L) long nanos) {
        Duration maxWait = Duration.ofNanos(nanos);
        if (nanos >= 0) {
            assertThat(Bulkhead.builder("b").maxWait(maxWait).build().config().maxWait()).isEqualTo(maxWait);
        } else {
            assertThatThrownBy(() -> Bulkhead.builder("b").maxWait(maxWait))
                    .hasMessageStartingWith("maxWait ")
                    .hasMessageEndingWith("was " + maxWait);
        }
    }

    @Property(tries = 300)
    void poolSizesBuildIffEachIsInRangeAndTheirSumFitsAnInt(
            @ForAll @IntRange(min = -2, max = 100_002) int threads, @ForAll int queueCapacity) {
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
    }
}
