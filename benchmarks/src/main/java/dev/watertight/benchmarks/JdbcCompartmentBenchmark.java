package dev.watertight.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.watertight.jdbc.ConnectionCompartment;
import dev.watertight.jdbc.ConnectionCompartmentStats;
import dev.watertight.jdbc.ConnectionCompartments;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The cost of borrowing a JDBC connection through a Watertight connection compartment, against
 * borrowing it from the pool directly: {@code getConnection()} then {@code close()}, with nothing
 * done on the connection. That is the overhead a compartment adds to every database call.
 *
 * <p>The pool is HikariCP ({@value #POOL_SIZE} connections, all opened before the measurement,
 * auto-commit on) over an embedded H2 in-memory database, so no network is involved and the
 * difference between the rows is the compartment alone. A {@link ConnectionCompartments} is built
 * on the same pool with a capacity of {@value #POOL_SIZE}:
 * <ul>
 *   <li>{@code read}: ceiling 10, nothing reserved, so every borrow borrows from the unreserved
 *       capacity ({@code compartmentBorrowing});</li>
 *   <li>{@code write}: 3 reserved, ceiling 5, and each thread holds at most one connection, so at
 *       up to 3 threads every borrow is within the reservation, the compartment's fast path
 *       ({@code compartmentWithinReservation}). At 4 threads the fourth concurrent borrow, when
 *       there is one, borrows.</li>
 * </ul>
 * A compartment's borrow takes a unit of its quota, takes the physical connection from Hikari and
 * wraps it; the close gives both back. The anchor, {@code hikariDirect}, is
 * {@code HikariDataSource.getConnection()} and {@code close()} on the same pool. The target is a
 * compartment at most 1.1x the anchor and under 100 ns more.
 *
 * <p>Each connection goes to a {@link Blackhole}, so the borrow cannot be removed. All threads
 * share the pool and the compartments ({@link Scope#Benchmark}); pass {@code -t 1}, {@code -t 2}
 * or {@code -t 4}. No borrow is ever refused: 4 threads holding one connection each fit every
 * ceiling and the pool. A refusal would throw and fail the run, and the {@code @TearDown} fails
 * it if a connection or a unit of quota was not given back or any borrow failed.
 *
 * <p>Run with {@code -prof gc}: {@code gc.alloc.rate.norm} shows what a borrow allocates (Hikari's
 * proxy connection; the compartment adds its wrapper).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class JdbcCompartmentBenchmark {

    /** The embedded database; kept while the JVM lives, so the pool's connections all see one. */
    public static final String URL = "jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1";

    /** Hikari's maximum and minimum pool size, and the compartments' capacity. */
    public static final int POOL_SIZE = 10;

    /** The anchor: {@code getConnection()} and {@code close()} straight from HikariCP. */
    @Benchmark
    public void hikariDirect(Pool pool, Blackhole blackhole) throws SQLException {
        borrow(pool.hikari, blackhole);
    }

    /** Through compartment {@code write} (3 reserved): the quota is taken within the reservation. */
    @Benchmark
    public void compartmentWithinReservation(Pool pool, Blackhole blackhole) throws SQLException {
        borrow(pool.write, blackhole);
    }

    /** Through compartment {@code read} (nothing reserved): every borrow borrows from the unreserved capacity. */
    @Benchmark
    public void compartmentBorrowing(Pool pool, Blackhole blackhole) throws SQLException {
        borrow(pool.read, blackhole);
    }

    /**
     * What a service does today to limit one role's connections on a shared pool: a semaphore
     * (as a Resilience4j {@code Bulkhead} holds) taken around HikariCP's {@code getConnection()},
     * released after {@code close()}. It has no reservations and no borrowing, only the shared
     * counter every limit needs; a second anchor for what a compartment costs beyond it.
     */
    @Benchmark
    public void semaphoreAroundHikari(Pool pool, Blackhole blackhole) throws SQLException {
        if (!pool.semaphore.tryAcquire()) {
            throw new IllegalStateException("the semaphore of " + POOL_SIZE + " refused a borrow");
        }
        try {
            borrow(pool.hikari, blackhole);
        } finally {
            pool.semaphore.release();
        }
    }

    private static void borrow(DataSource dataSource, Blackhole blackhole) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            blackhole.consume(connection);
        }
    }

    /** The Hikari pool over H2, full before the measurement starts, and the compartments on it. */
    @State(Scope.Benchmark)
    public static class Pool {
        final Semaphore semaphore = new Semaphore(POOL_SIZE);
        HikariDataSource hikari;
        ConnectionCompartments compartments;
        ConnectionCompartment read;
        ConnectionCompartment write;

        /** Opens the pool, waits until it holds all its connections, and builds the compartments. */
        @Setup
        public void setUp() throws InterruptedException {
            HikariConfig config = new HikariConfig();
            config.setPoolName("bench");
            config.setJdbcUrl(URL);
            config.setMaximumPoolSize(POOL_SIZE);
            config.setMinimumIdle(POOL_SIZE);
            config.setAutoCommit(true);
            hikari = new HikariDataSource(config);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (hikari.getHikariPoolMXBean().getIdleConnections() < POOL_SIZE) {
                if (System.nanoTime() - deadline > 0) {
                    int idle = hikari.getHikariPoolMXBean().getIdleConnections();
                    hikari.close();
                    throw new IllegalStateException("HikariCP opened only " + idle + " of " + POOL_SIZE
                            + " connections to " + URL + " in 30 s");
                }
                Thread.sleep(10);
            }
            compartments = ConnectionCompartments.builder()
                    .pool("bench", hikari, POOL_SIZE)
                    .compartment("read", "bench", c -> c.ceiling(10))
                    .compartment("write", "bench", c -> c.reserved(3).ceiling(5))
                    .build();
            read = compartments.compartment("read");
            write = compartments.compartment("write");
        }

        /**
         * Fails the run if a connection or a unit of quota was not given back, or a borrow was
         * refused or failed; closes the compartments and the pool in any case.
         */
        @TearDown
        public void tearDown() {
            try {
                int active = hikari.getHikariPoolMXBean().getActiveConnections();
                check(active == 0, "connections leaked: HikariCP still has " + active + " active");
                check(compartments.capacity("bench").inUse() == 0,
                        "quota leaked: " + compartments.capacity("bench"));
                for (ConnectionCompartmentStats stats : compartments.stats()) {
                    check(stats.acquireTimeouts() == 0 && stats.connectionErrors() == 0 && stats.inUse() == 0,
                            "unexpected compartment stats after the benchmark: " + stats);
                }
            } finally {
                compartments.close();
                hikari.close();
            }
        }

        private static void check(boolean condition, String message) {
            if (!condition) {
                throw new IllegalStateException(message);
            }
        }
    }
}
