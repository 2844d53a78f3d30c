package dev.watertight.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seed's promise on a real PostgreSQL: a flood of slow analytics queries does not delay
 * writes. The same flood runs twice in one test, over one pool of 10 connections: once with every
 * role taking connections straight from the pool (how most services are built), once through
 * compartments. Write latency is measured while calm and during the flood in both.
 *
 * <p>The figures are printed and written to {@code target/isolation.txt}; RESULTS.md quotes them.
 */
class PostgresFloodTest {
    private static final int POOL_SIZE = 10;
    private static final int FLOODERS = 20;
    private static final int WRITERS = 2;
    private static final Duration WARM_UP = Duration.ofMillis(500);
    private static final Duration CALM = Duration.ofMillis(1500);
    private static final Duration FLOOD = Duration.ofSeconds(3);

    @BeforeAll
    static void createTable() throws SQLException {
        try (Connection admin = Databases.postgresAdmin(); Statement statement = admin.createStatement()) {
            statement.execute("create table if not exists wt_writes (id bigserial primary key, note text not null)");
        }
    }

    /** Write latency, calm and flooded, in one setup. */
    private record Run(Histogram calm, Histogram flooded, long failedWrites) {
        double calmP99Millis() {
            return calm.getValueAtPercentile(99) / 1e6;
        }

        double floodP99Millis() {
            return flooded.getValueAtPercentile(99) / 1e6;
        }
    }

    @Test
    void anAnalyticsFloodDoesNotDelayWritesInCompartmentsButDoesInOneSharedPool() throws Exception {
        Run shared;
        try (HikariDataSource pool = Databases.postgresPool("flood-shared", POOL_SIZE, Duration.ofSeconds(5))) {
            PostgresCompartmentsTest.awaitFilled(pool, POOL_SIZE);
            shared = run(pool, pool, () -> pool.getHikariPoolMXBean().getActiveConnections() >= POOL_SIZE);
        }
        Run isolated;
        try (HikariDataSource pool = Databases.postgresPool("flood-compartments", POOL_SIZE, Duration.ofSeconds(5));
                ConnectionCompartments db = ConnectionCompartments.builder()
                        .pool("app-db", pool, POOL_SIZE)
                        .compartment("read", "app-db", c -> c.ceiling(10))
                        .compartment("write", "app-db", c -> c.reserved(3).ceiling(5))
                        .compartment("analytics", "app-db", c -> c.ceiling(2))
                        .build()) {
            PostgresCompartmentsTest.awaitFilled(pool, POOL_SIZE);
            ConnectionCompartment analytics = db.compartment("analytics");
            isolated = run(db.compartment("write"), analytics, () -> analytics.stats().inUse() == 2);
            assertThat(analytics.stats().waiting()).as("the flood waits in its own compartment").isZero();
        }

        double ratio = isolated.floodP99Millis() / shared.floodP99Millis();
        String report = String.format(Locale.ROOT,
                "write p99 (ms), pool of %d, %d writers, %d analytics callers running pg_sleep(2):%n"
                        + "  one shared pool:  calm %.2f, flooded %.2f (%d writes failed)%n"
                        + "  compartments:     calm %.2f, flooded %.2f (%d writes failed)%n"
                        + "  isolation: flooded write p99 with compartments / with one shared pool = %.4f%n",
                POOL_SIZE, WRITERS, FLOODERS,
                shared.calmP99Millis(), shared.floodP99Millis(), shared.failedWrites(),
                isolated.calmP99Millis(), isolated.floodP99Millis(), isolated.failedWrites(), ratio);
        System.out.print(report);
        writeReport(report);

        // With compartments, writes during the flood stay within a small factor of their calm value
        // (with a floor of 50 ms for the noise of a busy 2-core machine; the shared pool takes seconds) and none fails.
        assertThat(isolated.floodP99Millis()).isLessThanOrEqualTo(Math.max(3 * isolated.calmP99Millis(), isolated.calmP99Millis() + 50));
        assertThat(isolated.failedWrites()).isZero();
        // With one shared pool they wait for the slow queries to end.
        assertThat(shared.floodP99Millis()).isGreaterThan(10 * shared.calmP99Millis()).isGreaterThan(500);
        assertThat(ratio).isLessThan(0.1);
    }

    /** Measures writes while calm, then floods analytics and measures them again. */
    private Run run(DataSource writes, DataSource analytics, BooleanSupplier floodHolds) throws Exception {
        measureWrites(writes, WARM_UP); // first connections, first statements, the JIT
        Histogram calm = measureWrites(writes, CALM).histogram;
        AtomicBoolean flooding = new AtomicBoolean(true);
        List<Thread> flooders = new ArrayList<>();
        for (int i = 0; i < FLOODERS; i++) {
            flooders.add(Thread.ofPlatform().name("analytics-" + i).start(() -> {
                while (flooding.get()) {
                    try (Connection connection = analytics.getConnection(); Statement report = connection.createStatement()) {
                        report.execute("select pg_sleep(2)");
                    } catch (SQLException refusedOrFailed) {
                        // a flooder that is refused or times out just asks again
                    }
                }
            }));
        }
        try {
            await().atMost(Duration.ofSeconds(10)).until(floodHolds::getAsBoolean);
            Measured flooded = measureWrites(writes, FLOOD);
            return new Run(calm, flooded.histogram, flooded.failures);
        } finally {
            flooding.set(false);
            for (Thread flooder : flooders) {
                flooder.join(TimeUnit.SECONDS.toMillis(15));
            }
        }
    }

    private record Measured(Histogram histogram, long failures) {
    }

    /** Writers insert rows for a while; each write's latency includes getting the connection. */
    private Measured measureWrites(DataSource writes, Duration span) throws InterruptedException {
        Histogram histogram = new Histogram(3);
        long[] failures = new long[1];
        long end = System.nanoTime() + span.toNanos();
        List<Thread> writers = new ArrayList<>();
        for (int i = 0; i < WRITERS; i++) {
            writers.add(Thread.ofPlatform().name("writer-" + i).start(() -> {
                Histogram mine = new Histogram(3);
                long failed = 0;
                while (System.nanoTime() < end) {
                    long start = System.nanoTime();
                    try (Connection connection = writes.getConnection()) {
                        PostgresCompartmentsTest.insert(connection, "write under flood");
                    } catch (SQLException e) {
                        failed++;
                    }
                    mine.recordValue(System.nanoTime() - start);
                }
                synchronized (histogram) {
                    histogram.add(mine);
                    failures[0] += failed;
                }
            }));
        }
        for (Thread writer : writers) {
            writer.join();
        }
        synchronized (histogram) {
            return new Measured(histogram, failures[0]);
        }
    }

    private static void writeReport(String report) throws IOException {
        Path target = Path.of("target");
        if (Files.isDirectory(target)) {
            Files.writeString(target.resolve("isolation.txt"), report);
        }
    }
}
