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
}
