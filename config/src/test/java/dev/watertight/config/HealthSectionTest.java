package dev.watertight.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watertight.Bulkhead;
import dev.watertight.CompartmentRegistry;
import dev.watertight.Health;
import dev.watertight.HealthMonitor;
import dev.watertight.TimeSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code health} section judges the registry's compartments, and a reloaded one changes the
 * judgement of a running monitor: permits held by hand, one sample per second of a manual clock.
 */
class HealthSectionTest {
    @TempDir
    Path directory;

    private final ManualTime time = new ManualTime();
    private final List<Bulkhead.Permit> held = new ArrayList<>();

    /** Two compartments of ten permits; the service degrades at {@code degradedAt}, reports at 70 %. */
    private static String file(String degradedAt) {
        return """
                compartments:
                  search:
                    bulkhead: { maxConcurrent: 10 }
                  reports:
                    bulkhead: { maxConcurrent: 10 }
                health:
                  window: 10s
                  utilization: { degradedAt: %s, unhealthyAt: 90%% }
                  recoverAfter: 2s
                  compartments:
                    reports:
                      utilization: { degradedAt: 70%% }
                """.formatted(degradedAt);
    }

    private Path write(String yaml) throws IOException {
        Path file = directory.resolve("watertight.yaml");
        Path next = directory.resolve("watertight.yaml.next");
        Files.writeString(next, yaml, StandardCharsets.UTF_8);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    private void hold(CompartmentRegistry registry, String compartment, int permits) {
        Bulkhead bulkhead = registry.compartment(compartment).bulkhead().orElseThrow();
        for (int i = 0; i < permits; i++) {
            held.add(bulkhead.tryAcquire().orElseThrow());
        }
    }

    private Health after(HealthMonitor monitor, int seconds, String compartment) {
        for (int i = 0; i < seconds; i++) {
            time.nanos += TimeUnit.SECONDS.toNanos(1);
            monitor.sample();
        }
        return monitor.report().compartment(compartment).orElseThrow().health();
    }

    @Test
    void thresholdsFromTheFileJudgeEachCompartmentAndAReloadChangesTheRunningMonitor() throws Exception {
        Path file = write(file("50%"));
        CompartmentRegistry registry = CompartmentRegistry.create(WatertightYaml.read(file));
        List<String> heard = new ArrayList<>();
        HealthMonitor monitor = registry.applyHealthTo(HealthMonitor.builder(registry::snapshot).timeSource(time)
                .listener((previous, current) -> heard.add(current.name() + " " + current.health())).build());
        hold(registry, "search", 6);
        hold(registry, "reports", 6);
        monitor.sample();

        // Utilization climbs by 0.06 a second over the 10 s window: 0.54 after 9 s.
        assertThat(after(monitor, 8, "search")).isEqualTo(Health.HEALTHY);
        assertThat(after(monitor, 1, "search")).as("0.54 >= the file's 50%%").isEqualTo(Health.DEGRADED);
        assertThat(after(monitor, 5, "reports")).as("0.60 < its own 70%%").isEqualTo(Health.HEALTHY);

        ConfigWatcher watcher = ConfigWatcher.manual(file, registry, new ReloadListener() {});
        write(file("65%"));
        assertThat(watcher.reload()).containsExactly("health: utilization 0.5/0.9 -> 0.65/0.9");

        // 0.60 is under the new 65 % but not under its recovery level, 0.9 x 0.65 = 0.585: no flapping.
        assertThat(after(monitor, 5, "search")).isEqualTo(Health.DEGRADED);
        write(file("70%"));
        assertThat(watcher.reload()).containsExactly("health: utilization 0.65/0.9 -> 0.7/0.9");
        // 0.60 < 0.9 x 0.70 = 0.63: better, after the 2 s the file asks for.
        assertThat(after(monitor, 1, "search")).isEqualTo(Health.DEGRADED);
        assertThat(after(monitor, 2, "search")).isEqualTo(Health.HEALTHY);
        assertThat(heard).containsExactly("search DEGRADED", "search HEALTHY");
        held.forEach(Bulkhead.Permit::close);
    }

    @Test
    void aCompartmentsOwnThresholdsComeAndGoWithTheFile() throws Exception {
        Path file = write(file("50%"));
        CompartmentRegistry registry = CompartmentRegistry.create(WatertightYaml.read(file));
        HealthMonitor monitor = registry.applyHealthTo(HealthMonitor.builder(registry::snapshot).timeSource(time).build());
        hold(registry, "reports", 6);
        monitor.sample();
        assertThat(after(monitor, 10, "reports")).isEqualTo(Health.HEALTHY);

        write(file("50%").replace("""
                  compartments:
                    reports:
                      utilization: { degradedAt: 70% }
                """, ""));
        List<String> changes = ConfigWatcher.manual(file, registry, new ReloadListener() {}).reload();

        assertThat(changes).containsExactly("health.compartments.reports: own thresholds removed, judged by the defaults");
        assertThat(monitor.thresholds().compartments()).isEmpty();
        assertThat(after(monitor, 1, "reports")).as("0.60 >= the service's 50%%, at once").isEqualTo(Health.DEGRADED);
        held.forEach(Bulkhead.Permit::close);
    }

    /** Time moved by the test; nothing is scheduled. */
    private static final class ManualTime implements TimeSource {
        long nanos;

        @Override
        public long nanoTime() {
            return nanos;
        }

        @Override
        public Future<?> schedule(Runnable action, long delayNanos) {
            throw new UnsupportedOperationException("nothing is scheduled in these tests");
        }
    }
}
