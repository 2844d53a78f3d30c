package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class CompartmentRegistryTest {

    private static CompartmentConfig bulkheaded(String name, int maxConcurrent) {
        return new CompartmentConfig(name, null, null, null,
                Bulkhead.builder(name).maxConcurrent(maxConcurrent).config(), null, null, null);
    }

    private static CompartmentConfig pooled(String name, int threads, int queue) {
        return new CompartmentConfig(name, null, null, null, null,
                ThreadPoolBulkhead.builder(name).threads(threads).queueCapacity(queue).config(), null, null);
    }

    private static WatertightConfig config(CompartmentConfig... compartments) {
        Map<String, CompartmentConfig> byName = new LinkedHashMap<>();
        for (CompartmentConfig compartment : compartments) {
            byName.put(compartment.name(), compartment);
        }
        return new WatertightConfig(byName, Map.of("cache", new MemoryBudgetConfig("cache", 1024, null)), Map.of(), Map.of());
    }

    @Test
    void buildsWhatTheConfigurationDescribesAndFindsItByName() throws Exception {
        try (CompartmentRegistry registry = CompartmentRegistry.create(config(bulkheaded("search", 3), pooled("reports", 1, 2)))) {
            assertThat(registry.compartments()).extracting(Compartment::name).containsExactly("search", "reports");
            assertThat(registry.compartment("search").bulkhead().orElseThrow().maxConcurrent()).isEqualTo(3);
            assertThat(registry.compartment("reports").call(() -> "ran")).isEqualTo("ran");
            assertThat(registry.memoryBulkhead("cache").budget()).isEqualTo(1024);
            assertThat(registry.find("nothing")).isEmpty();
            assertThatThrownBy(() -> registry.compartment("nothing"))
                    .isInstanceOf(NoSuchElementException.class)
                    .hasMessage("no compartment named 'nothing'; there are [search, reports]");
            assertThat(registry.snapshot()).extracting(CompartmentStats::name).containsExactly("search", "reports");
        }
    }

    @Test
    void compartmentsBuiltInCodeJoinAndTheirNamesStayUnique() {
        CompartmentRegistry registry = CompartmentRegistry.create(config(bulkheaded("search", 3)));
        Compartment payments = registry.register(Compartment.builder("payments")
                .bulkhead(Bulkhead.builder("payments").maxConcurrent(1).listener(registry.listener()).build()).build());

        assertThat(registry.compartment("payments")).isSameAs(payments);
        assertThatThrownBy(() -> registry.register(Compartment.builder("search").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a compartment named 'search' is already registered");
        assertThatThrownBy(() -> registry.apply(config(bulkheaded("search", 3), bulkheaded("payments", 2))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("reload: compartments.payments: a compartment named 'payments' is already registered in code");
    }

    @Test
    void everyGuardReportsItsEventsToTheRegistryAndToListenersAddedLater() throws Exception {
        CompartmentRegistry registry = CompartmentRegistry.create(config(bulkheaded("search", 1)));
        List<String> heard = new CopyOnWriteArrayList<>();
        registry.addListener(new CompartmentListener() {
            @Override
            public void onRejected(String compartment, CompartmentRejectedException rejection) {
                heard.add(compartment);
            }
        });
        registry.addListener(new CompartmentListener() {
            @Override
            public void onRejected(String compartment, CompartmentRejectedException rejection) {
                throw new IllegalStateException("a broken listener");
            }
        });
        Compartment search = registry.compartment("search");

        search.call(() -> {
            assertThatThrownBy(() -> search.call(() -> "second")).isInstanceOf(BulkheadFullException.class);
            return null;
        });

        assertThat(heard).containsExactly("search");
        assertThat(registry.events().of("search")).extracting(CompartmentEvent::kind).containsExactly(CompartmentEvent.Kind.REJECTED);
        assertThat(registry.listenerFailures()).isEqualTo(1);
    }

    @Test
    void applyingAddsNewCompartmentsAndBudgetsAndRefusesWhatNeedsARestartAllAtOnce() {
        CompartmentRegistry registry = CompartmentRegistry.create(config(bulkheaded("search", 3), pooled("reports", 1, 2)));
        Compartment search = registry.compartment("search");

        List<String> changes = registry.apply(config(bulkheaded("search", 3), pooled("reports", 1, 2), bulkheaded("checkout", 4)));

        assertThat(changes).containsExactly("compartments.checkout: built with [bulkhead]");
        assertThat(registry.compartment("checkout").bulkhead().orElseThrow().maxConcurrent()).isEqualTo(4);
        assertThat(registry.compartment("search")).isSameAs(search);

        ConfigurationException refused = catchThrowableOfType(ConfigurationException.class,
                () -> registry.apply(new WatertightConfig(Map.of("search", pooled("search", 2, 2)), Map.of(), Map.of(), Map.of())));

        assertThat(refused.problems()).extracting(ConfigProblem::path)
                .containsExactly("compartments.search", "compartments.reports", "compartments.checkout", "memory.cache");
        assertThat(refused.problems().get(0).message()).isEqualTo("the guards of a running compartment cannot change: it has"
                + " [bulkhead], the new file gives [threadPool]; a restart is needed");
        assertThat(registry.compartment("search")).isSameAs(search);
        assertThat(registry.config().compartments()).containsOnlyKeys("search", "reports", "checkout");
    }

    /** The settings a running guard keeps as built: a reload must refuse them, not half-apply or misreport them. */
    private static WatertightConfig keptAsBuilt(boolean changed, int reportThreads) {
        Map<String, CompartmentConfig> compartments = new LinkedHashMap<>();
        compartments.put("reports", new CompartmentConfig("reports", null, null, null, null, ThreadPoolBulkhead
                .builder("reports").threads(reportThreads).virtualThreads(changed).config(), null, null));
        compartments.put("search", new CompartmentConfig("search", null, null, null,
                Bulkhead.builder("search").maxConcurrent(3).writableStackTrace(changed).config(), null, null, null));
        compartments.put("payments", new CompartmentConfig("payments",
                Retry.builder("payments").retryRejections(changed).config(),
                CircuitBreaker.builder("payments").writableStackTrace(changed).config(), null, null, null, null, null));
        CompartmentConfig template = new CompartmentConfig("tenants", null, null, null, null,
                ThreadPoolBulkhead.builder("tenants").threads(1).virtualThreads(changed).config(), null, null);
        return new WatertightConfig(compartments, Map.of(), Map.of(), Map.of(),
                Map.of("tenants", new KeyedCompartmentsConfig("tenants", 10, Duration.ofMinutes(1), template)),
                HealthConfig.DEFAULTS);
    }

    @Test
    void aChangeToASettingAGuardKeepsAsBuiltIsRefusedAndNothingOfTheNewConfigurationIsBuilt() {
        WatertightConfig running = keptAsBuilt(false, 1);
        try (CompartmentRegistry registry = CompartmentRegistry.create(running)) {
            Map<String, CompartmentConfig> withCheckout = new LinkedHashMap<>(keptAsBuilt(true, 1).compartments());
            withCheckout.put("checkout", pooled("checkout", 1, 1));
            WatertightConfig changed = keptAsBuilt(true, 1);

            ConfigurationException refused = catchThrowableOfType(ConfigurationException.class, () -> registry.apply(
                    new WatertightConfig(withCheckout, Map.of(), Map.of(), Map.of(), changed.keyed(), HealthConfig.DEFAULTS)));

            assertThat(refused.problems()).extracting(ConfigProblem::path).containsExactly(
                    "compartments.reports.threadPool.virtualThreads",
                    "compartments.search.bulkhead.writableStackTrace",
                    "compartments.payments.retry.retryRejections",
                    "compartments.payments.circuitBreaker.writableStackTrace",
                    "keyed.tenants.template.threadPool.virtualThreads");
            assertThat(refused.problems().get(0).message())
                    .isEqualTo("virtualThreads of a running threadPool cannot change (false -> true); a restart is needed");
            assertThat(registry.find("checkout")).as("nothing of a refused configuration is built").isEmpty();
            assertThat(registry.config()).isSameAs(running);
            assertThat(registry.apply(keptAsBuilt(false, 2)))
                    .as("the next reload is compared with the configuration still in force")
                    .containsExactly("compartments.reports.threadPool: threads 1 -> 2");
        }
    }

    @Test
    void holdsGroupsOfPerKeyCompartmentsByName() throws Exception {
        CompartmentRegistry registry = CompartmentRegistry.create();
        KeyedCompartments<String> tenants = registry.register(KeyedCompartments.builder("tenants",
                (String tenant) -> Compartment.builder("tenant-" + tenant).threadPool(ThreadPoolBulkhead.of("tenant-" + tenant, 1, 1)).build())
                .maxKeys(100).build());

        assertThat(registry.<String>keyed("tenants").call("acme", () -> "served")).isEqualTo("served");
        assertThat(registry.keyedGroups()).containsExactly(tenants);
        assertThatThrownBy(() -> registry.register(KeyedCompartments.builder("tenants", (String tenant) -> Compartment.builder(tenant).build()).build()))
                .hasMessage("a group of per-key compartments named 'tenants' is already registered");
        assertThatThrownBy(() -> registry.keyed("users")).hasMessage("no group of per-key compartments named 'users'; there are [tenants]");
        ThreadPoolBulkhead acme = tenants.compartment("acme").orElseThrow().threadPool().orElseThrow();

        registry.close();

        assertThat(acme.isClosed()).as("closing the registry closes the groups' compartments").isTrue();
    }

    @Test
    void closingClosesEveryThreadPoolAndRefusesChanges() {
        CompartmentRegistry registry = CompartmentRegistry.create(config(pooled("reports", 1, 2)));
        ThreadPoolBulkhead pool = registry.compartment("reports").threadPool().orElseThrow();

        registry.close();
        registry.close();

        assertThat(pool.isClosed()).isTrue();
        assertThatThrownBy(() -> registry.apply(WatertightConfig.EMPTY))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the compartment registry is closed");
    }

    @Test
    void aConfigurationChecksThatItsNamesAndReferencesFitTogether() {
        assertThatThrownBy(() -> new WatertightConfig(Map.of("a", bulkheaded("b", 1)), Map.of(), Map.of(), Map.of()))
                .hasMessage("compartments key 'a' holds the settings of 'b'");
        assertThatThrownBy(() -> new WatertightConfig(Map.of(), Map.of("c", new MemoryBudgetConfig("c", 10, "parent")), Map.of(), Map.of()))
                .hasMessage("memory budget 'c' names parent 'parent', which is not a memory budget");
        assertThatThrownBy(() -> new CompartmentConfig("x", null, null, null, Bulkhead.builder("x").config(),
                ThreadPoolBulkhead.builder("x").config(), null, null))
                .hasMessage("compartment 'x' has both a bulkhead and a thread pool; it may have one of them");
        assertThatThrownBy(() -> new ConfigurationException(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThat(new ConnectionCompartmentConfig("read", "db", 0, 1, Duration.ofSeconds(1)).ceiling()).isEqualTo(1);
    }

    @Test
    void aConnectionCompartmentsAcquireTimeoutIsFromZeroToAnHour() {
        assertThat(new ConnectionCompartmentConfig("read", "db", 0, 1, Duration.ZERO).acquireTimeout()).isZero();
        assertThat(new ConnectionCompartmentConfig("read", "db", 0, 1, Duration.ofHours(1)).acquireTimeout())
                .isEqualTo(ConnectionCompartmentConfig.MAX_ACQUIRE_TIMEOUT);
        assertThatThrownBy(() -> new ConnectionCompartmentConfig("read", "db", 0, 1, Duration.ofHours(2)))
                .hasMessage("acquireTimeout must be between PT0S and PT1H, was PT2H");
        assertThatThrownBy(() -> new ConnectionCompartmentConfig("read", "db", 0, 1, Duration.ofMillis(-1)))
                .hasMessage("acquireTimeout must be between PT0S and PT1H, was PT-0.001S");
        assertThatThrownBy(() -> new ConnectionCompartmentConfig("read", "db", 0, 1, null))
                .hasMessage("acquireTimeout must be between PT0S and PT1H, was null");
    }
}
