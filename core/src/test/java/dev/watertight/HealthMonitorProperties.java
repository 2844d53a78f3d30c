package dev.watertight;

import static dev.watertight.testing.Theories.check;
import static dev.watertight.testing.Theories.doubles;
import static dev.watertight.testing.Theories.ints;
import static dev.watertight.testing.Theories.pick;
import static org.assertj.core.api.Assertions.assertThat;

import dev.watertight.testing.FakeCompartment;
import dev.watertight.testing.ManualTimeSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * Over any sequence of signals and any thresholds, the monitor keeps its promises: it is never
 * better than its signals say, every improvement comes at least {@code recoverAfter} after the
 * change before it, {@code since} is the time of the last change, and listeners hear each change
 * exactly once. See {@link dev.watertight.testing.Theories} for how a failure is replayed.
 */
class HealthMonitorProperties {
    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

    /** Move the clock, then set the compartment's signals and sample. */
    record Step(long advanceMillis, double utilization, int calls, int failures, int rejections,
            CircuitBreaker.State breaker) {}

    /** Up to 200 steps, with the clock still, moved by a second or by a little, and signals near the thresholds. */
    private static Gen<List<Step>> steps() {
        Gen<Long> advances = Generate.oneOf(Generate.constant(0L), Generate.constant(1_000L),
                SourceDSL.longs().between(1, 5_000));
        Gen<Double> utilizations = Generate.oneOf(pick(0.0, 0.79, 0.81, 1.0), SourceDSL.doubles().between(0, 1));
        Gen<Integer> counts = SourceDSL.integers().between(0, 30);
        Gen<Integer> rejections = SourceDSL.integers().between(0, 5);
        Gen<CircuitBreaker.State> breakers = pick(CircuitBreaker.State.CLOSED, CircuitBreaker.State.CLOSED,
                CircuitBreaker.State.OPEN, CircuitBreaker.State.HALF_OPEN);
        Gen<Step> step = in -> {
            long advance = advances.generate(in);
            double utilization = utilizations.generate(in);
            int calls = counts.generate(in);
            int failures = counts.generate(in);
            return new Step(advance, utilization, calls, Math.min(calls, failures), rejections.generate(in),
                    breakers.generate(in));
        };
        return SourceDSL.lists().of(step).ofSizeBetween(0, 200);
    }

    /** The steps and the thresholds of one run. */
    record Run(List<Step> steps, int windowSeconds, int recoverAfterMillis, double recoveryRatio, int minimumCalls) {}

    @Test
    void theHealthNeverFlapsFasterThanTheDwellAndNeverHidesASignal() {
        Gen<Run> runs = steps().zip(ints(1, 20), ints(0, 15_000), doubles(0.5, 1.0), ints(1, 40), Run::new);
        check(300, runs, HealthMonitorProperties::theHealthNeverFlapsFasterThanTheDwellAndNeverHidesASignal);
    }

    private static void theHealthNeverFlapsFasterThanTheDwellAndNeverHidesASignal(Run run) {
        HealthThresholds thresholds = HealthThresholds.builder().window(Duration.ofSeconds(run.windowSeconds()))
                .recoverAfter(Duration.ofMillis(run.recoverAfterMillis())).recoveryRatio(run.recoveryRatio())
                .minimumCalls(run.minimumCalls()).build();
        ManualTimeSource time = new ManualTimeSource();
        FakeCompartment payments = new FakeCompartment("payments");
        List<CompartmentHealth[]> heard = new ArrayList<>();
        HealthMonitor monitor = HealthMonitor.builder(() -> List.of(payments.stats()))
                .timeSource(time).clock(Clock.fixed(START, ZoneOffset.UTC)).thresholds(thresholds)
                .listener((previous, current) -> heard.add(new CompartmentHealth[] {previous, current}))
                .build();

        Health health = null;
        Instant lastChange = null;
        long elapsedMillis = 0;
        int changes = 0;
        for (Step step : run.steps()) {
            time.advance(step.advanceMillis(), TimeUnit.MILLISECONDS);
            elapsedMillis += step.advanceMillis();
            payments.utilization(step.utilization()).calls(step.calls(), step.failures())
                    .rejections(step.rejections()).breaker(step.breaker());
            CompartmentHealth now = monitor.sample().compartment("payments").orElseThrow();
            Instant at = START.plusMillis(elapsedMillis);

            assertThat(now.health()).isGreaterThanOrEqualTo(rawLevel(now, thresholds));
            boolean changed = health == null ? now.health() != Health.HEALTHY : now.health() != health;
            if (health != null && now.health().compareTo(health) < 0) {
                assertThat(Duration.between(lastChange, at)).isGreaterThanOrEqualTo(thresholds.recoverAfter());
            }
            if (changed || health == null) {
                lastChange = at;
            }
            changes += changed ? 1 : 0;
            assertThat(now.since()).isEqualTo(lastChange);
            assertThat(now.reasons().isEmpty()).isEqualTo(now.health() == Health.HEALTHY);
            health = now.health();
        }
        assertThat(heard).hasSize(changes);
        assertThat(monitor.listenerFailures()).isZero();
    }

    /** The level the reported signals call for, with no hysteresis. */
    private static Health rawLevel(CompartmentHealth health, HealthThresholds t) {
        Health level = switch (health.breakerState()) {
            case OPEN, FORCED_OPEN -> Health.UNHEALTHY;
            case HALF_OPEN -> Health.DEGRADED;
            default -> Health.HEALTHY;
        };
        level = level.worst(level(health.utilization(), t.utilizationDegraded(), t.utilizationUnhealthy()));
        level = level.worst(level(health.failureRate(), t.failureRateDegraded(), t.failureRateUnhealthy()));
        level = level.worst(level(health.rejectionRate(), t.rejectionRateDegraded(), t.rejectionRateUnhealthy()));
        return level;
    }

    private static Health level(Double value, double degraded, double unhealthy) {
        if (value == null) {
            return Health.HEALTHY;
        }
        return value >= unhealthy ? Health.UNHEALTHY : value >= degraded ? Health.DEGRADED : Health.HEALTHY;
    }
}
