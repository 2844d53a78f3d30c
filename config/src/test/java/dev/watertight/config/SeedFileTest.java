package dev.watertight.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.watertight.CircuitBreaker;
import dev.watertight.CompartmentConfig;
import dev.watertight.CompartmentRegistry;
import dev.watertight.ConnectionCompartmentConfig;
import dev.watertight.ConnectionPoolConfig;
import dev.watertight.HealthConfig;
import dev.watertight.HealthThresholds;
import dev.watertight.KeyedCompartments;
import dev.watertight.KeyedCompartmentsConfig;
import dev.watertight.WatertightConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The seed's service described in one file: every value lands where it belongs. */
class SeedFileTest {
    private static final Path SEED = Path.of("src/test/resources/seed.yaml");

    @Test
    void readsEveryCompartmentWithTheSeedsSettings() {
        WatertightConfig config = WatertightYaml.read(SEED);

        assertThat(config.compartments()).containsOnlyKeys("user-ops", "order-ops", "reporting", "payment", "email", "analytics");
        CompartmentConfig userOps = config.compartments().get("user-ops");
        assertThat(userOps.threadPool().threads()).isEqualTo(5);
        assertThat(userOps.threadPool().queueCapacity()).isEqualTo(20);
        assertThat(userOps.threadPool().timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.compartments().get("order-ops").threadPool().threads()).isEqualTo(10);
        assertThat(config.compartments().get("reporting").threadPool().timeout()).isEqualTo(Duration.ofSeconds(30));

        CompartmentConfig payment = config.compartments().get("payment");
        assertThat(payment.guards()).containsExactly("circuitBreaker", "bulkhead", "timeout");
        assertThat(payment.circuitBreaker().consecutiveFailures()).isEqualTo(3);
        assertThat(payment.circuitBreaker().openDuration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(payment.bulkhead().maxConcurrent()).isEqualTo(10);
        assertThat(payment.timeout().timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.compartments().get("email").retry().maxAttempts()).isEqualTo(3);
        assertThat(config.compartments().get("email").retry().backoff())
                .isEqualTo(dev.watertight.Backoff.exponential(Duration.ofMillis(100), 2, Duration.ofSeconds(1)));
        assertThat(config.compartments().get("analytics").rateLimiter().permitsPerPeriod()).isEqualTo(100);

        assertThat(config.memory().get("user-cache").budget()).isEqualTo(100L << 20);
        assertThat(config.memory().get("static-cache").budget()).isEqualTo(200L << 20);
        assertThat(config.connectionPools()).containsValues(new ConnectionPoolConfig("app-db", 13),
                new ConnectionPoolConfig("analytics-db", 2));
        assertThat(config.connectionCompartments().get("write"))
                .isEqualTo(new ConnectionCompartmentConfig("write", "app-db", 3, 3, Duration.ofSeconds(5)));

        KeyedCompartmentsConfig tenants = config.keyed().get("tenants");
        assertThat(tenants.maxKeys()).isEqualTo(10_000);
        assertThat(tenants.idleAfter()).isEqualTo(Duration.ofMinutes(5));
        assertThat(tenants.template().guards()).containsExactly("rateLimiter", "bulkhead");
        assertThat(tenants.template().bulkhead().maxConcurrent()).isEqualTo(5);

        HealthThresholds defaults = config.health().defaults();
        assertThat(defaults).isEqualTo(HealthThresholds.builder().window(Duration.ofSeconds(30)).utilization(0.80, 0.95)
                .failureRate(0.10, 0.50).minimumCalls(20).recoverAfter(Duration.ofSeconds(10)).build());
        assertThat(config.health().compartments()).containsOnlyKeys("reporting");
        assertThat(config.health().thresholds("reporting"))
                .as("a compartment's own thresholds start from the service-wide ones")
                .isEqualTo(defaults.toBuilder().utilization(0.95, 1.0).queueFill(0.8, 1.0).build());
        assertThat(config.health().thresholds("payment")).isSameAs(defaults);
    }

    @Test
    void aFileWithoutKeyedOrHealthSectionsHasNoGroupsAndTheDefaultThresholds() {
        WatertightConfig config = WatertightYaml.parse("compartments: { search: { bulkhead: { maxConcurrent: 2 } } }", "inline");

        assertThat(config.keyed()).isEmpty();
        assertThat(config.health()).isEqualTo(HealthConfig.DEFAULTS);
    }

    @Test
    void aHalfOfAPairLeftOutKeepsTheValueItWouldHave() {
        WatertightConfig config = WatertightYaml.parse("""
                compartments: { search: { bulkhead: { maxConcurrent: 2 } } }
                health:
                  utilization: { degradedAt: 0.5 }
                  compartments:
                    search: { utilization: { unhealthyAt: 60% } }
                """, "inline");

        assertThat(config.health().defaults().utilizationDegraded()).isEqualTo(0.5);
        assertThat(config.health().defaults().utilizationUnhealthy()).isEqualTo(0.95);
        assertThat(config.health().thresholds("search").utilizationDegraded()).isEqualTo(0.5);
        assertThat(config.health().thresholds("search").utilizationUnhealthy()).isEqualTo(0.6);
    }

    @Test
    void aRegistryBuiltFromTheFileRunsEveryCompartment() throws Exception {
        try (CompartmentRegistry registry = CompartmentRegistry.create(WatertightYaml.read(SEED))) {
            assertThat(registry.compartments()).extracting(c -> c.name())
                    .containsExactly("user-ops", "order-ops", "reporting", "payment", "email", "analytics");
            assertThat(registry.compartment("user-ops").call(() -> "created")).isEqualTo("created");
            assertThat(registry.compartment("payment").circuitBreaker().orElseThrow().state()).isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(registry.compartment("user-ops").stats().threadPool().threads()).isEqualTo(5);
            assertThat(registry.memoryBulkhead("session-cache").budget()).isEqualTo(50L << 20);
            assertThat(registry.snapshot()).hasSize(6);
            KeyedCompartments<String> tenants = registry.keyed("tenants");
            assertThat(tenants.call("acme", () -> "invoiced")).isEqualTo("invoiced");
            assertThat(tenants.snapshot()).singleElement().satisfies(stats -> {
                assertThat(stats.name()).isEqualTo("tenants/acme");
                assertThat(stats.bulkhead().maxConcurrent()).isEqualTo(5);
            });
        }
    }

    @Test
    void valuesTakeUnitsAndUnderscores() {
        assertThat(Values.duration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Values.duration("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Values.duration("PT2M")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Values.bytes("512KB")).isEqualTo(512L << 10);
        assertThat(Values.bytes("2GiB")).isEqualTo(2L << 30);
        assertThat(Values.bytes("1_048_576")).isEqualTo(1L << 20);
        assertThat(Values.wholeNumber("10_000")).isEqualTo(10_000);
        assertThat(Values.share("80%")).isEqualTo(0.8);
        assertThat(Values.share("0.8")).isEqualTo(0.8);
        assertThat(Values.share("100%")).isEqualTo(1.0);
        assertThatThrownBy(() -> Values.share("80")).hasMessage(
                "expected a percentage (80%) or a fraction from 0 to 1 (0.8), was '80'");
    }
}
