package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The waits each kind of {@link Backoff} gives, including at the extremes of every setting. */
class BackoffTest {
    private static final long MS = 1_000_000L;

    private static long[] firstDelays(Backoff backoff, int count, SplittableRandom random) {
        long[] delays = new long[count];
        long previous = 0;
        for (int retry = 1; retry <= count; retry++) {
            previous = backoff.delayNanos(retry, previous, random);
            delays[retry - 1] = previous;
        }
        return delays;
    }

    @Test
    void noneNeverWaits() {
        assertThat(firstDelays(Backoff.none(), 5, new SplittableRandom(1))).containsOnly(0L);
        assertThat(Backoff.none().max()).isZero();
    }

    @Test
    void fixedAlwaysWaitsTheSame() {
        assertThat(firstDelays(Backoff.fixed(Duration.ofMillis(250)), 5, new SplittableRandom(1)))
                .containsOnly(250 * MS);
        assertThat(firstDelays(Backoff.fixed(Duration.ZERO), 3, new SplittableRandom(1))).containsOnly(0L);
    }

    @Test
    void exponentialGrowsByItsMultiplierUpToItsMaximum() {
        Backoff backoff = Backoff.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1));

        assertThat(firstDelays(backoff, 6, new SplittableRandom(1)))
                .containsExactly(100 * MS, 200 * MS, 400 * MS, 800 * MS, 1000 * MS, 1000 * MS);
        assertThat(backoff.delayNanos(Integer.MAX_VALUE, 0)).isEqualTo(1000 * MS);
    }

    @Test
    void exponentialWithAMultiplierOfOneIsFixed() {
        Backoff backoff = Backoff.exponential(Duration.ofMillis(30), 1.0, Duration.ofSeconds(1));
        assertThat(firstDelays(backoff, 100, new SplittableRandom(1))).containsOnly(30 * MS);
    }

    @Test
    void exponentialNeverOverflowsAtTheExtremes() {
        Backoff steep = Backoff.exponential(Duration.ofNanos(1), 1e300, Duration.ofNanos(Long.MAX_VALUE));
        assertThat(steep.delayNanos(1, 0)).isEqualTo(1);
        assertThat(steep.delayNanos(2, 0)).isEqualTo(Long.MAX_VALUE);
        assertThat(steep.delayNanos(Integer.MAX_VALUE, 0)).isEqualTo(Long.MAX_VALUE);

        Backoff huge = Backoff.exponential(Duration.ofNanos(Long.MAX_VALUE - 1), 1.5,
                Duration.ofNanos(Long.MAX_VALUE));
        assertThat(huge.delayNanos(1, 0)).isBetween(Long.MAX_VALUE - 1, Long.MAX_VALUE);
        assertThat(huge.delayNanos(64, 0)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void decorrelatedJitterStaysBetweenTheBaseAndThreeTimesThePreviousWaitCappedAtTheMaximum() {
        Backoff backoff = Backoff.decorrelatedJitter(Duration.ofMillis(10), Duration.ofMillis(500));
        SplittableRandom random = new SplittableRandom(42);
        long previous = 0;
        for (int retry = 1; retry <= 1_000; retry++) {
            long delay = backoff.delayNanos(retry, previous, random);
            long upper = Math.min(500 * MS, 3 * Math.max(previous, 10 * MS));
            assertThat(delay).as("retry %d after %d ns", retry, previous).isBetween(10 * MS, upper);
            previous = delay;
        }
    }

    @Test
    void decorrelatedJitterActuallySpreadsTheWaits() {
        Backoff backoff = Backoff.decorrelatedJitter(Duration.ofMillis(10), Duration.ofSeconds(10));
        SplittableRandom random = new SplittableRandom(7);

        long distinct = IntStream.range(0, 100).mapToLong(i -> backoff.delayNanos(1, 0, random)).distinct().count();

        assertThat(distinct).isGreaterThan(90);
    }

    @Test
    void decorrelatedJitterRepeatsWithTheSameSeed() {
        Backoff backoff = Backoff.decorrelatedJitter(Duration.ofMillis(10), Duration.ofSeconds(10));
        assertThat(firstDelays(backoff, 20, new SplittableRandom(3)))
                .containsExactly(firstDelays(backoff, 20, new SplittableRandom(3)));
    }

    @Test
    void decorrelatedJitterSaturatesInsteadOfOverflowing() {
        Backoff backoff = Backoff.decorrelatedJitter(Duration.ofNanos(1), Duration.ofNanos(Long.MAX_VALUE));
        SplittableRandom random = new SplittableRandom(5);

        assertThat(backoff.delayNanos(9, Long.MAX_VALUE, random)).isBetween(1L, Long.MAX_VALUE);
        assertThat(backoff.delayNanos(9, Long.MAX_VALUE / 3 + 1, random)).isBetween(1L, Long.MAX_VALUE);
        assertThat(backoff.delayNanos(9, Long.MIN_VALUE, random)).isBetween(1L, 3L);
    }

    @Test
    void decorrelatedJitterWithBaseEqualToMaxIsFixed() {
        Backoff backoff = Backoff.decorrelatedJitter(Duration.ofMillis(40), Duration.ofMillis(40));
        assertThat(firstDelays(backoff, 10, new SplittableRandom(1))).containsOnly(40 * MS);
    }

    @Test
    void theRetryNumberStartsAtOne() {
        assertThatThrownBy(() -> Backoff.fixed(Duration.ZERO).delayNanos(0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("retry must be between 1 and 2147483647, was 0");
        assertThatThrownBy(() -> Backoff.none().delayNanos(-3, 0))
                .hasMessage("retry must be between 1 and 2147483647, was -3");
    }

    @Test
    void backoffsAreValuesThatPrintAsTheirFactoryCall() {
        assertThat(Backoff.fixed(Duration.ofMillis(200))).isEqualTo(Backoff.fixed(Duration.ofMillis(200)))
                .hasSameHashCodeAs(Backoff.fixed(Duration.ofMillis(200)))
                .isNotEqualTo(Backoff.exponential(Duration.ofMillis(200), 1.0, Duration.ofMillis(200)));
        assertThat(Backoff.none()).hasToString("Backoff.none()");
        assertThat(Backoff.fixed(Duration.ofMillis(200))).hasToString("Backoff.fixed(PT0.2S)");
        assertThat(Backoff.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(5)))
                .hasToString("Backoff.exponential(PT0.1S, 2.0, PT5S)");
        assertThat(Backoff.decorrelatedJitter(Duration.ofMillis(100), Duration.ofSeconds(5)))
                .hasToString("Backoff.decorrelatedJitter(PT0.1S, PT5S)");
        assertThat(Backoff.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(5)).max())
                .isEqualTo(Duration.ofSeconds(5));
    }
}
