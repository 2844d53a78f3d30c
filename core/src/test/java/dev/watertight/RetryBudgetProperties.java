package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watertight.testing.ManualTimeSource;
import dev.watertight.testing.RetryCheck;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Over random budgets and random schedules of calls, failures and the passing of time, retries
 * never exceed what {@link Retry} promises: {@code ratio × first attempts + floor × (T + window)},
 * where {@code T} is the time that passed.
 */
class RetryBudgetProperties {
    private static final IOException FAILURE = new IOException("down");

    /** Move the clock forward, then make some calls, each failing on every attempt with a chance. */
    record Step(long advanceMillis, int calls, double failureChance) {}

    @Provide
    Arbitrary<List<Step>> schedules() {
        Arbitrary<Step> step = Combinators.combine(
                        Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs().between(1, 4_000)),
                        Arbitraries.integers().between(0, 150),
                        Arbitraries.oneOf(Arbitraries.of(0.0, 1.0), Arbitraries.doubles().between(0.0, 1.0)))
                .as(Step::new);
        return step.list().ofMaxSize(40);
    }

    @Property(tries = 200)
    void retriesStayWithinTheRatioOfFirstAttemptsPlusTheFloor(
            @ForAll @DoubleRange(min = 0.0, max = 2.0) double ratio,
            @ForAll @IntRange(min = 0, max = 50) int floor,
            @ForAll @LongRange(min = 10, max = 5_000) long windowMillis,
            @ForAll @IntRange(min = 1, max = 6) int maxAttempts,
            @ForAll("schedules") List<Step> schedule,
            @ForAll long seed) {
        ManualTimeSource time = new ManualTimeSource();
        Retry retry = Retry.builder("property").maxAttempts(maxAttempts).backoff(Backoff.none())
                .budget(ratio, floor, Duration.ofMillis(windowMillis)).timeSource(time).build();
        SplittableRandom random = new SplittableRandom(seed);
        long elapsedMillis = 0;
        long calls = 0;

        for (Step step : schedule) {
            time.advance(step.advanceMillis(), TimeUnit.MILLISECONDS);
            elapsedMillis += step.advanceMillis();
            for (int i = 0; i < step.calls(); i++) {
                boolean failing = random.nextDouble() < step.failureChance();
                calls++;
                try {
                    retry.call(() -> {
                        if (failing) {
                            throw FAILURE;
                        }
                        return "ok";
                    });
                } catch (Exception expected) {
                    // counted in the stats
                }
            }
        }

        RetryStats stats = retry.stats();
        RetryCheck.assertAddsUp(stats);
        assertThat(stats.calls()).isEqualTo(calls);
        double bound = ratio * calls + floor * (elapsedMillis + windowMillis) / 1000.0;
        assertThat((double) stats.retries())
                .as("retries of %d calls over %d ms, ratio %s, floor %d/s, window %d ms", calls, elapsedMillis,
                        ratio, floor, windowMillis)
                .isLessThanOrEqualTo(bound + 1e-6);
    }
}
