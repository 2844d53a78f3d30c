package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Over random configurations, extreme ones included (1 ns, 292 years, multipliers up to
 * {@code Double.MAX_VALUE}), no backoff ever gives a negative wait or one above its maximum, over
 * 10,000 retries in a row or at any single retry number.
 */
class BackoffProperties {

    /** A backoff with its settings, so that a property can check what each kind promises. */
    record Shape(String kind, long firstNanos, double multiplier, long maxNanos) {
        Backoff build() {
            return switch (kind) {
                case "none" -> Backoff.none();
                case "fixed" -> Backoff.fixed(Duration.ofNanos(firstNanos));
                case "exponential" -> Backoff.exponential(Duration.ofNanos(firstNanos), multiplier,
                        Duration.ofNanos(maxNanos));
                default -> Backoff.decorrelatedJitter(Duration.ofNanos(firstNanos), Duration.ofNanos(maxNanos));
            };
        }

        long lowest() {
            return kind.equals("none") ? 0 : firstNanos;
        }

        long highest() {
            return switch (kind) {
                case "none" -> 0;
                case "fixed" -> firstNanos;
                default -> maxNanos;
            };
        }
    }

    @Provide
    Arbitrary<Shape> shapes() {
        Arbitrary<Long> positiveNanos = Arbitraries.oneOf(
                Arbitraries.longs().between(1, Long.MAX_VALUE),
                Arbitraries.longs().between(1, 10_000_000_000L),
                Arbitraries.of(1L, 2L, Long.MAX_VALUE / 3, Long.MAX_VALUE / 3 + 1, Long.MAX_VALUE - 1, Long.MAX_VALUE));
        Arbitrary<Double> multipliers = Arbitraries.oneOf(
                Arbitraries.doubles().between(1.0, 10.0),
                Arbitraries.doubles().between(1.0, Double.MAX_VALUE),
                Arbitraries.of(1.0, Math.nextUp(1.0), 2.0, 1e300, Double.MAX_VALUE));
        Arbitrary<String> kinds = Arbitraries.of("none", "fixed", "exponential", "jitter");
        return Combinators.combine(kinds, positiveNanos, multipliers, positiveNanos)
                .as((kind, first, multiplier, other) -> new Shape(kind, Math.min(first, other), multiplier,
                        Math.max(first, other)));
    }

    @Property(tries = 300)
    void noWaitOverTenThousandRetriesIsNegativeOrAboveTheMaximum(
            @ForAll("shapes") Shape shape, @ForAll long seed) {
        Backoff backoff = shape.build();
        SplittableRandom random = new SplittableRandom(seed);
        long previous = 0;
        for (int retry = 1; retry <= 10_000; retry++) {
            long delay = backoff.delayNanos(retry, previous, random);
            assertThat(delay).as("%s, retry %d after %d ns", backoff, retry, previous)
                    .isBetween(shape.lowest(), shape.highest())
                    .isLessThanOrEqualTo(backoff.max().toNanos());
            switch (shape.kind()) {
                case "exponential" -> assertThat(delay).as("%s never shrinks, retry %d", backoff, retry)
                        .isGreaterThanOrEqualTo(previous);
                case "jitter" -> assertThat(delay).as("%s, retry %d after %d ns", backoff, retry, previous)
                        .isLessThanOrEqualTo(saturatedTriple(Math.max(previous, shape.firstNanos())));
                default -> { }
            }
            previous = delay;
        }
    }

    @Property(tries = 1_000)
    void anyRetryNumberAndAnyPreviousWaitGiveAWaitInRange(
            @ForAll("shapes") Shape shape, @ForAll @IntRange(min = 1) int retry, @ForAll long previous,
            @ForAll long seed) {
        long delay = shape.build().delayNanos(retry, previous, new SplittableRandom(seed));

        assertThat(delay).isBetween(shape.lowest(), shape.highest()).isNotNegative();
    }

    private static long saturatedTriple(long nanos) {
        return nanos > Long.MAX_VALUE / 3 ? Long.MAX_VALUE : 3 * nanos;
    }
}
