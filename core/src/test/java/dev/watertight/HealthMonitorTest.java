package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.watertight.testing.FakeCompartment;
import dev.watertight.testing.ManualTimeSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Scripted signals, one sample per second of a manual clock, and the health the monitor gives
 * at each step, with the default thresholds unless a test says otherwise: a 30 s window,
 * utilization degraded at 0.80, failure rate at 0.10 after 20 calls, recovery below 0.9 times the
 * threshold for 10 s.
 */
class HealthMonitorTest {
    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

    private final ManualTimeSource time = new ManualTimeSource();
    private final List<FakeCompartment> compartments = new ArrayList<>();
    private final List<String> changes = new ArrayList<>();

    private HealthMonitor.Builder builder() {
        return HealthMonitor.builder(() -> compartments.stream().map(FakeCompartment::stats).toList())
                .timeSource(time)
                .clock(Clock.fixed(START, ZoneOffset.UTC))
                .listener((previous, current) -> changes.add(
                        (current != null ? current.name() : previous.name()) + ": "
                                + (previous == null ? "new" : previous.health()) + " -> "
                                + (current == null ? "gone" : current.health())));
    }

    private FakeCompartment compartment(String name) {
        FakeCompartment compartment = new FakeCompartment(name);
        compartments.add(compartment);
        return compartment;
    }

    /** Moves the clock one second and samples; the compartment's health then. */
    private static CompartmentHealth step(ManualTimeSource time, HealthMonitor monitor, String name) {
        time.advance(1, TimeUnit.SECONDS);
        return monitor.sample().compartment(name).orElseThrow();
    }

    private CompartmentHealth steps(HealthMonitor monitor, String name, int seconds) {
        CompartmentHealth last = null;
        for (int i = 0; i < seconds; i++) {
            last = step(time, monitor, name);
        }
        return last;
    }

