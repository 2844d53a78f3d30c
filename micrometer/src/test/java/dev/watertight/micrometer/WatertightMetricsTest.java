package dev.watertight.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.watertight.Bulkhead;
import dev.watertight.BulkheadFullException;
import dev.watertight.CircuitBreaker;
import dev.watertight.Compartment;
import dev.watertight.CompartmentConfig;
import dev.watertight.CompartmentRegistry;
import dev.watertight.MemoryBudgetConfig;
import dev.watertight.WatertightConfig;
import java.util.Map;
import dev.watertight.MemoryBulkhead;
import dev.watertight.ThreadPoolBulkhead;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** What a Prometheus scrape shows after a known sequence of calls. */
class WatertightMetricsTest {

    @Test
    void aBulkheadsCallsAndPermitsAppearInTheScrapeWithTheirValues() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Bulkhead payments = Bulkhead.of("payments", 2);
        new WatertightMetrics().bulkhead(payments).bindTo(registry);

        payments.call(() -> "ok");
        assertThatThrownBy(() -> payments.call(() -> {
            throw new IOException("down");
        })).isInstanceOf(IOException.class);
        try (Bulkhead.Permit one = payments.acquire(); Bulkhead.Permit two = payments.acquire()) {
            assertThatThrownBy(() -> payments.call(() -> 1)).isInstanceOf(BulkheadFullException.class);
            String scrape = registry.scrape();

            assertThat(scrape)
                    .contains("watertight_bulkhead_calls_total{compartment=\"payments\",name=\"payments\",outcome=\"accepted\"} 4.0")
                    .contains("watertight_bulkhead_calls_total{compartment=\"payments\",name=\"payments\",outcome=\"rejected\"} 1.0")
                    .contains("watertight_bulkhead_calls_total{compartment=\"payments\",name=\"payments\",outcome=\"succeeded\"} 1.0")
                    .contains("watertight_bulkhead_calls_total{compartment=\"payments\",name=\"payments\",outcome=\"failed\"} 1.0")
                    .contains("watertight_bulkhead_in_use{compartment=\"payments\",name=\"payments\"} 2.0")
                    .contains("watertight_bulkhead_waiting{compartment=\"payments\",name=\"payments\"} 0.0")
                    .contains("watertight_bulkhead_limit{compartment=\"payments\",name=\"payments\"} 2.0");
        }
        assertThat(registry.scrape()).contains("watertight_bulkhead_in_use{compartment=\"payments\",name=\"payments\"} 0.0");
    }

    @Test
    void aCompartmentsGuardsAreTaggedWithTheCompartment() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ThreadPoolBulkhead pool = ThreadPoolBulkhead.of("reporting-pool", 1, 2);
        try {
            CircuitBreaker breaker = CircuitBreaker.builder("reporting-breaker").consecutiveFailures(1).build();
            Compartment reporting = Compartment.builder("reporting").circuitBreaker(breaker).threadPool(pool).build();
            new WatertightMetrics().compartment(reporting).bindTo(registry);

            reporting.call(() -> "report");
            assertThatThrownBy(() -> reporting.call(() -> {
                throw new IOException("analytics down");
            })).isInstanceOf(IOException.class);
            String scrape = registry.scrape();

            assertThat(scrape)
                    .contains("watertight_threadpool_tasks_total{compartment=\"reporting\",name=\"reporting-pool\",outcome=\"succeeded\"} 1.0")
                    .contains("watertight_threadpool_tasks_total{compartment=\"reporting\",name=\"reporting-pool\",outcome=\"failed\"} 1.0")
                    .contains("watertight_threadpool_threads{compartment=\"reporting\",name=\"reporting-pool\"} 1.0")
                    .contains("watertight_circuitbreaker_state{compartment=\"reporting\",name=\"reporting-breaker\",state=\"open\"} 1.0")
                    .contains("watertight_circuitbreaker_state{compartment=\"reporting\",name=\"reporting-breaker\",state=\"closed\"} 0.0");
        } finally {
            pool.close();
        }
    }

    @Test
    void aMemoryBulkheadShowsItsBytes() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MemoryBulkhead cache = MemoryBulkhead.builder("user-cache").budget(1024).build();
        new WatertightMetrics().memory(cache).bindTo(registry);

        cache.tryReserve(1000);
        cache.tryReserve(100);

        assertThat(registry.scrape())
                .contains("watertight_memory_reserved_bytes{compartment=\"user-cache\",name=\"user-cache\"} 1000.0")
                .contains("watertight_memory_budget_bytes{compartment=\"user-cache\",name=\"user-cache\"} 1024.0")
                .contains("watertight_memory_refusals_total{compartment=\"user-cache\",name=\"user-cache\"} 1.0");
    }

    @Test
    void aRegistryPublishesEveryCompartmentIncludingThoseAddedByAReload() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CompartmentConfig search = new CompartmentConfig("search", null, null, null,
                Bulkhead.builder("search").maxConcurrent(3).config(), null, null, null);
        CompartmentRegistry compartments = CompartmentRegistry.create(new WatertightConfig(Map.of("search", search),
                Map.of("cache", new MemoryBudgetConfig("cache", 2048, null)), Map.of(), Map.of()));
        new WatertightMetrics().registry(compartments).bindTo(registry);

        compartments.compartment("search").call(() -> "found");
        CompartmentConfig checkout = new CompartmentConfig("checkout", null,
                CircuitBreaker.builder("checkout").config(), null,
                Bulkhead.builder("checkout").maxConcurrent(2).config(), null, null, null);
        compartments.apply(new WatertightConfig(Map.of("search", search, "checkout", checkout),
                Map.of("cache", new MemoryBudgetConfig("cache", 2048, null)), Map.of(), Map.of()));

        assertThat(registry.scrape())
                .contains("watertight_bulkhead_calls_total{compartment=\"search\",name=\"search\",outcome=\"succeeded\"} 1.0")
                .contains("watertight_bulkhead_limit{compartment=\"checkout\",name=\"checkout\"} 2.0")
                .contains("watertight_circuitbreaker_state{compartment=\"checkout\",name=\"checkout\",state=\"closed\"} 1.0")
                .contains("watertight_memory_budget_bytes{compartment=\"cache\",name=\"cache\"} 2048.0");
    }
}
