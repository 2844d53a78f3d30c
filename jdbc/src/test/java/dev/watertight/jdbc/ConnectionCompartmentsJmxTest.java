package dev.watertight.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.watertight.WatertightJmx;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** Connection compartments over H2, seen through the platform MBean server as a JMX client would. */
class ConnectionCompartmentsJmxTest {
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    @Test
    void eachCompartmentsQuotaCountsAndWaitsAreReadThroughJmxUntilClosed() throws Exception {
        try (HikariDataSource h2 = Databases.h2Pool(3);
                ConnectionCompartments db = ConnectionCompartments.builder()
                        .pool("jmx-db", h2, 3)
                        .compartment("jmx-read", "jmx-db", c -> c.reserved(1).ceiling(2).acquireTimeout(Duration.ZERO))
                        .compartment("jmx-write", "jmx-db", c -> c.reserved(1).ceiling(1).acquireTimeout(Duration.ofSeconds(30)))
                        .build()) {
            ObjectName read = new ObjectName("dev.watertight:type=ConnectionCompartment,name=\"jmx-read\"");
            ObjectName write = new ObjectName("dev.watertight:type=ConnectionCompartment,name=\"jmx-write\"");
            try (ConnectionCompartmentsJmx.Registration jmx = ConnectionCompartmentsJmx.register(db);
                    Connection first = db.compartment("jmx-read").getConnection();
                    Connection second = db.compartment("jmx-read").getConnection()) {
                assertThat(jmx.names()).containsExactly(read, write);
                assertThatThrownBy(() -> db.compartment("jmx-read").getConnection())
                        .isInstanceOf(ConnectionCompartmentExhaustedException.class);

                assertThat(server.getAttribute(read, "Pool")).isEqualTo("jmx-db");
                assertThat(server.getAttribute(read, "Limit")).isEqualTo(2);
                assertThat(server.getAttribute(read, "Reserved")).isEqualTo(1);
                assertThat(server.getAttribute(read, "InUse")).isEqualTo(2);
                assertThat(server.getAttribute(read, "Waiting")).isEqualTo(0);
                assertThat(server.getAttribute(read, "Acquired")).isEqualTo(2L);
                assertThat(server.getAttribute(read, "AcquireTimeouts")).isEqualTo(1L);
                assertThat(server.getAttribute(read, "ConnectionErrors")).isEqualTo(0L);
                assertThat(server.getAttribute(read, "Leaks")).isEqualTo(0L);
                assertThat(server.getAttribute(read, "AcquireWaitCount")).as("a refusal without waiting is no wait").isEqualTo(2L);
                assertThat(server.getAttribute(read, "AcquireWaitMaxMillis")).isEqualTo(0.0);
                assertThat(server.getAttribute(read, "AcquireWaitTotalMillis")).isEqualTo(0.0);

                Connection held = db.compartment("jmx-write").getConnection();
                CompletableFuture<Connection> waiter = CompletableFuture.supplyAsync(() -> {
                    try {
                        return db.compartment("jmx-write").getConnection();
                    } catch (SQLException e) {
                        throw new AssertionError(e);
                    }
                });
                await().atMost(Duration.ofSeconds(10)).until(() -> server.getAttribute(write, "Waiting").equals(1));
                held.close();
                waiter.get(10, TimeUnit.SECONDS).close();

                assertThat(server.getAttribute(write, "Acquired")).isEqualTo(2L);
                assertThat(server.getAttribute(write, "AcquireWaitCount")).isEqualTo(2L);
                assertThat((double) server.getAttribute(write, "AcquireWaitMaxMillis")).isPositive();
                assertThat((double) server.getAttribute(write, "AcquireWaitTotalMillis")).isPositive();
                assertThat(server.getAttribute(write, "InUse")).isEqualTo(0);
            }
            assertThat(server.isRegistered(read)).isFalse();
            assertThat(server.isRegistered(write)).isFalse();
        }
    }

    @Test
    void aNameTakenAlreadyLeavesNoneOfTheCompartmentsRegistered() throws Exception {
        try (HikariDataSource h2 = Databases.h2Pool(2);
                ConnectionCompartments db = ConnectionCompartments.builder()
                        .pool("jmx-taken-db", h2, 2)
                        .compartment("jmx-orders", "jmx-taken-db", c -> c.ceiling(1))
                        .compartment("jmx-taken", "jmx-taken-db", c -> c.ceiling(1))
                        .build();
                WatertightJmx.Registration taken = ConnectionCompartmentsJmx.register(db.compartment("jmx-taken"))) {
            assertThatThrownBy(() -> ConnectionCompartmentsJmx.register(db))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("a ConnectionCompartment named 'jmx-taken' is registered in JMX already; close its registration first");

            assertThat(server.queryNames(new ObjectName("dev.watertight:type=ConnectionCompartment,*"), null))
                    .containsExactly(taken.name());
        }
    }
}
