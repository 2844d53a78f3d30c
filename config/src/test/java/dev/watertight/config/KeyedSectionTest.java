package dev.watertight.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.watertight.BulkheadFullException;
import dev.watertight.Compartment;
import dev.watertight.CompartmentRegistry;
import dev.watertight.ConfigurationException;
import dev.watertight.KeyedCompartments;
import dev.watertight.KeyedCompartmentsFullException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code keyed} section builds a group of per-key compartments in the registry; a reload
 * changes its bounds and its template in place, for live keys and new ones, and never evicts or
 * breaks a key with work in flight.
 */
class KeyedSectionTest {
    @TempDir
    Path directory;

    private static String file(int maxKeys, int maxConcurrent) {
        return """
                keyed:
                  tenants:
                    maxKeys: %d
                    idleAfter: 5m
                    template:
                      bulkhead: { maxConcurrent: %d }
                """.formatted(maxKeys, maxConcurrent);
    }

    private Path write(String yaml) throws IOException {
        Path file = directory.resolve("watertight.yaml");
        Path next = directory.resolve("watertight.yaml.next");
        Files.writeString(next, yaml, StandardCharsets.UTF_8);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    @Test
    void aReloadShrinksTheBoundsAndLimitsOfLiveKeysWhileTheirWorkInFlightFinishes() throws Exception {
        Path file = write(file(3, 2));
        ExecutorService callers = Executors.newSingleThreadExecutor();
        try (CompartmentRegistry registry = CompartmentRegistry.create(WatertightYaml.read(file))) {
            KeyedCompartments<String> tenants = registry.keyed("tenants");
            assertThat(tenants.call("initech", () -> "idle from now on")).isNotNull();
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch finish = new CountDownLatch(1);
            CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> {
                try {
                    return tenants.call("acme", () -> {
                        started.countDown();
                        finish.await();
                        return "invoiced";
                    });
                } catch (Exception failed) {
                    throw new IllegalStateException(failed);
                }
            }, callers);
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            Compartment acme = tenants.compartment("acme").orElseThrow();

            write(file(1, 1));
            var changes = ConfigWatcher.manual(file, registry, new ReloadListener() {}).reload();

            assertThat(changes).containsExactly("keyed.tenants: maxKeys 3 -> 1",
                    "keyed.tenants.template.bulkhead: maxConcurrent 2 -> 1");
            assertThat(registry.keyed("tenants")).as("the group is changed, not replaced").isSameAs(tenants);
            assertThat(tenants.compartment("acme")).as("a key with work in flight is never evicted").containsSame(acme);
            assertThat(acme.stats().bulkhead().maxConcurrent()).as("the live key has the new limit").isEqualTo(1);
            assertThat(acme.stats().bulkhead().inUse()).isEqualTo(1);
            assertThatThrownBy(() -> tenants.call("acme", () -> "second")).isInstanceOf(BulkheadFullException.class);
            assertThatThrownBy(() -> tenants.call("globex", () -> "new"))
                    .as("the idle key made way, the busy one cannot: the group is full at its new bound")
                    .isInstanceOf(KeyedCompartmentsFullException.class);
            assertThat(tenants.compartment("initech")).isEmpty();

            finish.countDown();
            assertThat(inFlight.get(10, TimeUnit.SECONDS)).isEqualTo("invoiced");
            assertThat(acme.stats().bulkhead().succeeded()).isEqualTo(1);
            assertThat(tenants.call("globex", () -> "new")).isEqualTo("new");
            assertThat(tenants.keys()).isEqualTo(1);
            assertThat(tenants.compartment("globex").orElseThrow().stats().bulkhead().maxConcurrent())
                    .as("a new key is built from the new template").isEqualTo(1);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aLongerIdleTimeAndALargerLimitApplyWithoutRebuildingAnyKey() throws Exception {
        Path file = write(file(3, 2));
        try (CompartmentRegistry registry = CompartmentRegistry.create(WatertightYaml.read(file))) {
            KeyedCompartments<String> tenants = registry.keyed("tenants");
            tenants.call("acme", () -> null);
            Compartment acme = tenants.compartment("acme").orElseThrow();

            write(file(5, 8).replace("5m", "1h"));
            var changes = ConfigWatcher.manual(file, registry, new ReloadListener() {}).reload();

            assertThat(changes).containsExactly("keyed.tenants: maxKeys 3 -> 5, idleAfter PT5M -> PT1H",
                    "keyed.tenants.template.bulkhead: maxConcurrent 2 -> 8");
            assertThat(tenants.maxKeys()).isEqualTo(5);
            assertThat(tenants.compartment("acme")).containsSame(acme);
            assertThat(acme.stats().bulkhead().maxConcurrent()).isEqualTo(8);
            assertThat(tenants.stats().created()).isEqualTo(1);
        }
    }

    @Test
    void changesThatNeedARestartAreRefusedWithTheKeysPositionsAndNothingChanges() throws Exception {
        Path file = write(file(3, 2) + """
                  partners:
                    template: { bulkhead: { maxConcurrent: 1 } }
                """);
        try (CompartmentRegistry registry = CompartmentRegistry.create(WatertightYaml.read(file))) {
            ConfigWatcher watcher = ConfigWatcher.manual(file, registry, new ReloadListener() {});

            write(file(3, 4) + "      circuitBreaker: { consecutiveFailures: 3 }\n");

            assertThatThrownBy(watcher::reload)
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("2 problems")
                    .hasMessageContaining(file + ":5:5: keyed.tenants.template: the guards of a running group's template"
                            + " cannot change: it has [bulkhead], the new file gives [circuitBreaker, bulkhead];"
                            + " a restart is needed")
                    .hasMessageContaining(file + ":1:1: keyed.partners: removing a running group of per-key compartments"
                            + " needs a restart (code may hold it)");
            assertThat(registry.keyed("tenants").call("acme", () -> registry.keyed("tenants").compartment("acme")
                    .orElseThrow().stats().bulkhead().maxConcurrent())).isEqualTo(2);
            assertThat(registry.keyed("partners").name()).isEqualTo("partners");
        }
    }

    @Test
    void aGroupRegisteredInCodeCannotBeTakenOverByTheFile() throws Exception {
        Path file = write(file(3, 2));
        try (CompartmentRegistry registry = CompartmentRegistry.create()) {
            registry.register(KeyedCompartments.builder("tenants", (String tenant) -> Compartment.builder(tenant)
                    .bulkhead(dev.watertight.Bulkhead.of(tenant, 1)).build()).idleAfter(Duration.ofMinutes(1)).build());

            assertThatThrownBy(() -> registry.apply(WatertightYaml.read(file)))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("reload: keyed.tenants: a group of per-key compartments named 'tenants'"
                            + " is already registered in code");
        }
    }
}
