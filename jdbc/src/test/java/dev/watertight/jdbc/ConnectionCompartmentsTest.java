package dev.watertight.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.watertight.BulkheadFullException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.h2.jdbc.JdbcConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Connection compartments over an embedded H2 database behind HikariCP. */
class ConnectionCompartmentsTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : toClose.reversed()) {
            closeable.close();
        }
    }

    private <T extends AutoCloseable> T track(T closeable) {
        toClose.add(closeable);
        return closeable;
    }

    /** The example: a pool of 15, read up to 10, write reserving 3 of up to 5, analytics up to 2. */
    private ConnectionCompartments seedCompartments(Duration acquireTimeout) {
        HikariDataSource pool = track(Databases.h2Pool(15));
        return track(ConnectionCompartments.builder()
                .pool("app-db", pool, 15)
                .compartment("read", "app-db", c -> c.ceiling(10))
                .compartment("write", "app-db", c -> c.reserved(3).ceiling(5))
                .compartment("analytics", "app-db", c -> c.ceiling(2))
                .acquireTimeout(acquireTimeout)
                .build());
    }

    private List<Connection> takeAll(ConnectionCompartment compartment) {
        List<Connection> taken = new ArrayList<>();
        while (true) {
            try {
                taken.add(track(compartment.getConnection()));
            } catch (ConnectionCompartmentExhaustedException full) {
                return taken;
            } catch (SQLException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void theConnectionsSectionOfAConfigurationBuildsTheSameCompartments() throws Exception {
        dev.watertight.WatertightConfig config = new dev.watertight.WatertightConfig(java.util.Map.of(), java.util.Map.of(),
                java.util.Map.of("app-db", new dev.watertight.ConnectionPoolConfig("app-db", 13),
                        "analytics-db", new dev.watertight.ConnectionPoolConfig("analytics-db", 2)),
                java.util.Map.of("write", new dev.watertight.ConnectionCompartmentConfig("write", "app-db", 3, 3, Duration.ofMillis(50)),
                        "analytics", new dev.watertight.ConnectionCompartmentConfig("analytics", "analytics-db", 0, 2, Duration.ofMillis(50))));
        ConnectionCompartments compartments = track(ConnectionCompartments.builder()
                .configure(config, java.util.Map.of("app-db", track(Databases.h2Pool(13)), "analytics-db", track(Databases.h2Pool(2))))
                .build());

        assertThat(takeAll(compartments.compartment("write"))).hasSize(3);
        assertThat(takeAll(compartments.compartment("analytics"))).hasSize(2);
        assertThat(compartments.compartment("write").stats().reserved()).isEqualTo(3);
        assertThatThrownBy(() -> ConnectionCompartments.builder().configure(config, java.util.Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("of the configuration has no DataSource; the DataSources given are for []");
    }

    @Test
    void eachCompartmentStopsAtItsCeilingAndNoFloodTakesAReservation() {
        ConnectionCompartments db = seedCompartments(Duration.ZERO);

        assertThat(takeAll(db.compartment("read"))).hasSize(10);
        assertThat(takeAll(db.compartment("analytics"))).hasSize(2);
        // 12 of 15 in use: the 3 left are write's reservation, which no one else could take.
        assertThat(takeAll(db.compartment("write"))).hasSize(3);
        assertThat(db.capacity("app-db").inUse()).isEqualTo(15);
        assertThat(db.stats()).extracting(ConnectionCompartmentStats::inUse).containsExactly(10, 3, 2);
    }

    @Test
    void aRefusalSaysWhichCompartmentHowFullAndHowLongItWaited() throws Exception {
        ConnectionCompartments db = seedCompartments(Duration.ofMillis(50));
        takeAllWithin(db.compartment("analytics"), 2);

        assertThatThrownBy(() -> db.compartment("analytics").getConnection())
                .isInstanceOf(ConnectionCompartmentExhaustedException.class)
                .isInstanceOf(SQLTransientConnectionException.class)
                .hasMessageStartingWith("connection compartment 'analytics' is exhausted: all 2 connections of its limit are in use; waited ")
                .hasMessageContaining("(acquireTimeout 50 ms)")
                .hasCauseInstanceOf(BulkheadFullException.class)
                .satisfies(thrown -> {
                    ConnectionCompartmentExhaustedException refusal = (ConnectionCompartmentExhaustedException) thrown;
                    assertThat(refusal.compartment()).isEqualTo("analytics");
                    assertThat(refusal.pool()).isEqualTo("app-db");
                    assertThat(refusal.limit()).isEqualTo(2);
                    assertThat(refusal.inUse()).isEqualTo(2);
                    assertThat(refusal.waited()).isGreaterThanOrEqualTo(Duration.ofMillis(50));
                    assertThat(((BulkheadFullException) refusal.getCause()).compartment()).isEqualTo("analytics");
                });
        ConnectionCompartmentStats stats = db.compartment("analytics").stats();
        assertThat(stats.acquireTimeouts()).isEqualTo(1);
        assertThat(stats.acquireWaitMax()).isGreaterThanOrEqualTo(Duration.ofMillis(50));
    }

    @Test
    void aBorrowerRefusedBecauseOthersHoldTheRestIsToldSo() {
        ConnectionCompartments db = seedCompartments(Duration.ZERO);
        takeAll(db.compartment("read"));
        takeAll(db.compartment("analytics"));
        takeAll(db.compartment("write"));

        assertThatThrownBy(() -> db.compartment("write").getConnection())
                .hasMessage("connection compartment 'write' is exhausted: 3 of its limit 5 are in use and pool 'app-db' "
                        + "had no connection free for it (in use or reserved by other compartments); "
                        + "refused without waiting (acquireTimeout 0)");
    }

    @Test
    void aWaitingCallerGetsTheConnectionThatIsClosed() throws Exception {
        ConnectionCompartments db = seedCompartments(Duration.ofSeconds(30));
        ConnectionCompartment analytics = db.compartment("analytics");
        List<Connection> held = takeAllWithin(analytics, 2);

        CompletableFuture<Connection> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return track(analytics.getConnection());
            } catch (SQLException e) {
                throw new AssertionError(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> analytics.stats().waiting() == 1);
        held.get(0).close();

        assertThat(waiter.get(10, TimeUnit.SECONDS).isValid(1)).isTrue();
        ConnectionCompartmentStats stats = analytics.stats();
        assertThat(stats.inUse()).isEqualTo(2);
        assertThat(stats.acquired()).isEqualTo(3);
        assertThat(stats.acquireWaitMax()).isPositive();
        assertThat(stats.acquireWaitP50()).as("two of three found a connection at once").isZero();
    }

    private List<Connection> takeAllWithin(ConnectionCompartment compartment, int count) throws SQLException {
        List<Connection> taken = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            taken.add(track(compartment.getConnection()));
        }
        return taken;
    }

    @Test
    void closingTwiceOrFromAnotherThreadGivesTheQuotaBackOnce() throws Exception {
        ConnectionCompartments db = seedCompartments(Duration.ZERO);
        ConnectionCompartment write = db.compartment("write");
        Connection first = write.getConnection();
        Connection second = write.getConnection();

        first.close();
        first.close();
        CompletableFuture.runAsync(() -> {
            try {
                second.close();
            } catch (SQLException e) {
                throw new AssertionError(e);
            }
        }).get(10, TimeUnit.SECONDS);
        second.close();

        assertThat(write.stats().inUse()).isZero();
        assertThat(db.capacity("app-db").borrowed()).isZero();
        assertThat(first.isClosed()).isTrue();
        assertThatThrownBy(first::createStatement)
                .isInstanceOf(SQLException.class)
                .hasMessage("this connection of compartment 'write' is closed")
                .extracting(thrown -> ((SQLException) thrown).getSQLState()).isEqualTo("08003");
        assertThat(takeAll(write)).as("all of its quota is there again").hasSize(5);
    }

    @Test
    void closingAfterThePhysicalConnectionDiedGivesTheQuotaBack() throws Exception {
        ConnectionCompartments db = seedCompartments(Duration.ZERO);
        ConnectionCompartment read = db.compartment("read");
        Connection connection = read.getConnection();

        connection.unwrap(JdbcConnection.class).close(); // the driver's connection dies under the pool

        connection.close();
        assertThat(read.stats().inUse()).isZero();
        assertThat(read.stats().connectionErrors()).as("a connection that cannot be closed is broken").isEqualTo(1);
        try (Connection next = read.getConnection(); Statement statement = next.createStatement();
                ResultSet one = statement.executeQuery("select 1")) {
            assertThat(one.next()).isTrue();
        }
    }

    @Test
    void applicationErrorsPassThroughUntouchedAndAreNotConnectionErrors() throws Exception {
        ConnectionCompartments db = seedCompartments(Duration.ZERO);
        ConnectionCompartment read = db.compartment("read");

        try (Connection connection = read.getConnection(); Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.executeQuery("select * from no_such_table"))
                    .isInstanceOf(org.h2.jdbc.JdbcSQLSyntaxErrorException.class)
                    .extracting(thrown -> ((SQLException) thrown).getSQLState()).asString().startsWith("42");
            assertThatThrownBy(() -> connection.prepareStatement("selectt 1"))
                    .isInstanceOf(org.h2.jdbc.JdbcSQLSyntaxErrorException.class);
        }

        assertThat(read.stats().connectionErrors()).isZero();
        assertThat(read.stats().inUse()).isZero();
    }

    @Test
    void aStatementLeadsBackToTheCompartmentsConnection() throws Exception {
        ConnectionCompartments db = seedCompartments(Duration.ZERO);
        ConnectionCompartment read = db.compartment("read");
        Connection connection = read.getConnection();
        Statement statement = connection.createStatement();

        assertThat(statement.getConnection()).isSameAs(connection);
        assertThat(statement.unwrap(Statement.class)).isSameAs(statement);
        assertThat(connection.unwrap(JdbcConnection.class)).isNotNull();
        statement.getConnection().close();

        assertThat(read.stats().inUse()).isZero();
    }

    @Test
    void aLeakIsReportedOnceWithTheStackThatBorrowedIt() throws Exception {
        HikariDataSource pool = track(Databases.h2Pool(4));
        List<ConnectionLeak> leaks = new CopyOnWriteArrayList<>();
        ConnectionCompartments db = track(ConnectionCompartments.builder()
                .pool("app-db", pool, 4)
                .compartment("reports", "app-db", c -> c.ceiling(2).leakThreshold(Duration.ofMillis(50)))
                .leakListener(leaks::add)
                .build());
        ConnectionCompartment reports = db.compartment("reports");

        Connection leaked = reports.getConnection();
        await().atMost(Duration.ofSeconds(10)).until(() -> reports.stats().leaks() == 1);

        assertThat(leaks).singleElement().satisfies(leak -> {
            assertThat(leak.compartment()).isEqualTo("reports");
            assertThat(leak.thread()).isEqualTo(Thread.currentThread().getName());
            assertThat(leak.heldFor()).isGreaterThanOrEqualTo(Duration.ofMillis(50));
            assertThat(leak.reclaimed()).isFalse();
            assertThat(leak.borrowedAt().getStackTrace())
                    .anySatisfy(frame -> assertThat(frame.getMethodName()).isEqualTo("aLeakIsReportedOnceWithTheStackThatBorrowedIt"));
        });
        assertThat(leaked.isValid(1)).as("not reclaimed unless asked").isTrue();
        leaked.close();
        try (Connection quick = reports.getConnection()) {
            assertThat(quick.isValid(1)).isTrue();
        }
        assertThat(reports.stats().leaks()).isEqualTo(1);
        assertThat(reports.stats().inUse()).isZero();
    }

    @Test
    void aReclaimedLeakGivesItsQuotaBackAndItsHolderIsToldOnNextUse() throws Exception {
        HikariDataSource pool = track(Databases.h2Pool(4));
        List<ConnectionLeak> leaks = new CopyOnWriteArrayList<>();
        ConnectionCompartments db = track(ConnectionCompartments.builder()
                .pool("app-db", pool, 4)
                .compartment("reports", "app-db", c -> c.ceiling(1).leakThreshold(Duration.ofMillis(50)).reclaimLeaks(true))
                .leakListener(leaks::add)
                .build());
        ConnectionCompartment reports = db.compartment("reports");

        Connection leaked = reports.getConnection();
        await().atMost(Duration.ofSeconds(10)).until(() -> reports.stats().reclaimed() == 1);

        assertThat(leaks).singleElement().extracting(ConnectionLeak::reclaimed).isEqualTo(true);
        assertThat(reports.stats().inUse()).isZero();
        assertThat(leaked.isClosed()).isTrue();
        assertThatThrownBy(leaked::createStatement).hasMessageContaining("was reclaimed");
        leaked.close(); // a no-op: the quota went back once already
        try (Connection next = reports.getConnection(); Statement statement = next.createStatement()) {
            assertThat(statement.execute("select 1")).isTrue();
        }
        assertThat(reports.stats().inUse()).isZero();
    }

    @Test
    void aCompartmentMayHaveADataSourceOfItsOwn() throws Exception {
        HikariDataSource appDb = track(Databases.h2Pool(5));
        HikariDataSource analyticsDb = track(Databases.h2Pool(2));
        ConnectionCompartments db = track(ConnectionCompartments.builder()
                .pool("app-db", appDb, 5)
                .compartment("read", "app-db", c -> c.ceiling(5))
                .compartment("analytics", analyticsDb, c -> c.ceiling(2))
                .acquireTimeout(Duration.ZERO)
                .build());

        assertThat(takeAll(db.compartment("analytics"))).hasSize(2);
        assertThat(takeAll(db.compartment("read"))).as("the app's pool is untouched").hasSize(5);
        ConnectionCompartmentStats analytics = db.compartment("analytics").stats();
        assertThat(analytics.pool()).isEqualTo("analytics");
        assertThat(analytics.limit()).isEqualTo(2);
        assertThat(analytics.reserved()).isEqualTo(2);
        assertThat(analytics.acquired()).isEqualTo(2);
        assertThat(analytics.acquireTimeouts()).isEqualTo(1);
        assertThat(analyticsDb.getHikariPoolMXBean().getActiveConnections()).isEqualTo(2);
    }

    @Test
    void theCompartmentIsADataSourceThatUnwrapsToItsPool() throws Exception {
        ConnectionCompartments db = seedCompartments(Duration.ZERO);
        ConnectionCompartment read = db.compartment("read");

        assertThat(read.unwrap(ConnectionCompartment.class)).isSameAs(read);
        assertThat(read.unwrap(HikariDataSource.class)).isSameAs(read.dataSource());
        assertThat(read.isWrapperFor(HikariDataSource.class)).isTrue();
        assertThat(read.toString()).isEqualTo("ConnectionCompartment[read on app-db, 0/10 in use, reserved 0]");
    }

    @Test
    void usingAClosedConnectionFailsButIsNotAConnectionError() throws Exception {
        ConnectionCompartments db = seedCompartments(Duration.ZERO);
        ConnectionCompartment read = db.compartment("read");
        Connection connection = read.getConnection();
        connection.close();

        assertThatThrownBy(() -> connection.prepareStatement("select 1")).hasMessageContaining("is closed");
        assertThat(connection.isValid(1)).isFalse();
        assertThat(read.stats().connectionErrors()).as("the caller's mistake, not the connection's").isZero();
    }

    @Test
    void metadataAndResultSetsLeadBackToTheCompartmentsConnection() throws Exception {
        ConnectionCompartments db = seedCompartments(Duration.ZERO);
        ConnectionCompartment read = db.compartment("read");
        Connection connection = read.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("select 1");

        assertThat(connection.getMetaData().getConnection()).isSameAs(connection);
        assertThat(rows.getStatement()).isSameAs(statement);
        assertThat(rows.getStatement().getConnection()).isSameAs(connection);
        try (ResultSet tables = connection.getMetaData().getTables(null, null, "%", null)) {
            assertThat(tables.getStatement()).as("JDBC allows null for metadata results").isNull();
        }
        connection.unwrap(JdbcConnection.class).close(); // the physical connection dies
        assertThat(connection.isClosed()).as("the handle stays open until it is closed").isFalse();
        rows.getStatement().getConnection().close();

        assertThat(connection.isClosed()).isTrue();
        assertThat(read.stats().inUse()).isZero();
    }

    @Test
    void connectionsStillComeAndGoAfterTheCompartmentsStopLeakDetection() throws Exception {
        HikariDataSource pool = track(Databases.h2Pool(2));
        ConnectionCompartments db = ConnectionCompartments.builder()
                .pool("app-db", pool, 2)
                .compartment("reports", "app-db", c -> c.ceiling(2).leakThreshold(Duration.ofSeconds(30)))
                .build();
        ConnectionCompartment reports = db.compartment("reports");
        db.close();

        try (Connection connection = reports.getConnection()) {
            assertThat(connection.isValid(1)).isTrue();
        }
        assertThat(reports.stats().inUse()).isZero();
        assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isZero();
    }

    @Test
    void anAbortThatTheDriverFailsStillReturnsTheConnectionAndTheQuota() throws Exception {
        HikariDataSource pool = track(Databases.h2Pool(2));
        // A driver without abort (a JDBC 3 driver) cannot be had for real here: its connection is simulated.
        javax.sql.DataSource withoutAbort = new DelegatingDataSource(pool) {
            @Override
            public Connection getConnection() throws SQLException {
                Connection real = pool.getConnection();
                return (Connection) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                            if (method.getName().equals("abort")) {
                                throw new AbstractMethodError("abort");
                            }
                            try {
                                return method.invoke(real, args);
                            } catch (java.lang.reflect.InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
            }
        };
        ConnectionCompartments db = track(ConnectionCompartments.builder()
                .compartment("reports", withoutAbort, c -> c.ceiling(1))
                .build());
        ConnectionCompartment reports = db.compartment("reports");

        Connection connection = reports.getConnection();
        assertThatThrownBy(() -> connection.abort(Runnable::run)).isInstanceOf(SQLException.class);

        assertThat(reports.stats().inUse()).isZero();
        assertThat(pool.getHikariPoolMXBean().getActiveConnections()).as("the pool has it back").isZero();
    }
}
