package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
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
}
