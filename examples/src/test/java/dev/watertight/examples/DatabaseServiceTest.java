package dev.watertight.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.watertight.jdbc.ConnectionCompartment;
import dev.watertight.jdbc.ConnectionCompartmentExhaustedException;
import dev.watertight.jdbc.ConnectionCompartmentStats;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The seed's DatabaseService on the embedded database and on the machine's PostgreSQL. */
class DatabaseServiceTest {
    private static final String POSTGRES_URL = System.getProperty("watertight.test.postgres", "jdbc:postgresql://127.0.0.1:5432/test");

    /** A way to start the service on one database. */
    interface Opener {
        DatabaseService open() throws SQLException;
    }

    static Stream<Opener> databases() {
        Duration acquireTimeout = Duration.ofMillis(200);
        return Stream.of(
                new Named("embedded H2", () -> DatabaseService.embedded(acquireTimeout)),
                new Named("PostgreSQL", () -> DatabaseService.on(POSTGRES_URL, POSTGRES_URL, "postgres", acquireTimeout)));
    }

    private record Named(String name, Opener opener) implements Opener {
        @Override
        public DatabaseService open() throws SQLException {
            return opener.open();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void writesReadsAndCountsUsersEachInItsOwnCompartment(Opener database) throws Exception {
        try (DatabaseService service = database.open()) {
            long before = service.generateAnalytics();
            long id = service.writeUser("ada", "ada@example.com");

            assertThat(service.readUser(id)).contains(new DatabaseService.User(id, "ada", "ada@example.com"));
            assertThat(service.readUser(-1)).isEmpty();
            assertThat(service.generateAnalytics()).isGreaterThanOrEqualTo(before);
            List<ConnectionCompartmentStats> stats = service.stats();
            assertThat(stats).extracting(ConnectionCompartmentStats::name).containsExactly("read", "write", "analytics");
            assertThat(stats).extracting(ConnectionCompartmentStats::limit).containsExactly(10, 5, 2);
            assertThat(stats).extracting(ConnectionCompartmentStats::reserved).containsExactly(0, 3, 2);
            assertThat(stats).extracting(ConnectionCompartmentStats::pool).containsExactly("app-db", "app-db", "analytics");
            assertThat(stats).allSatisfy(compartment -> {
                assertThat(compartment.inUse()).isZero();
                assertThat(compartment.connectionErrors()).isZero();
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void fullAnalyticsAndABurstOfReadsLeaveWritesTheirConnections(Opener database) throws Exception {
        try (DatabaseService service = database.open()) {
            ConnectionCompartment analytics = service.compartments().compartment("analytics");
            ConnectionCompartment read = service.compartments().compartment("read");
            try (Connection report1 = analytics.getConnection(); Connection report2 = analytics.getConnection();
                    Connection reads = read.getConnection()) {
                List<Connection> burst = new java.util.ArrayList<>();
                try {
                    for (int i = 1; i < 10; i++) {
                        burst.add(read.getConnection()); // reads take all 10 of theirs
                    }
                    assertThatThrownBy(service::generateAnalytics)
                            .isInstanceOf(ConnectionCompartmentExhaustedException.class)
                            .hasMessageStartingWith("connection compartment 'analytics' is exhausted: all 2 connections");
                    assertThatThrownBy(() -> service.readUser(1))
                            .isInstanceOf(ConnectionCompartmentExhaustedException.class)
                            .hasMessageStartingWith("connection compartment 'read' is exhausted: all 10 connections");

                    long id = service.writeUser("grace", "grace@example.com");
                    assertThat(id).as("writes still get a connection at once").isPositive();
                } finally {
                    for (Connection connection : burst) {
                        connection.close();
                    }
                }
            }
            assertThat(service.stats()).allSatisfy(compartment -> assertThat(compartment.inUse()).isZero());
            assertThat(service.compartments().compartment("write").stats().acquireTimeouts()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void anApplicationErrorPassesThroughAndIsNotAConnectionError(Opener database) throws Exception {
        try (DatabaseService service = database.open()) {
            assertThatThrownBy(() -> service.writeUser(null, "nobody@example.com"))
                    .isInstanceOf(SQLException.class)
                    .isNotInstanceOf(ConnectionCompartmentExhaustedException.class)
                    .extracting(thrown -> ((SQLException) thrown).getSQLState()).asString().startsWith("23");
            assertThat(service.compartments().compartment("write").stats().connectionErrors()).isZero();
        }
    }
}
