package dev.watertight.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Connection compartments against the machine's real PostgreSQL: connections killed on the
 * server, and a database that is not there. (The flood is in {@link PostgresFloodTest}.)
 */
class PostgresCompartmentsTest {

    @BeforeAll
    static void createTable() throws SQLException {
        try (Connection admin = Databases.postgresAdmin(); Statement statement = admin.createStatement()) {
            statement.execute("create table if not exists wt_writes (id bigserial primary key, note text not null)");
        }
    }

    @Test
    void aBackendKilledMidTransactionFailsItsCallerAndTheQuotaComesBack() throws Exception {
        try (HikariDataSource pool = Databases.postgresPool("killed", 3, Duration.ofSeconds(5));
                ConnectionCompartments db = ConnectionCompartments.builder()
                        .pool("app-db", pool, 3)
                        .compartment("write", "app-db", c -> c.reserved(1).ceiling(1))
                        .compartment("read", "app-db", c -> c.ceiling(2))
                        .acquireTimeout(Duration.ZERO)
                        .build()) {
            ConnectionCompartment write = db.compartment("write");

            try (Connection connection = write.getConnection()) {
                connection.setAutoCommit(false);
                insert(connection, "before the kill");
                int backend = backendPid(connection);
                try (Connection admin = Databases.postgresAdmin(); Statement kill = admin.createStatement()) {
                    kill.execute("select pg_terminate_backend(" + backend + ")");
                }
                SQLException failure = catchSql(() -> insert(connection, "after the kill"));
                assertThat((Throwable) failure).as("the driver's own exception, untouched")
                        .isNotInstanceOf(ConnectionCompartmentUnavailableException.class);
                assertThat(failure.getClass().getName()).isEqualTo("org.postgresql.util.PSQLException");
                assertThat(failure.getSQLState()).matches("57P01|08.*");
            }

            ConnectionCompartmentStats stats = write.stats();
            assertThat(stats.inUse()).isZero();
            assertThat(stats.connectionErrors()).isEqualTo(1);
            try (Connection next = write.getConnection()) {
                assertThat(backendPid(next)).as("the compartment serves the next caller").isPositive();
                insert(next, "after the kill, on a new connection");
            }
            assertThat(write.stats().connectionErrors()).isEqualTo(1);
            assertThat(db.compartment("read").stats().connectionErrors()).isZero();
        }
    }

    @Test
    void anApplicationErrorOnPostgresIsNotAConnectionError() throws Exception {
        try (HikariDataSource pool = Databases.postgresPool("app-errors", 2, Duration.ofSeconds(5));
                ConnectionCompartments db = ConnectionCompartments.builder()
                        .pool("app-db", pool, 2)
                        .compartment("write", "app-db", c -> c.ceiling(2))
                        .build()) {
            ConnectionCompartment write = db.compartment("write");
            try (Connection connection = write.getConnection(); Statement statement = connection.createStatement()) {
                SQLException failure = catchSql(() -> statement.execute("insert into wt_writes (note) values (null)"));
                assertThat(failure.getSQLState()).as("not_null_violation").isEqualTo("23502");
            }
            assertThat(write.stats().connectionErrors()).isZero();
        }
    }

    @Test
    void whenTheDatabaseIsDownCallersFailWithinTheTimeoutAndQuotasStayIntact() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort(); // free now, and nothing listens once it is closed
        }
        String downUrl = "jdbc:postgresql://127.0.0.1:" + closedPort + "/test?connectTimeout=1";
        try (HikariDataSource down = Databases.postgresPool("down-db", downUrl, 4, Duration.ofMillis(500));
                HikariDataSource up = Databases.postgresPool("up-db", 2, Duration.ofSeconds(5));
                ConnectionCompartments db = ConnectionCompartments.builder()
                        .pool("down-db", down, 4)
                        .compartment("write", "down-db", c -> c.reserved(2).ceiling(4))
                        .compartment("read", up, c -> c.ceiling(2))
                        .acquireTimeout(Duration.ofSeconds(3))
                        .build()) {
            ConnectionCompartment write = db.compartment("write");
            int callers = 8;
            ExecutorService threads = Executors.newFixedThreadPool(callers);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<CompletableFuture<Long>> calls = new ArrayList<>();
                for (int i = 0; i < callers; i++) {
                    calls.add(CompletableFuture.supplyAsync(() -> {
                        awaitQuietly(start);
                        long begun = System.nanoTime();
                        SQLException failure = catchSql(() -> write.getConnection().close());
                        assertThat((Throwable) failure).isInstanceOf(ConnectionCompartmentUnavailableException.class)
                                .hasMessageStartingWith("connection compartment 'write' could not get a connection from pool 'down-db': ");
                        assertThat(failure.getSQLState()).isEqualTo("08001");
                        return System.nanoTime() - begun;
                    }, threads));
                }
                start.countDown();
                for (CompletableFuture<Long> call : calls) {
                    // 4 quotas, so the last 4 wait for the first 4 to fail: two rounds of the pool's 500 ms.
                    assertThat(Duration.ofNanos(call.get(20, TimeUnit.SECONDS))).isLessThan(Duration.ofMillis(2500));
                }
            } finally {
                threads.shutdownNow();
            }

            ConnectionCompartmentStats stats = write.stats();
            assertThat(stats.inUse()).isZero();
            assertThat(stats.waiting()).isZero();
            assertThat(stats.connectionErrors()).isEqualTo(callers);
            assertThat(db.capacity("down-db").borrowed()).isZero();
            try (Connection other = db.compartment("read").getConnection()) {
                assertThat(backendPid(other)).as("a compartment on another database is unaffected").isPositive();
            }
        }
    }

    // ---- helpers ----

    private interface SqlAction {
        void run() throws SQLException;
    }

    private static SQLException catchSql(SqlAction action) {
        try {
            action.run();
        } catch (SQLException e) {
            return e;
        }
        throw new AssertionError("expected an SQLException");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static void insert(Connection connection, String note) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("insert into wt_writes (note) values (?)")) {
            insert.setString(1, note);
            insert.executeUpdate();
        }
    }

    static int backendPid(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet pid = statement.executeQuery("select pg_backend_pid()")) {
            pid.next();
            return pid.getInt(1);
        }
    }

    static void awaitFilled(HikariDataSource pool, int size) {
        await().atMost(Duration.ofSeconds(30)).until(() -> pool.getHikariPoolMXBean().getIdleConnections() >= size);
    }
}
