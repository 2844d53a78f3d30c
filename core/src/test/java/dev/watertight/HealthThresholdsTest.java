package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Health thresholds: the defaults, and a message naming the setting, the value and what is allowed. */
class HealthThresholdsTest {

    @Test
    void defaultsAreTheSeedsThresholdsWithAWindowAndHysteresis() {
        HealthThresholds defaults = HealthThresholds.defaults();
        assertThat(defaults.window()).isEqualTo(Duration.ofSeconds(30));
        assertThat(defaults.utilizationDegraded()).isEqualTo(0.80);
        assertThat(defaults.utilizationUnhealthy()).isEqualTo(0.95);
        assertThat(defaults.failureRateDegraded()).isEqualTo(0.10);
        assertThat(defaults.failureRateUnhealthy()).isEqualTo(0.50);
        assertThat(defaults.rejectionRateDegraded()).isEqualTo(0.05);
        assertThat(defaults.rejectionRateUnhealthy()).isEqualTo(0.25);
        assertThat(defaults.queueFillDegraded()).isEqualTo(0.50);
        assertThat(defaults.queueFillUnhealthy()).isEqualTo(0.90);
        assertThat(defaults.minimumCalls()).isEqualTo(20);
        assertThat(defaults.recoveryRatio()).isEqualTo(0.9);
        assertThat(defaults.recoverAfter()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void toBuilderChangesOnlyWhatIsSet() {
        HealthThresholds changed = HealthThresholds.defaults().toBuilder().failureRate(0.2, 0.6).build();
        assertThat(changed.failureRateDegraded()).isEqualTo(0.2);
        assertThat(changed.failureRateUnhealthy()).isEqualTo(0.6);
        assertThat(changed.toString()).isEqualTo(HealthThresholds.defaults().toString()
                .replace("failureRate=0.1/0.5", "failureRate=0.2/0.6"));
    }

    private static void rejects(Consumer<HealthThresholds.Builder> setting, String message) {
        assertThatThrownBy(() -> setting.accept(HealthThresholds.builder()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void badSettingsAreNamedWithTheirValueAndRange() {
        rejects(b -> b.window(Duration.ZERO), "window must be between PT0.001S and PT24H, was PT0S");
        rejects(b -> b.window(null), "window must be between PT0.001S and PT24H, was null");
        rejects(b -> b.utilization(0, 0.5), "utilization.degradedAt must be more than 0 and at most 1, was 0.0");
        rejects(b -> b.utilization(0.8, 0.7), "utilization.unhealthyAt must be from utilization.degradedAt (0.8) to 1, was 0.7");
        rejects(b -> b.queueFill(0.5, 1.5), "queueFill.unhealthyAt must be from queueFill.degradedAt (0.5) to 1, was 1.5");
        rejects(b -> b.rejectionRate(Double.NaN, 0.5), "rejectionRate.degradedAt must be more than 0 and at most 1, was NaN");
        rejects(b -> b.failureRate(1.1, 1.2), "failureRate.degradedAt must be more than 0 and at most 1, was 1.1");
        rejects(b -> b.minimumCalls(0), "minimumCalls must be between 1 and 2147483647, was 0");
        rejects(b -> b.recoveryRatio(0), "recoveryRatio must be more than 0 and at most 1, was 0.0");
        rejects(b -> b.recoverAfter(Duration.ofSeconds(-1)), "recoverAfter must be between PT0S and PT24H, was PT-1S");
    }

    @Test
    void badMonitorSettingsAreNamedToo() {
        assertThatThrownBy(() -> HealthMonitor.builder(null)).hasMessage("source must not be null");
        HealthMonitor.Builder builder = HealthMonitor.builder(java.util.List::of);
        assertThatThrownBy(() -> builder.resolution(Duration.ZERO))
                .hasMessage("resolution must be between PT0.001S and PT1H, was PT0S");
        assertThatThrownBy(() -> builder.thresholds(" ", HealthThresholds.defaults()))
                .hasMessageStartingWith("name must be 1 to 128 characters");
        assertThatThrownBy(() -> builder.build().start(Duration.ZERO))
                .hasMessageStartingWith("interval must be a positive duration");
    }
}
