package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.watertight.testing.ManualTimeSource;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** Guards seen and driven through the platform MBean server, as a JMX client would. */
class WatertightJmxTest {
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    @Test
    void aBulkheadsStatsAreReadAndItIsResizedThroughJmx() throws Exception {
        Bulkhead payments = Bulkhead.of("payments-jmx", 10);
        try (WatertightJmx.Registration jmx = WatertightJmx.register(payments);
                Bulkhead.Permit held = payments.acquire()) {
            ObjectName name = new ObjectName("dev.watertight:type=Bulkhead,name=\"payments-jmx\"");
            assertThat(jmx.name()).isEqualTo(name);

            assertThat(server.getAttribute(name, "InUse")).isEqualTo(1);
            assertThat(server.getAttribute(name, "MaxConcurrent")).isEqualTo(10);
            server.invoke(name, "resize", new Object[] {4}, new String[] {"int"});

            assertThat(payments.maxConcurrent()).isEqualTo(4);
            assertThatThrownBy(() -> WatertightJmx.register(payments))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("a Bulkhead named 'payments-jmx' is registered in JMX already; close its registration first");
        }
        assertThat(server.queryNames(new ObjectName("dev.watertight:type=Bulkhead,*"), null)).isEmpty();
    }

    @Test
    void aBreakerIsForcedOpenAndResetThroughJmx() throws Exception {
        CircuitBreaker breaker = CircuitBreaker.builder("payment-jmx").build();
        try (WatertightJmx.Registration jmx = WatertightJmx.register(breaker)) {
            server.invoke(jmx.name(), "forceOpen", new Object[0], new String[0]);
            assertThat(server.getAttribute(jmx.name(), "State")).isEqualTo("FORCED_OPEN");
            assertThatThrownBy(() -> breaker.call(() -> 1)).isInstanceOf(CircuitBreakerOpenException.class);

            server.invoke(jmx.name(), "reset", new Object[0], new String[0]);
            assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(server.getAttribute(jmx.name(), "NotPermitted")).isEqualTo(1L);
        }
    }

    @Test
    void aThreadPoolsStatsAreReadThroughJmx() throws Exception {
        ThreadPoolBulkhead pool = ThreadPoolBulkhead.of("reporting-jmx", 2, 5);
        try (WatertightJmx.Registration jmx = WatertightJmx.register(pool)) {
            pool.submit(() -> "report").get();
            assertThat(server.getAttribute(jmx.name(), "Threads")).isEqualTo(2);
            assertThat(server.getAttribute(jmx.name(), "QueueCapacity")).isEqualTo(5);
            assertThat(server.getAttribute(jmx.name(), "Succeeded")).isEqualTo(1L);
        } finally {
            pool.close();
        }
    }

    @Test
    void aRegistrysCompartmentsAppearInJmxIncludingOnesAddedLaterUntilClosed() throws Exception {
        CompartmentConfig search = new CompartmentConfig("jmx-search", null, CircuitBreaker.builder("jmx-search").config(),
                null, Bulkhead.builder("jmx-search").maxConcurrent(3).config(), null, null, null);
        CompartmentRegistry registry = CompartmentRegistry.create(new WatertightConfig(
                java.util.Map.of("jmx-search", search), java.util.Map.of(), java.util.Map.of(), java.util.Map.of()));
        WatertightJmx.RegistryRegistration jmx = WatertightJmx.register(registry);
        registry.register(Compartment.builder("jmx-reports").threadPool(ThreadPoolBulkhead.of("jmx-reports", 1, 1)).build());

        ObjectName bulkhead = new ObjectName("dev.watertight:type=Bulkhead,name=\"jmx-search\"");
        ObjectName breaker = new ObjectName("dev.watertight:type=CircuitBreaker,name=\"jmx-search\"");
        ObjectName pool = new ObjectName("dev.watertight:type=ThreadPoolBulkhead,name=\"jmx-reports\"");
        assertThat(jmx.names()).containsExactly(bulkhead, breaker, pool);
        assertThat(server.getAttribute(bulkhead, "MaxConcurrent")).isEqualTo(3);
        server.invoke(breaker, "forceOpen", new Object[0], new String[0]);
        assertThat(registry.compartment("jmx-search").circuitBreaker().orElseThrow().state())
                .isEqualTo(CircuitBreaker.State.FORCED_OPEN);

        jmx.close();
        registry.register(Compartment.builder("jmx-late").bulkhead(Bulkhead.of("jmx-late", 1)).build());

        assertThat(server.isRegistered(bulkhead)).isFalse();
        assertThat(server.isRegistered(pool)).isFalse();
        assertThat(server.isRegistered(new ObjectName("dev.watertight:type=Bulkhead,name=\"jmx-late\""))).isFalse();
        registry.close();
    }

