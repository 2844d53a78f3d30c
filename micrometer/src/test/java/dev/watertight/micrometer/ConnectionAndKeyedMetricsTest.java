package dev.watertight.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.watertight.Bulkhead;
import dev.watertight.Compartment;
import dev.watertight.CompartmentRegistry;
import dev.watertight.KeyedCompartments;
import dev.watertight.KeyedCompartmentsFullException;
import dev.watertight.jdbc.ConnectionCompartmentExhaustedException;
import dev.watertight.jdbc.ConnectionCompartments;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** What a Prometheus scrape shows of connection compartments and per-key groups after known calls. */
class ConnectionAndKeyedMetricsTest {

    private static JdbcDataSource h2(String database) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1");
        return h2;
    }

    @Test
    void connectionCompartmentsShowTheirAcquisitionsQuotaAndWaits() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (ConnectionCompartments db = ConnectionCompartments.builder()
                .pool("app-db", h2("metrics-connections"), 3)
                .compartment("read", "app-db", c -> c.reserved(1).ceiling(2).acquireTimeout(Duration.ZERO))
                .compartment("write", "app-db", c -> c.reserved(1).ceiling(1).acquireTimeout(Duration.ofSeconds(30)))
                .build()) {
            new ConnectionCompartmentMetrics(db).bindTo(registry);
            try (Connection first = db.compartment("read").getConnection();
                    Connection second = db.compartment("read").getConnection();
                    Connection held = db.compartment("write").getConnection()) {
                assertThatThrownBy(() -> db.compartment("read").getConnection())
                        .isInstanceOf(ConnectionCompartmentExhaustedException.class);
                CompletableFuture<Connection> waiter = CompletableFuture.supplyAsync(() -> {
                    try {
                        return db.compartment("write").getConnection();
                    } catch (SQLException e) {
                        throw new AssertionError(e);
                    }
                });
                await().atMost(Duration.ofSeconds(10)).until(() -> db.compartment("write").stats().waiting() == 1);
                String read = "{compartment=\"read\",name=\"read\",pool=\"app-db\"}";
                String write = "{compartment=\"write\",name=\"write\",pool=\"app-db\"}";

                assertThat(registry.scrape())
                        .contains("watertight_connection_acquisitions_total{compartment=\"read\",name=\"read\",outcome=\"acquired\",pool=\"app-db\"} 2.0")
                        .contains("watertight_connection_acquisitions_total{compartment=\"read\",name=\"read\",outcome=\"timed.out\",pool=\"app-db\"} 1.0")
                        .contains("watertight_connection_errors_total" + read + " 0.0")
                        .contains("watertight_connection_leaks_total" + read + " 0.0")
                        .contains("watertight_connection_leaks_reclaimed_total" + read + " 0.0")
                        .contains("watertight_connection_in_use" + read + " 2.0")
                        .contains("watertight_connection_limit" + read + " 2.0")
                        .contains("watertight_connection_reserved" + read + " 1.0")
                        .contains("watertight_connection_waiting" + write + " 1.0")
                        // two grants found a connection at once; the refusal did not wait, so it is no wait
                        .contains("watertight_connection_acquire_wait_seconds_sum" + read + " 0.0")
                        .contains("watertight_connection_acquire_wait_max_seconds" + read + " 0.0")
                        .contains("watertight_connection_acquire_wait_percentile_seconds{compartment=\"read\",name=\"read\",phi=\"0.99\",pool=\"app-db\"} 0.0");
                assertThat(value(registry.scrape(), "watertight_connection_acquire_wait_seconds_count" + read)).isEqualTo(2);

                held.close();
                waiter.get(10, TimeUnit.SECONDS).close();
            }
            String scrape = registry.scrape();
            String write = "{compartment=\"write\",name=\"write\",pool=\"app-db\"}";

            assertThat(scrape)
                    .contains("watertight_connection_acquisitions_total{compartment=\"write\",name=\"write\",outcome=\"acquired\",pool=\"app-db\"} 2.0")
                    .contains("watertight_connection_in_use" + write + " 0.0")
                    .contains("watertight_connection_waiting" + write + " 0.0");
            assertThat(value(scrape, "watertight_connection_acquire_wait_seconds_count" + write)).isEqualTo(2);
            double waited = value(scrape, "watertight_connection_acquire_wait_seconds_sum" + write);
            assertThat(waited).as("the second writer waited for the first").isPositive()
                    .isEqualTo(db.compartment("write").stats().acquireWaitTotal().toNanos() / 1e9);
            assertThat(value(scrape, "watertight_connection_acquire_wait_max_seconds" + write)).isPositive();
            assertThat(value(scrape, "watertight_connection_acquire_wait_percentile_seconds"
                    + "{compartment=\"write\",name=\"write\",phi=\"0.5\",pool=\"app-db\"}")).as("one of two waited").isZero();
        }
    }

    @Test
    void aKeyedGroupShowsItsKeysAndWhatItBuiltEvictedAndRefused() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (KeyedCompartments<String> tenants = KeyedCompartments.builder("tenants",
                        (String tenant) -> Compartment.builder("tenant-" + tenant).bulkhead(Bulkhead.of("tenant-" + tenant, 1)).build())
                .maxKeys(1).build()) {
            new WatertightMetrics().keyed(tenants).bindTo(registry);

            CompletableFuture<String> pending = new CompletableFuture<>();
            CompletableFuture<String> acme = tenants.callAsync("acme", () -> pending);
            assertThatThrownBy(() -> tenants.call("globex", () -> 1)).isInstanceOf(KeyedCompartmentsFullException.class);
            pending.complete("done");
            acme.join();
            tenants.call("globex", () -> 2); // acme is idle now: evicted to make room

            assertThat(registry.scrape())
                    .contains("watertight_keyed_keys{compartment=\"tenants\",name=\"tenants\"} 1.0")
                    .contains("watertight_keyed_max_keys{compartment=\"tenants\",name=\"tenants\"} 1.0")
                    .contains("watertight_keyed_compartments_built_total{compartment=\"tenants\",name=\"tenants\"} 2.0")
                    .contains("watertight_keyed_compartments_evicted_total{compartment=\"tenants\",name=\"tenants\"} 1.0")
                    .contains("watertight_keyed_rejected_total{compartment=\"tenants\",name=\"tenants\"} 1.0")
                    .doesNotContain("acme").doesNotContain("globex");
        }
    }

    @Test
    void aRegistryPublishesItsKeyedGroupsIncludingThoseRegisteredLater() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (CompartmentRegistry compartments = CompartmentRegistry.create()) {
            compartments.register(KeyedCompartments.builder("tenants",
                    (String tenant) -> Compartment.builder(tenant).bulkhead(Bulkhead.of(tenant, 1)).build()).maxKeys(5).build());
            new WatertightMetrics().registry(compartments).bindTo(registry);
            compartments.register(KeyedCompartments.builder("partners",
                    (String partner) -> Compartment.builder(partner).bulkhead(Bulkhead.of(partner, 1)).build()).maxKeys(3).build());
            compartments.keyed("partners").call("initech", () -> 1);

            assertThat(registry.scrape())
                    .contains("watertight_keyed_max_keys{compartment=\"tenants\",name=\"tenants\"} 5.0")
                    .contains("watertight_keyed_keys{compartment=\"partners\",name=\"partners\"} 1.0")
                    .contains("watertight_keyed_compartments_built_total{compartment=\"partners\",name=\"partners\"} 1.0");
        }
    }

    /** The value of one sample line of the scrape. */
    private static double value(String scrape, String series) {
        Matcher line = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        assertThat(line.find()).as("a sample %s in%n%s", series, scrape).isTrue();
        return Double.parseDouble(line.group(1));
    }
}
