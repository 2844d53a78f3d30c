package dev.watertight;

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
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * Over any sequence of signals and any thresholds, the monitor keeps its promises: it is never
 * better than its signals say, every improvement comes at least {@code recoverAfter} after the
 * change before it, {@code since} is the time of the last change, and listeners hear each change
 * exactly once.
 */
class HealthMonitorProperties {
    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

    /** Move the clock, then set the compartment's signals and sample. */
    record Step(long advanceMillis, double utilization, int calls, int failures, int rejections,
            CircuitBreaker.State breaker) {}

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> step = Combinators.combine(
                        Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.just(1_000L), Arbitraries.longs().between(1, 5_000)),
                        Arbitraries.oneOf(Arbitraries.of(0.0, 0.79, 0.81, 1.0), Arbitraries.doubles().between(0, 1)),
                        Arbitraries.integers().between(0, 30),
                        Arbitraries.integers().between(0, 30),
                        Arbitraries.integers().between(0, 5),
                        Arbitraries.of(CircuitBreaker.State.CLOSED, CircuitBreaker.State.CLOSED, CircuitBreaker.State.OPEN,
                                CircuitBreaker.State.HALF_OPEN))
                .as((advance, utilization, calls, failures, rejections, breaker) ->
                        new Step(advance, utilization, calls, Math.min(calls, failures), rejections, breaker));
        return step.list().ofMaxSize(200);
    }

    @Property(tries = 300)
    void theHealthNeverFlapsFasterThanTheDwellAndNeverHidesASignal(
            @ForAll("steps") List<Step> steps,
            @ForAll @IntRange(min = 1, max = 20) int windowSeconds,
            @ForAll @IntRange(min = 0, max = 15_000) int recoverAfterMillis,
            @ForAll @DoubleRange(min = 0.5, max = 1.0) double recoveryRatio,
            @ForAll @IntRange(min = 1, max = 40) int minimumCalls) {
        HealthThresholds thresholds = HealthThresholds.builder().window(Duration.ofSeconds(windowSeconds))
                .recoverAfter(Duration.ofMillis(recoverAfterMillis)).recoveryRatio(recoveryRatio)
                .minimumCalls(minimumCalls).build();
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
        for (Step step : steps) {
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
