package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watertight.testing.FakeCompartment;
import dev.watertight.testing.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * New thresholds given to a running monitor (a reloaded configuration file): taken at the next
 * sample, worse at once, better only after the new dwell time, one sample per second of a manual
 * clock as in {@link HealthMonitorTest}.
 */
class HealthMonitorReconfigureTest {
    private final ManualTimeSource time = new ManualTimeSource();
    private final FakeCompartment payments = new FakeCompartment("payments");
    private final List<String> changes = new ArrayList<>();

    private HealthMonitor monitor(HealthConfig thresholds) {
        return HealthMonitor.builder(() -> List.of(payments.stats()))
                .timeSource(time)
                .thresholds(thresholds)
                .listener((previous, current) -> changes.add(current.health().toString()))
                .build();
    }

    private Health after(HealthMonitor monitor, int seconds) {
        for (int i = 0; i < seconds; i++) {
            time.advance(1, TimeUnit.SECONDS);
            monitor.sample();
        }
        return monitor.report().compartment("payments").orElseThrow().health();
    }

    private static HealthConfig utilization(double degradedAt) {
        return new HealthConfig(HealthThresholds.builder().utilization(degradedAt, 0.95)
                .recoverAfter(Duration.ofSeconds(3)).build(), Map.of());
    }

    @Test
    void lowerThresholdsTakeEffectAtTheNextSampleAndWorsenAtOnce() {
        payments.utilization(0.7);
        HealthMonitor monitor = monitor(utilization(0.8));
        monitor.sample();
        assertThat(after(monitor, 30)).isEqualTo(Health.HEALTHY);

        monitor.reconfigure(utilization(0.6));

        assertThat(monitor.thresholds()).isEqualTo(utilization(0.6));
        assertThat(monitor.report().compartment("payments").orElseThrow().health())
                .as("nothing is judged until the next sample").isEqualTo(Health.HEALTHY);
        assertThat(after(monitor, 1)).isEqualTo(Health.DEGRADED);
        assertThat(changes).containsExactly("DEGRADED");
    }

    @Test
    void higherThresholdsImproveTheHealthOnlyAfterTheNewDwellTime() {
        payments.utilization(0.7);
        HealthMonitor monitor = monitor(utilization(0.6));
        monitor.sample();
        assertThat(after(monitor, 30)).isEqualTo(Health.DEGRADED);

        monitor.reconfigure(new HealthConfig(HealthThresholds.defaults(), Map.of("payments",
                HealthThresholds.builder().utilization(0.9, 0.95).recoverAfter(Duration.ofSeconds(5)).build())));

        // 0.70 < 0.9 x 0.90 from the first sample under the new thresholds; 5 s later it is better.
        assertThat(after(monitor, 5)).isEqualTo(Health.DEGRADED);
        assertThat(after(monitor, 1)).isEqualTo(Health.HEALTHY);
        assertThat(changes).containsExactly("DEGRADED", "HEALTHY");
    }

    @Test
    void aNewWindowLengthStartsAnEmptyWindowButKeepsTheHealthItHad() {
        payments.utilization(1.0);
        HealthMonitor monitor = monitor(utilization(0.8));
        monitor.sample();
        assertThat(after(monitor, 30)).isEqualTo(Health.UNHEALTHY);

        payments.utilization(0.5);
        monitor.reconfigure(new HealthConfig(utilization(0.8).defaults().toBuilder().window(Duration.ofSeconds(10)).build(),
                Map.of()));
        CompartmentHealth first = monitor.sample().compartment("payments").orElseThrow();

        assertThat(first.health()).as("kept until the new window says otherwise for recoverAfter").isEqualTo(Health.UNHEALTHY);
        assertThat(first.utilization()).as("no reading of the old window is left").isEqualTo(0.0);
        assertThat(after(monitor, 3)).isEqualTo(Health.HEALTHY);
    }

    @Test
    void aListenerMayGiveNewThresholdsWithoutBlockingTheSample() {
        payments.utilization(0.7);
        HealthMonitor[] holder = new HealthMonitor[1];
        HealthMonitor monitor = HealthMonitor.builder(() -> List.of(payments.stats()))
                .timeSource(time)
                .thresholds(utilization(0.6))
                .listener((previous, current) -> {
                    changes.add(current.health().toString());
                    holder[0].reconfigure(utilization(0.8)); // called under the monitor's lock
                })
                .build();
        holder[0] = monitor;
        monitor.sample();

        assertThat(after(monitor, 40)).isEqualTo(Health.HEALTHY);
        assertThat(changes).as("degraded at 0.6, better once the listener's 0.8 applied").containsExactly("DEGRADED", "HEALTHY");
        assertThat(monitor.listenerFailures()).isZero();
        assertThat(monitor.thresholds()).isEqualTo(utilization(0.8));
    }
}
