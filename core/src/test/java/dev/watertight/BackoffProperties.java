package dev.watertight;

import static dev.watertight.testing.Theories.check;
import static dev.watertight.testing.Theories.ints;
import static dev.watertight.testing.Theories.longs;
import static dev.watertight.testing.Theories.pick;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * Over random configurations, extreme ones included (1 ns, 292 years, multipliers up to
 * {@code Double.MAX_VALUE}), no backoff ever gives a negative wait or one above its maximum, over
 * 10,000 retries in a row or at any single retry number. See {@link dev.watertight.testing.Theories}
 * for how a failure is replayed.
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

    /** Backoffs of each kind, their durations and multipliers mixed with the extremes. */
    private static Gen<Shape> shapes() {
        Gen<Long> positiveNanos = Generate.oneOf(
                SourceDSL.longs().between(1, Long.MAX_VALUE),
                SourceDSL.longs().between(1, 10_000_000_000L),
                pick(1L, 2L, Long.MAX_VALUE / 3, Long.MAX_VALUE / 3 + 1, Long.MAX_VALUE - 1, Long.MAX_VALUE));
        Gen<Double> multipliers = Generate.oneOf(
                SourceDSL.doubles().between(1.0, 10.0),
                SourceDSL.doubles().between(1.0, Double.MAX_VALUE),
                pick(1.0, Math.nextUp(1.0), 2.0, 1e300, Double.MAX_VALUE));
        Gen<String> kinds = pick("none", "fixed", "exponential", "jitter");
        return kinds.zip(positiveNanos, multipliers, positiveNanos,
                (kind, first, multiplier, other) -> new Shape(kind, Math.min(first, other), multiplier,
                        Math.max(first, other)));
    }

    /** Any long, the seed of the random source a backoff draws from. */
    private static Gen<Long> seeds() {
        return longs(Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** A backoff and the seed of its random source. */
    record Run(Shape shape, long seed) {}

    @Test
    void noWaitOverTenThousandRetriesIsNegativeOrAboveTheMaximum() {
        check(300, shapes().zip(seeds(), Run::new), run -> {
            Shape shape = run.shape();
            Backoff backoff = shape.build();
            SplittableRandom random = new SplittableRandom(run.seed());
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
        });
    }

    /** A backoff, a retry number, the wait before it and the seed of the random source. */
    record Single(Shape shape, int retry, long previous, long seed) {}

    @Test
    void anyRetryNumberAndAnyPreviousWaitGiveAWaitInRange() {
        Gen<Single> singles = shapes().zip(ints(1, Integer.MAX_VALUE), longs(Long.MIN_VALUE, Long.MAX_VALUE), seeds(),
                Single::new);
        check(1_000, singles, single -> {
            Shape shape = single.shape();
            long delay = shape.build().delayNanos(single.retry(), single.previous(),
                    new SplittableRandom(single.seed()));

            assertThat(delay).isBetween(shape.lowest(), shape.highest()).isNotNegative();
        });
    }

    private static long saturatedTriple(long nanos) {
        return nanos > Long.MAX_VALUE / 3 ? Long.MAX_VALUE : 3 * nanos;
    }
}