    @Test
    void risingUtilizationDegradesOnlyOnceTheWindowAverageCrossesTheThreshold() {
        FakeCompartment payments = compartment("payments").utilization(0.5);
        HealthMonitor monitor = builder().build();
        monitor.sample();
        assertThat(steps(monitor, "payments", 30).utilization()).isEqualTo(0.5);

        payments.utilization(1.0); // the seed's instant check alerts right here
        for (int second = 1; second <= 17; second++) {
            CompartmentHealth health = step(time, monitor, "payments");
            assertThat(health.health()).as("second %d at full utilization", second).isEqualTo(Health.HEALTHY);
            assertThat(health.utilization()).isCloseTo(0.5 + second / 60.0, offset(1e-9));
        }
        CompartmentHealth degraded = step(time, monitor, "payments");
        assertThat(degraded.health()).isEqualTo(Health.DEGRADED);
        assertThat(degraded.reasons()).containsExactly("utilization 0.80 over 30 s >= 0.80");
        assertThat(degraded.since()).isEqualTo(START.plusSeconds(30 + 18));

        assertThat(steps(monitor, "payments", 8).health()).isEqualTo(Health.DEGRADED); // 0.9333
        CompartmentHealth unhealthy = step(time, monitor, "payments"); // 0.95
        assertThat(unhealthy.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(unhealthy.reasons()).containsExactly("utilization 0.95 over 30 s >= 0.95");
        assertThat(changes).containsExactly("payments: HEALTHY -> DEGRADED", "payments: DEGRADED -> UNHEALTHY");
        assertThat(monitor.report().health()).isEqualTo(Health.UNHEALTHY);
    }

    @Test
    void aSingleBusyInstantDoesNotTripIt() {
        FakeCompartment payments = compartment("payments").utilization(0.5);
        HealthMonitor monitor = builder().build();
        monitor.sample();
        steps(monitor, "payments", 30);

        payments.utilization(1.0);
        assertThat(step(time, monitor, "payments").health()).isEqualTo(Health.HEALTHY);
        payments.utilization(0.5);
        assertThat(steps(monitor, "payments", 30).health()).isEqualTo(Health.HEALTHY);
        assertThat(changes).isEmpty();
    }

    @Test
    void aNewCompartmentNeedsSustainedLoadNotOneBusyReading() {
        compartment("payments").utilization(1.0);
        HealthMonitor monitor = builder().build();
        assertThat(monitor.sample().compartment("payments").orElseThrow().health()).isEqualTo(Health.HEALTHY);
        assertThat(steps(monitor, "payments", 23).health()).isEqualTo(Health.HEALTHY); // 23/30 of the window busy
        assertThat(step(time, monitor, "payments").health()).isEqualTo(Health.DEGRADED); // 24/30 = 0.80
    }

    @Test
    void aSignalFlappingAroundTheThresholdAlertsOnceNotAtEveryFlip() {
        FakeCompartment payments = compartment("payments");
        HealthMonitor monitor = builder().build();
        int instantCrossings = 0;
        for (int second = 0; second < 300; second++) {
            payments.utilization(second % 2 == 0 ? 0.79 : 0.81);
            instantCrossings += second % 2 == 0 ? 0 : 1;
            step(time, monitor, "payments");
        }
        assertThat(instantCrossings).isEqualTo(150); // what an instant check would have alerted
        assertThat(changes).containsExactly("payments: HEALTHY -> DEGRADED");
        assertThat(monitor.report().health()).isEqualTo(Health.DEGRADED);
    }

    @Test
    void aSignalFlappingAcrossTheThresholdWithALowerAverageNeverAlerts() {
        FakeCompartment payments = compartment("payments");
        HealthMonitor monitor = builder().build();
        for (int second = 0; second < 300; second++) {
            payments.utilization(second % 2 == 0 ? 0.70 : 0.88); // averages 0.79
            step(time, monitor, "payments");
        }
        assertThat(changes).isEmpty();
    }

    @Test
    void recoveryNeedsTheMarginAndTheDwell() {
        FakeCompartment payments = compartment("payments").utilization(0.9);
        HealthMonitor monitor = builder().build();
        monitor.sample();
        assertThat(steps(monitor, "payments", 40).health()).isEqualTo(Health.DEGRADED);

        payments.utilization(0.75); // below 0.80, above the recovery level 0.72
        CompartmentHealth held = steps(monitor, "payments", 60);
        assertThat(held.health()).isEqualTo(Health.DEGRADED);
        assertThat(held.utilization()).isEqualTo(0.75);
        assertThat(held.reasons()).containsExactly("utilization 0.75 over 30 s not yet below 0.72 to recover from DEGRADED");

        payments.utilization(0.5); // the average falls by 1/120 a second: below 0.72 from the 4th second
        assertThat(steps(monitor, "payments", 3).reasons()).containsExactly(
                "utilization 0.73 over 30 s not yet below 0.72 to recover from DEGRADED");
        CompartmentHealth recovering = steps(monitor, "payments", 10);
        assertThat(recovering.health()).isEqualTo(Health.DEGRADED);
        assertThat(recovering.reasons()).containsExactly(
                "recovering: every signal below its recovery level for 9 s of the 10 s needed");
        CompartmentHealth healthy = step(time, monitor, "payments");
        assertThat(healthy.health()).isEqualTo(Health.HEALTHY);
        assertThat(healthy.reasons()).isEmpty();
        assertThat(changes).containsExactly("payments: HEALTHY -> DEGRADED", "payments: DEGRADED -> HEALTHY");
    }

    @Test
    void aRelapseDuringTheDwellRestartsIt() {
        FakeCompartment payments = compartment("payments");
        HealthThresholds thresholds = HealthThresholds.builder().window(Duration.ofSeconds(1)).build();
        HealthMonitor monitor = builder().thresholds(thresholds).build();
        monitor.sample();
        payments.utilization(0.9);
        assertThat(step(time, monitor, "payments").health()).isEqualTo(Health.DEGRADED);
        payments.utilization(0.1);
        steps(monitor, "payments", 9);
        payments.utilization(0.75); // above 0.72 for one second: the dwell starts again
        assertThat(step(time, monitor, "payments").health()).isEqualTo(Health.DEGRADED);
        payments.utilization(0.1);
        assertThat(steps(monitor, "payments", 10).health()).isEqualTo(Health.DEGRADED);
        assertThat(step(time, monitor, "payments").health()).isEqualTo(Health.HEALTHY);
    }

    @Test
    void withoutMarginOrDwellTheHealthFollowsTheSignal() {
        FakeCompartment payments = compartment("payments");
        HealthThresholds thresholds = HealthThresholds.builder().window(Duration.ofSeconds(1))
                .recoveryRatio(1.0).recoverAfter(Duration.ZERO).build();
        HealthMonitor monitor = builder().thresholds(thresholds).build();
        monitor.sample();
        for (int second = 0; second < 10; second++) {
            payments.utilization(second % 2 == 0 ? 0.79 : 0.81);
            step(time, monitor, "payments");
        }
        assertThat(changes).hasSize(9); // every flip but the first, from healthy to healthy: the knobs are what prevents flapping
    }

    @Test
    void aFailureRateCountsOnlyOnceTheWindowHoldsTheMinimumCalls() {
        FakeCompartment payments = compartment("payments");
        HealthMonitor monitor = builder().build();
        monitor.sample();

        payments.calls(2, 1); // 1 failure in 2 calls is not a 50 % failure rate
        CompartmentHealth two = step(time, monitor, "payments");
        assertThat(two.failureRate()).isNull();
        assertThat(two.health()).isEqualTo(Health.HEALTHY);

        payments.calls(17, 0);
        assertThat(step(time, monitor, "payments").failureRate()).isNull(); // 19 calls

        payments.calls(1, 1);
        CompartmentHealth twenty = step(time, monitor, "payments");
        assertThat(twenty.failureRate()).isEqualTo(0.10);
        assertThat(twenty.health()).isEqualTo(Health.DEGRADED);
        assertThat(twenty.reasons()).containsExactly("failure rate 0.10 (2 of 20 calls) over 30 s >= 0.10");

        payments.calls(20, 15);
        CompartmentHealth forty = step(time, monitor, "payments");
        assertThat(forty.failureRate()).isEqualTo(17 / 40.0);
        assertThat(forty.health()).isEqualTo(Health.DEGRADED); // 0.425 < 0.50
        payments.calls(10, 10);
        assertThat(step(time, monitor, "payments").health()).isEqualTo(Health.UNHEALTHY); // 27 of 50
    }

    @Test
    void callsThatLeaveTheWindowNoLongerCount() {
        FakeCompartment payments = compartment("payments");
        HealthMonitor monitor = builder().build();
        monitor.sample();
        payments.calls(40, 40);
        assertThat(step(time, monitor, "payments").health()).isEqualTo(Health.UNHEALTHY);
        assertThat(steps(monitor, "payments", 29).failureRate()).isEqualTo(1.0);
        CompartmentHealth quiet = step(time, monitor, "payments"); // the failures are 31 s old
        assertThat(quiet.failureRate()).isNull();
        assertThat(quiet.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(steps(monitor, "payments", 9).health()).isEqualTo(Health.UNHEALTHY);
        assertThat(step(time, monitor, "payments").health()).isEqualTo(Health.HEALTHY);
    }

    @Test
    void refusalsOfEveryGuardMakeTheRejectionRate() {
        FakeCompartment payments = compartment("payments").breaker(CircuitBreaker.State.CLOSED);
        HealthMonitor monitor = builder().build();
        monitor.sample();
        payments.calls(80, 0).rejections(10).notPermitted(10);
        CompartmentHealth health = step(time, monitor, "payments");
        assertThat(health.rejectionRate()).isEqualTo(0.20);
        assertThat(health.failureRate()).isEqualTo(0.0);
        assertThat(health.health()).isEqualTo(Health.DEGRADED);
        assertThat(health.reasons()).containsExactly("rejection rate 0.20 (20 of 100 calls) over 30 s >= 0.05");
        assertThat(health.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void anOpenBreakerIsUnhealthyAtOnceAndItsRecoveryNeedsTheDwell() {
        FakeCompartment payments = compartment("payments").breaker(CircuitBreaker.State.CLOSED);
        HealthMonitor monitor = builder().build();
        monitor.sample();
        steps(monitor, "payments", 5);

        payments.breaker(CircuitBreaker.State.OPEN);
        CompartmentHealth open = step(time, monitor, "payments");
        assertThat(open.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(open.reasons()).containsExactly("circuit breaker OPEN");

        payments.breaker(CircuitBreaker.State.HALF_OPEN);
        assertThat(steps(monitor, "payments", 10).health()).isEqualTo(Health.UNHEALTHY);
        assertThat(step(time, monitor, "payments").health()).isEqualTo(Health.DEGRADED);

        payments.breaker(CircuitBreaker.State.OPEN); // the probes failed: worse at once again
        assertThat(step(time, monitor, "payments").health()).isEqualTo(Health.UNHEALTHY);
        payments.breaker(CircuitBreaker.State.CLOSED);
        assertThat(steps(monitor, "payments", 10).health()).isEqualTo(Health.UNHEALTHY);
        assertThat(step(time, monitor, "payments").health()).isEqualTo(Health.HEALTHY);
        assertThat(changes).containsExactly("payments: HEALTHY -> UNHEALTHY", "payments: UNHEALTHY -> DEGRADED",
                "payments: DEGRADED -> UNHEALTHY", "payments: UNHEALTHY -> HEALTHY");
    }

    @Test
    void listenersHearCompartmentsThatArriveOrLeaveUnwellButNotHealthyOnes() {
        FakeCompartment quiet = compartment("quiet");
        FakeCompartment broken = compartment("broken").breaker(CircuitBreaker.State.FORCED_OPEN);
        HealthMonitor monitor = builder().build();
        HealthReport first = monitor.sample();
        assertThat(changes).containsExactly("broken: new -> UNHEALTHY");
        assertThat(first.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(first.compartments()).extracting(CompartmentHealth::name).containsExactly("broken", "quiet");

        compartments.remove(broken);
        compartments.remove(quiet);
        time.advance(1, TimeUnit.SECONDS);
        HealthReport empty = monitor.sample();
        assertThat(changes).containsExactly("broken: new -> UNHEALTHY", "broken: UNHEALTHY -> gone");
        assertThat(empty.compartments()).isEmpty();
        assertThat(empty.health()).isEqualTo(Health.HEALTHY);
        assertThat(empty.at()).isEqualTo(START.plusSeconds(1));

        compartments.add(quiet.utilization(1.0)); // back, with a fresh window: one busy reading is not enough
        time.advance(1, TimeUnit.SECONDS);
        assertThat(monitor.sample().compartment("quiet").orElseThrow().utilization()).isEqualTo(0.0);
    }

    @Test
    void eachCompartmentMayHaveThresholdsOfItsOwn() {
        compartment("payments").utilization(0.85);
        compartment("reporting").utilization(0.85);
        HealthMonitor monitor = builder()
                .thresholds("reporting", HealthThresholds.defaults().toBuilder().utilization(0.9, 1.0).build())
                .build();
        monitor.sample();
        HealthReport report = null;
        for (int second = 0; second < 30; second++) {
            time.advance(1, TimeUnit.SECONDS);
            report = monitor.sample();
        }
        assertThat(report.compartment("payments").orElseThrow().health()).isEqualTo(Health.DEGRADED);
        assertThat(report.compartment("reporting").orElseThrow().health()).isEqualTo(Health.HEALTHY);
        assertThat(report.health()).isEqualTo(Health.DEGRADED);
    }

    @Test
    void countersThatGoBackRestartTheWindowInsteadOfGivingNegativeRates() {
        FakeCompartment payments = compartment("payments");
        HealthMonitor monitor = builder().build();
        monitor.sample();
        payments.calls(100, 0);
        assertThat(step(time, monitor, "payments").failureRate()).isEqualTo(0.0);

        compartments.set(0, new FakeCompartment("payments").calls(30, 3)); // rebuilt under the same name
        assertThat(step(time, monitor, "payments").failureRate()).isNull();
        compartments.get(0).calls(20, 0);
        assertThat(step(time, monitor, "payments").failureRate()).isEqualTo(0.0);
    }

    @Test
    void aSourceWithTwoCompartmentsOfOneNameIsAnError() {
        compartment("payments");
        compartment("payments");
        HealthMonitor monitor = builder().build();
        assertThatThrownBy(monitor::sample).isInstanceOf(IllegalStateException.class)
                .hasMessage("the source gave two compartments named 'payments'");
    }

    @Test
    void aRefusedSampleLeavesTheTrackersOnTheThresholdsTheyHad() {
        FakeCompartment payments = compartment("payments").utilization(0.5);
        HealthMonitor monitor = builder().build();
        monitor.sample();
        steps(monitor, "payments", 5);
        HealthConfig inForce = monitor.thresholds();
        monitor.reconfigure(new HealthConfig(HealthThresholds.builder().window(Duration.ofSeconds(10)).build(), Map.of()));
        FakeCompartment twin = compartment("payments");

        assertThatThrownBy(monitor::sample).isInstanceOf(IllegalStateException.class);

        compartments.remove(twin);
        monitor.reconfigure(inForce); // back before any sample took the 10 s window
        payments.utilization(1.0);
        assertThat(step(time, monitor, "payments").utilization())
                .as("the window is kept (5 s at 0.5, 1 s at 1.0, over 30 s); a new one would start from this reading")
                .isCloseTo((5 * 0.5 + 1.0) / 30, offset(1e-9));
    }

    @Test
    void theReportBeforeTheFirstSampleIsHealthyAndEmpty() {
        HealthMonitor monitor = builder().build();
        assertThat(monitor.report()).isEqualTo(new HealthReport(START, Health.HEALTHY, List.of()));
    }

    @Test
    void aThrowingListenerIsCountedAndNeitherStopsTheOthersNorTheSampling() {
        FakeCompartment payments = compartment("payments").breaker(CircuitBreaker.State.CLOSED);
        HealthMonitor monitor = HealthMonitor.builder(() -> compartments.stream().map(FakeCompartment::stats).toList())
                .timeSource(time)
                .listener((previous, current) -> {
                    throw new IllegalStateException("listener bug");
                })
                .listener((previous, current) -> {
                    throw new AssertionError("listener error");
                })
                .listener((previous, current) -> changes.add(String.valueOf(current.health())))
                .build();
        monitor.sample();
        payments.breaker(CircuitBreaker.State.OPEN);
        monitor.sample();
        payments.breaker(CircuitBreaker.State.CLOSED);
        monitor.sample();
        time.advance(10, TimeUnit.SECONDS);
        monitor.sample();

        assertThat(changes).containsExactly("UNHEALTHY", "HEALTHY");
        assertThat(monitor.listenerFailures()).isEqualTo(4);
        assertThat(monitor.report().health()).isEqualTo(Health.HEALTHY);
    }

    @Test
    void aListenerThatSamplesIsRefusedAndCounted() {
        compartment("payments").breaker(CircuitBreaker.State.OPEN);
        HealthMonitor[] self = new HealthMonitor[1];
        self[0] = builder().listener((previous, current) -> self[0].sample()).build();
        self[0].sample();
        assertThat(changes).containsExactly("payments: new -> UNHEALTHY");
        assertThat(self[0].listenerFailures()).isEqualTo(1);
    }
}
