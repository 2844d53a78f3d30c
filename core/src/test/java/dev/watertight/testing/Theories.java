package dev.watertight.testing;

import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.quicktheories.QuickTheory;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * How the {@code *Properties} classes run their properties with QuickTheories, and the number
 * generators they share.
 *
 * <p><b>Replaying a failure.</b> A property that fails throws an {@link AssertionError} that shows
 * the smallest falsifying value QuickTheories found by shrinking, the assertion that failed, and
 * the line {@code Seed was N}. QuickTheories reads the seed from the system property
 * {@code QT_SEED} (surefire hands {@code -D} properties of the {@code mvn} command to the test
 * JVM), and the same seed draws the same examples in the same order, so the failure comes back
 * with:
 *
 * <pre>{@code
 * mvn -pl core test -Dtest='RateLimiterProperties#answersExactlyAsTheReferenceTokenBucket' -DQT_SEED=N
 * }</pre>
 *
 * <p>Without {@code QT_SEED} every run draws a new seed. Every property here is deterministic
 * given its example: randomness inside a property comes from a seed that is part of the example.
 */
public final class Theories {
    /** Shrink attempts after a failure: enough to reach a small example in seconds. */
    private static final int SHRINK_CYCLES = 5_000;

    private Theories() {}

    /**
     * Checks {@code property} on {@code examples} examples drawn from {@code values}; the property
     * fails by throwing (an AssertJ assertion, say).
     *
     * <p>QuickTheories skips an example whose draws repeat those of an earlier one, so that
     * {@code withExamples(n)} alone may run fewer than {@code n}. Each example here also draws a
     * number the property never sees, which makes every example's draws distinct: exactly
     * {@code examples} examples run, repeated values included.
     */
    public static <T> void check(int examples, Gen<T> values, Consumer<T> property) {
        Gen<T> distinct = SourceDSL.longs().all().zip(values, (ignored, value) -> value)
                .describedAs(values::asString);
        QuickTheory.qt().withExamples(examples).withShrinkCycles(SHRINK_CYCLES)
                .forAll(distinct).checkAssert(property);
    }

    /** One of the given values, each equally likely. */
    @SafeVarargs
    public static <T> Gen<T> pick(T... values) {
        return Generate.pick(Arrays.stream(values).toList());
    }

    /**
     * Any int from {@code min} to {@code max}: half the time uniformly over the range, a quarter
     * within 1,000 of the value nearest zero, and a quarter one of the edges ({@code min},
     * {@code min + 1}, {@code max - 1}, {@code max} and -2 to 2, those in range).
     */
    public static Gen<Integer> ints(int min, int max) {
        return longs(min, max).map(Long::intValue);
    }

    /** Any long from {@code min} to {@code max}, drawn as {@link #ints} draws. */
    public static Gen<Long> longs(long min, long max) {
        long nearZero = Math.clamp(0, min, max);
        Gen<Long> uniform = SourceDSL.longs().between(min, max);
        Gen<Long> small = SourceDSL.longs().between(Math.max(min, nearZero - 1_000), Math.min(max, nearZero + 1_000));
        TreeSet<Long> edges = new TreeSet<>(List.of(min, max));
        if (min < max) {
            edges.add(min + 1);
            edges.add(max - 1);
        }
        for (long value = -2; value <= 2; value++) {
            if (value >= min && value <= max) {
                edges.add(value);
            }
        }
        return Generate.frequency(List.of(Pair.of(2, uniform), Pair.of(1, small),
                Pair.of(1, Generate.pick(List.copyOf(edges)))));
    }

    /** Any double from {@code min} to {@code max}: three times in four uniformly, else an end. */
    public static Gen<Double> doubles(double min, double max) {
        return Generate.frequency(List.of(Pair.of(3, SourceDSL.doubles().between(min, max)),
                Pair.of(1, pick(min, max))));
    }
}
