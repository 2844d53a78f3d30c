package dev.watertight;

import static dev.watertight.testing.Theories.check;
import static dev.watertight.testing.Theories.doubles;
import static dev.watertight.testing.Theories.ints;
import static dev.watertight.testing.Theories.longs;
import static dev.watertight.testing.Theories.pick;
import static org.assertj.core.api.Assertions.assertThat;

import dev.watertight.testing.ManualTimeSource;
import dev.watertight.testing.RetryCheck;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * Over random budgets and random schedules of calls, failures and the passing of time, retries
 * never exceed what {@link Retry} promises: {@code ratio × first attempts + floor × (T + window)},
 * where {@code T} is the time that passed. See {@link dev.watertight.testing.Theories} for how a
 * failure is replayed.
 */
class RetryBudgetProperties {
    private static final IOException FAILURE = new IOException("down");

    /** Move the clock forward, then make some calls, each failing on every attempt with a chance. */
    record Step(long advanceMillis, int calls, double failureChance) {}

    /** Up to 40 steps: the clock still or moved by up to 4 s, then calls that never, always or sometimes fail. */
    private static Gen<List<Step>> schedules() {
        Gen<Long> advances = Generate.oneOf(Generate.constant(0L), SourceDSL.longs().between(1, 4_000));
        Gen<Integer> calls = SourceDSL.integers().between(0, 150);
        Gen<Double> failureChances = Generate.oneOf(pick(0.0, 1.0), SourceDSL.doubles().between(0.0, 1.0));
        Gen<Step> step = advances.zip(calls, failureChances, Step::new);
        return SourceDSL.lists().of(step).ofSizeBetween(0, 40);
    }

    /** A budget, the attempts per call, a schedule and the seed that decides which calls fail. */
    record Run(double ratio, int floor, long windowMillis, int maxAttempts, List<Step> schedule, long seed) {}

    @Test
    void retriesStayWithinTheRatioOfFirstAttemptsPlusTheFloor() {
        Gen<Double> ratios = doubles(0.0, 2.0);
        Gen<Integer> floors = ints(0, 50);
        Gen<Long> windows = longs(10, 5_000);
        Gen<Integer> attempts = ints(1, 6);
        Gen<List<Step>> schedules = schedules();
        Gen<Long> seeds = longs(Long.MIN_VALUE, Long.MAX_VALUE);
        Gen<Run> runs = in -> new Run(ratios.generate(in), floors.generate(in), windows.generate(in),
                attempts.generate(in), schedules.generate(in), seeds.generate(in));
        check(200, runs, RetryBudgetProperties::retriesStayWithinTheRatioOfFirstAttemptsPlusTheFloor);
    }

    private static void retriesStayWithinTheRatioOfFirstAttemptsPlusTheFloor(Run run) {
        double ratio = run.ratio();
        int floor = run.floor();
        long windowMillis = run.windowMillis();
        ManualTimeSource time = new ManualTimeSource();
        Retry retry = Retry.builder("property").maxAttempts(run.maxAttempts()).backoff(Backoff.none())
                .budget(ratio, floor, Duration.ofMillis(windowMillis)).timeSource(time).build();
        SplittableRandom random = new SplittableRandom(run.seed());
        long elapsedMillis = 0;
        long calls = 0;

        for (Step step : run.schedule()) {
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