    @Test
    void aThreadPoolIsResizedThroughJmx() throws Exception {
        ThreadPoolBulkhead pool = ThreadPoolBulkhead.of("resized-jmx", 2, 5);
        try (WatertightJmx.Registration jmx = WatertightJmx.register(pool)) {
            server.invoke(jmx.name(), "resize", new Object[] {4, 1}, new String[] {"int", "int"});

            assertThat(server.getAttribute(jmx.name(), "Threads")).isEqualTo(4);
            assertThat(server.getAttribute(jmx.name(), "QueueCapacity")).isEqualTo(1);
            assertThat(pool.config().threads()).isEqualTo(4);
            assertThatThrownBy(() -> server.invoke(jmx.name(), "resize", new Object[] {0, 1}, new String[] {"int", "int"}))
                    .hasRootCauseMessage("threads must be between 1 and 100000, was 0");
        } finally {
            pool.close();
        }
    }

    @Test
    void aRateLimitersRateAndAMemoryBudgetAreReadAndChangedThroughJmx() throws Exception {
        RateLimiter limiter = RateLimiter.of("jmx-rate", 10, java.time.Duration.ofSeconds(1));
        MemoryBulkhead cache = MemoryBulkhead.builder("jmx-cache").budget(1000).build();
        try (WatertightJmx.Registration rate = WatertightJmx.register(limiter);
                WatertightJmx.Registration memory = WatertightJmx.register(cache)) {
            assertThat(limiter.tryAcquire()).isTrue();
            assertThat(cache.tryReserve(400)).isTrue();

            assertThat(server.getAttribute(rate.name(), "PermitsPerPeriod")).isEqualTo(10);
            assertThat(server.getAttribute(rate.name(), "Granted")).isEqualTo(1L);
            server.invoke(rate.name(), "changeRate", new Object[] {20, 2000L}, new String[] {"int", "long"});
            assertThat(limiter.stats().permitsPerPeriod()).isEqualTo(20);
            assertThat(limiter.stats().period()).isEqualTo(java.time.Duration.ofSeconds(2));

            assertThat(server.getAttribute(memory.name(), "Reserved")).isEqualTo(400L);
            server.invoke(memory.name(), "resize", new Object[] {2000L}, new String[] {"long"});
            assertThat(cache.budget()).isEqualTo(2000);
            assertThat(server.getAttribute(memory.name(), "Parent")).isEqualTo("");
        }
    }

    @Test
    void aKeyedGroupsCountsAreReadAndItsIdleCompartmentsEvictedThroughJmx() throws Exception {
        ManualTimeSource time = new ManualTimeSource();
        KeyedCompartments<String> tenants = KeyedCompartments.builder("tenants-jmx",
                        (String tenant) -> Compartment.builder("tenant-" + tenant).bulkhead(Bulkhead.of("tenant-" + tenant, 1)).build())
                .maxKeys(1).idleAfter(Duration.ofMinutes(1)).timeSource(time).build();
        try (tenants; WatertightJmx.Registration jmx = WatertightJmx.register(tenants)) {
            ObjectName name = new ObjectName("dev.watertight:type=KeyedCompartments,name=\"tenants-jmx\"");
            assertThat(jmx.name()).isEqualTo(name);
            CompletableFuture<String> pending = new CompletableFuture<>();
            CompletableFuture<String> acme = tenants.callAsync("acme", () -> pending);
            assertThatThrownBy(() -> tenants.call("globex", () -> 1)).isInstanceOf(KeyedCompartmentsFullException.class);
            pending.complete("done");
            assertThat(acme.join()).isEqualTo("done");
            assertThat(tenants.call("globex", () -> 2)).isEqualTo(2); // evicts acme, idle now

            assertThat(server.getAttribute(name, "Keys")).isEqualTo(1);
            assertThat(server.getAttribute(name, "MaxKeys")).isEqualTo(1);
            assertThat(server.getAttribute(name, "Created")).isEqualTo(2L);
            assertThat(server.getAttribute(name, "Evicted")).isEqualTo(1L);
            assertThat(server.getAttribute(name, "Rejected")).isEqualTo(1L);

            assertThat(server.invoke(name, "evictIdle", new Object[0], new String[0])).isEqualTo(0);
            time.advance(61, TimeUnit.SECONDS);
            assertThat(server.invoke(name, "evictIdle", new Object[0], new String[0])).isEqualTo(1);
            assertThat(tenants.compartment("globex")).isEmpty();
            assertThat(server.getAttribute(name, "Keys")).isEqualTo(0);
            assertThat(server.getAttribute(name, "Evicted")).isEqualTo(2L);
        }
        assertThat(server.queryNames(new ObjectName("dev.watertight:type=KeyedCompartments,*"), null)).isEmpty();
    }

