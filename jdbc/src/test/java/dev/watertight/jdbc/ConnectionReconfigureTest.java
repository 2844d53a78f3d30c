package dev.watertight.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.watertight.ConfigProblem;
import dev.watertight.ConfigurationException;
import dev.watertight.ConnectionCompartmentConfig;
import dev.watertight.ConnectionPoolConfig;
import dev.watertight.WatertightConfig;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A changed configuration reaches running connection compartments: ceilings and acquire timeouts
 * change in place (on H2 and on the machine's PostgreSQL), everything else is refused whole.
 */
class ConnectionReconfigureTest {
    /** Long enough that a caller still waiting when the test checks was woken by nothing else. */
    private static final Duration LONG_WAIT = Duration.ofMinutes(5);
    /** How long a test waits for something that should happen at once before it fails. */
    private static final Duration PATIENCE = Duration.ofSeconds(10);

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

    /** The README's file: app-db of 13, read up to {@code readCeiling}, write reserving 3 of 3. */
    static WatertightConfig connections(int capacity, int readCeiling, int writeReserved, Duration readTimeout) {
        Map<String, ConnectionCompartmentConfig> compartments = new LinkedHashMap<>();
        compartments.put("read", new ConnectionCompartmentConfig("read", "app-db", 0, readCeiling, readTimeout));
        compartments.put("write", new ConnectionCompartmentConfig("write", "app-db", writeReserved, 3, Duration.ofSeconds(5)));
        return new WatertightConfig(Map.of(), Map.of(), Map.of("app-db", new ConnectionPoolConfig("app-db", capacity)),
                compartments);
    }

    private ConnectionCompartments compartments(HikariDataSource pool, WatertightConfig config) {
        return track(ConnectionCompartments.builder().configure(config, Map.of("app-db", track(pool))).build());
    }

    private List<Connection> take(ConnectionCompartment compartment, int count) throws SQLException {
        List<Connection> taken = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            taken.add(track(compartment.getConnection()));
        }
        return taken;
    }

    /** A caller on a thread of its own, returned once it waits (the compartment's waiter count has grown). */
    private static CompletableFuture<Connection> waitingCaller(ConnectionCompartment compartment) {
        int waitingBefore = compartment.stats().waiting();
        CompletableFuture<Connection> caller = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                caller.complete(compartment.getConnection());
            } catch (Throwable failed) {
                caller.completeExceptionally(failed);
            }
        });
        await().atMost(PATIENCE).until(() -> compartment.stats().waiting() == waitingBefore + 1);
        return caller;
    }

    private static int selectOne(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("select 1")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    @Test
    void loweringACeilingTakesNoConnectionBackAndNewCallersWaitUntilBelowIt() throws Exception {
        loweringTakesNothingBack(() -> Databases.h2Pool(13));
    }

    @Test
    void loweringACeilingOnPostgresTakesNoConnectionBack() throws Exception {
        loweringTakesNothingBack(() -> Databases.postgresPool("reconfigure-lower", 13, Duration.ofSeconds(5)));
    }

    private void loweringTakesNothingBack(Supplier<HikariDataSource> pool) throws Exception {
        ConnectionCompartments db = compartments(pool.get(), connections(13, 6, 3, LONG_WAIT));
        ConnectionCompartment read = db.compartment("read");
        List<Connection> held = take(read, 5);

        List<String> changes = db.reconfigure(connections(13, 2, 3, LONG_WAIT));

        assertThat(changes).containsExactly("connections.compartments.read: ceiling 6 -> 2");
        assertThat(read.limit()).isEqualTo(2);
        assertThat(read.stats().inUse()).as("nothing is taken back").isEqualTo(5);
        for (Connection connection : held) {
            assertThat(selectOne(connection)).as("a holder's connection still works").isEqualTo(1);
        }
        CompletableFuture<Connection> caller = waitingCaller(read);
        for (int i = 0; i < 3; i++) {
            held.remove(0).close(); // 4, 3, 2 held: still not below the new ceiling
            assertThat(read.share().tryAcquire()).as("refused while %d are held", read.stats().inUse()).isFalse();
            assertThat(caller).isNotDone();
        }
        held.remove(0).close(); // 1 held: below the ceiling of 2

        Connection granted = track(caller.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        assertThat(selectOne(granted)).isEqualTo(1);
        assertThat(read.stats().inUse()).isEqualTo(2);
        assertThat(db.compartment("write").limit()).as("the others keep theirs").isEqualTo(3);
    }

    @Test
    void raisingACeilingLetsAWaitingCallerInAtOnce() throws Exception {
        raisingLetsWaitersIn(() -> Databases.h2Pool(13));
    }

    @Test
    void raisingACeilingOnPostgresLetsAWaitingCallerInAtOnce() throws Exception {
        raisingLetsWaitersIn(() -> Databases.postgresPool("reconfigure-raise", 13, Duration.ofSeconds(5)));
    }

    private void raisingLetsWaitersIn(Supplier<HikariDataSource> pool) throws Exception {
        ConnectionCompartments db = compartments(pool.get(), connections(13, 2, 3, LONG_WAIT));
        ConnectionCompartment read = db.compartment("read");
        take(read, 2);
        CompletableFuture<Connection> first = waitingCaller(read);
        CompletableFuture<Connection> second = waitingCaller(read);

        List<String> changes = db.reconfigure(connections(13, 4, 3, LONG_WAIT));

        assertThat(changes).containsExactly("connections.compartments.read: ceiling 2 -> 4");
        // Without the wake-up they would wait LONG_WAIT: nobody gives a connection back.
        assertThat(selectOne(track(first.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)))).isEqualTo(1);
        assertThat(selectOne(track(second.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)))).isEqualTo(1);
        assertThat(read.stats().inUse()).isEqualTo(4);
        assertThat(read.stats().waiting()).isZero();
    }

    @Test
    void aShorterAcquireTimeoutAppliesToTheNextCallerThatWaits() throws Exception {
        ConnectionCompartments db = compartments(Databases.h2Pool(13), connections(13, 1, 3, LONG_WAIT));
        ConnectionCompartment read = db.compartment("read");
        take(read, 1);

        List<String> changes = db.reconfigure(connections(13, 1, 3, Duration.ofMillis(20)));

        assertThat(changes).containsExactly("connections.compartments.read: acquireTimeout PT5M -> PT0.02S");
        assertThat(read.acquireTimeout()).isEqualTo(Duration.ofMillis(20));
        CompletableFuture<Connection> caller = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                caller.complete(read.getConnection());
            } catch (Throwable failed) {
                caller.completeExceptionally(failed);
            }
        });
        // Refused after 20 ms, not after the 5 minutes it was built with.
        await().atMost(PATIENCE).until(caller::isDone);
        assertThat(caller).isCompletedExceptionally();
        assertThat(read.stats().acquireTimeouts()).isEqualTo(1);
        assertThat(db.reconfigure(connections(13, 1, 3, Duration.ofMillis(20)))).as("nothing changed").isEmpty();
    }

    @Test
    void whatNeedsARestartIsRefusedWholeNamingEachKeyAndNothingChanges() {
        ConnectionCompartments db = compartments(Databases.h2Pool(14), connections(13, 6, 3, LONG_WAIT));
        Map<String, ConnectionCompartmentConfig> compartments = new LinkedHashMap<>();
        compartments.put("read", new ConnectionCompartmentConfig("read", "app-db", 0, 14, Duration.ofSeconds(1)));
        compartments.put("write", new ConnectionCompartmentConfig("write", "app-db", 2, 3, Duration.ofSeconds(5)));
        compartments.put("analytics", new ConnectionCompartmentConfig("analytics", "analytics-db", 0, 2, Duration.ofSeconds(5)));
        WatertightConfig next = new WatertightConfig(Map.of(), Map.of(),
                Map.of("app-db", new ConnectionPoolConfig("app-db", 13), "analytics-db", new ConnectionPoolConfig("analytics-db", 2)),
                compartments);

        ConfigurationException refused = catchThrowableOfType(ConfigurationException.class, () -> db.reconfigure(next));

        assertThat(refused.problems()).extracting(ConfigProblem::toString).containsExactly(
                "reload: connections.pools.analytics-db: adding a connection pool needs a restart (its DataSource is given in code)",
                "reload: connections.compartments.read.ceiling: ceiling must be between 1 (the reservation, at least 1) "
                        + "and 13 (the capacity of pool 'app-db')",
                "reload: connections.compartments.write.reserved: the reservation of a connection compartment changes only "
                        + "at a restart (3 -> 2); its ceiling and acquireTimeout may change",
                "reload: connections.compartments.analytics: adding a connection compartment needs a restart (its pool's "
                        + "DataSource is given in code)");
        assertThat(refused.problems()).extracting(ConfigProblem::value).containsExactly(null, "14", "2", null);
        assertThat(db.compartment("read").limit()).as("nothing changed").isEqualTo(6);
        assertThat(db.compartment("read").acquireTimeout()).isEqualTo(LONG_WAIT);
    }

    @Test
    void aPoolsCapacityARemovedCompartmentAndAMoveAreRefused() {
        ConnectionCompartments db = compartments(Databases.h2Pool(14), connections(13, 6, 3, LONG_WAIT));
        WatertightConfig moved = new WatertightConfig(Map.of(), Map.of(),
                Map.of("app-db", new ConnectionPoolConfig("app-db", 14), "other-db", new ConnectionPoolConfig("other-db", 5)),
                Map.of("read", new ConnectionCompartmentConfig("read", "other-db", 0, 6, LONG_WAIT)));

        assertThat(db.check(moved)).extracting(ConfigProblem::toString).containsExactly(
                "reload: connections.pools.app-db: the capacity of a connection pool changes only at a restart (13 -> 14)",
                "reload: connections.pools.other-db: adding a connection pool needs a restart (its DataSource is given in code)",
                "reload: connections.compartments.read.pool: a connection compartment cannot move to another pool "
                        + "('app-db' -> 'other-db'); a restart is needed",
                "reload: connections.compartments.write: removing a connection compartment needs a restart (code may hold it)");
        assertThat(db.check(connections(13, 13, 3, Duration.ofSeconds(1)))).as("a ceiling up to the capacity, a timeout").isEmpty();
    }

    @Test
    void aCompartmentWithADataSourceOfItsOwnIsLeftAloneByAFileThatDoesNotNameIt() {
        ConnectionCompartments db = track(ConnectionCompartments.builder()
                .configure(connections(13, 6, 3, LONG_WAIT), Map.of("app-db", track(Databases.h2Pool(13))))
                .compartment("reports", track(Databases.h2Pool(2)), c -> c.ceiling(2))
                .build());

        assertThat(db.check(connections(13, 4, 3, LONG_WAIT))).isEmpty();
        assertThat(db.reconfigure(connections(13, 4, 3, LONG_WAIT))).containsExactly("connections.compartments.read: ceiling 6 -> 4");
        assertThat(db.compartment("read").limit()).isEqualTo(4);
        assertThat(db.compartment("reports").limit()).as("its own, untouched").isEqualTo(2);
    }

    @Test
    void aFileThatNamesACompartmentWithADataSourceOfItsOwnIsRefused() {
        ConnectionCompartments db = track(ConnectionCompartments.builder()
                .compartment("reports", track(Databases.h2Pool(2)), c -> c.ceiling(2))
                .build());
        WatertightConfig naming = new WatertightConfig(Map.of(), Map.of(),
                Map.of("reports-db", new ConnectionPoolConfig("reports-db", 2)),
                Map.of("reports", new ConnectionCompartmentConfig("reports", "reports-db", 0, 1, LONG_WAIT)));

        assertThat(db.check(WatertightConfig.EMPTY)).as("a file that does not name it").isEmpty();
        ConfigurationException refused = catchThrowableOfType(ConfigurationException.class, () -> db.reconfigure(naming));

        assertThat(refused.problems()).extracting(ConfigProblem::toString).containsExactly(
                "reload: connections.pools.reports-db: adding a connection pool needs a restart (its DataSource is given in code)",
                "reload: connections.compartments.reports: compartment 'reports' has a DataSource of its own, given in code; "
                        + "a configuration cannot change it (build it from the file's pools to change it live)");
        assertThat(db.compartment("reports").limit()).isEqualTo(2);
    }

    @Test
    void callersWaitingWhileTheCeilingIsLoweredAndRaisedAgainGetInWhenThereIsRoom() throws Exception {
        ConnectionCompartments db = compartments(Databases.h2Pool(13), connections(13, 3, 3, LONG_WAIT));
        ConnectionCompartment read = db.compartment("read");
        List<Connection> held = take(read, 3);
        CompletableFuture<Connection> caller = waitingCaller(read);
        db.reconfigure(connections(13, 1, 3, LONG_WAIT));
        held.remove(0).close();
        held.remove(0).close(); // 1 held: at the lowered ceiling
        assertThat(caller).isNotDone();
        CountDownLatch raised = new CountDownLatch(1);
        caller.whenComplete((connection, failure) -> raised.countDown());

        db.reconfigure(connections(13, 2, 3, LONG_WAIT));

        assertThat(raised.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        track(caller.get());
        assertThat(read.stats().inUse()).isEqualTo(2);
    }
}
