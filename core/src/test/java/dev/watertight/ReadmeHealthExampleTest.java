package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's health example, compiled and run, so that it cannot rot. Keep the two in step. */
class ReadmeHealthExampleTest {
    private final List<String> alerts = new ArrayList<>();
    private String served;

    private void alert(CompartmentHealth before, CompartmentHealth now) {
        alerts.add(before + " -> " + now);
    }

    private void respond(String json) {
        served = json;
    }

    @Test
    void readmeHealthExampleRuns() {
        Compartment payments = Compartment.builder("payments").bulkhead(Bulkhead.of("payments", 10)).build();
        Compartment reporting = Compartment.builder("reporting")
                .threadPool(ThreadPoolBulkhead.builder("reporting").threads(2).queueCapacity(10).build()).build();

        HealthMonitor health = HealthMonitor.builder(() -> List.of(payments.stats(), reporting.stats()))
                .thresholds("reporting", HealthThresholds.defaults().toBuilder().utilization(0.9, 1.0).build())
                .listener((before, now) -> alert(before, now))   // on changes only, never per sample
                .build();
        try (HealthMonitor.Sampling sampling = health.start(Duration.ofSeconds(1))) {
            await().until(() -> health.report().compartments().size() == 2);
            respond(health.report().toJson());                   // for a health endpoint
        }

        assertThat(served).contains("\"name\":\"payments\"", "\"name\":\"reporting\"", "\"health\":\"HEALTHY\"");
        assertThat(alerts).isEmpty();
        reporting.close();
    }
}