    @Test
    void aRegistrysKeyedGroupsAppearInJmxIncludingOnesRegisteredLaterUntilClosed() throws Exception {
        CompartmentRegistry registry = CompartmentRegistry.create();
        registry.register(KeyedCompartments.builder("jmx-tenants",
                (String tenant) -> Compartment.builder(tenant).bulkhead(Bulkhead.of(tenant, 1)).build()).maxKeys(7).build());
        WatertightJmx.RegistryRegistration jmx = WatertightJmx.register(registry);
        registry.register(KeyedCompartments.builder("jmx-partners",
                (String partner) -> Compartment.builder(partner).bulkhead(Bulkhead.of(partner, 1)).build()).build());

        ObjectName tenants = new ObjectName("dev.watertight:type=KeyedCompartments,name=\"jmx-tenants\"");
        ObjectName partners = new ObjectName("dev.watertight:type=KeyedCompartments,name=\"jmx-partners\"");
        assertThat(jmx.names()).containsExactly(tenants, partners);
        assertThat(server.getAttribute(tenants, "MaxKeys")).isEqualTo(7);
        registry.keyed("jmx-partners").call("initech", () -> 1);
        assertThat(server.getAttribute(partners, "Created")).isEqualTo(1L);

        jmx.close();
        registry.register(KeyedCompartments.builder("jmx-late-group",
                (String key) -> Compartment.builder(key).bulkhead(Bulkhead.of(key, 1)).build()).build());

        assertThat(server.isRegistered(tenants)).isFalse();
        assertThat(server.isRegistered(partners)).isFalse();
        assertThat(server.isRegistered(new ObjectName("dev.watertight:type=KeyedCompartments,name=\"jmx-late-group\""))).isFalse();
        registry.close();
    }

    @Test
    void aRegistryThatCannotBeRegisteredWholeLeavesNothingRegistered() throws Exception {
        CompartmentRegistry registry = CompartmentRegistry.create();
        registry.register(Compartment.builder("jmx-first").bulkhead(Bulkhead.of("jmx-first", 1)).build());
        registry.register(Compartment.builder("jmx-taken").bulkhead(Bulkhead.of("jmx-taken", 1)).build());
        try (WatertightJmx.Registration taken = WatertightJmx.register(Bulkhead.of("jmx-taken", 2))) {
            assertThatThrownBy(() -> WatertightJmx.register(registry))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("a Bulkhead named 'jmx-taken' is registered in JMX already; close its registration first");

            registry.register(Compartment.builder("jmx-after").bulkhead(Bulkhead.of("jmx-after", 1)).build());
            assertThat(server.queryNames(new ObjectName("dev.watertight:type=Bulkhead,*"), null))
                    .containsExactly(taken.name());
        }
        registry.close();
    }

    @Test
    void integrationModulesRegisterTheirMXBeansUnderTheSameNaming() throws Exception {
        ProbeMXBean custom = () -> 5;
        try (WatertightJmx.Registration jmx = WatertightJmx.register("CustomGuard", "a \"quoted\", name", custom)) {
            assertThat(jmx.name().getKeyProperty("type")).isEqualTo("CustomGuard");
            assertThat(ObjectName.unquote(jmx.name().getKeyProperty("name"))).isEqualTo("a \"quoted\", name");
            assertThat(server.getAttribute(jmx.name(), "Value")).isEqualTo(5);
        }
        assertThatThrownBy(() -> WatertightJmx.register("Custom,Guard", "x", custom))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("type must be a letter followed by letters and digits, was 'Custom,Guard'");
        assertThatThrownBy(() -> WatertightJmx.register("CustomGuard", "x", "not an MXBean"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mxBean must implement an interface whose name ends in MXBean, was a java.lang.String");
    }

    /** What an integration module's MXBean looks like to the server. */
    public interface ProbeMXBean {
        /** A value. */
        int getValue();
    }
}
