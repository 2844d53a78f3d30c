package dev.watertight.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * 32 threads borrowing and closing connections across compartments on one real pool (H2 behind
 * HikariCP), closing twice and from other threads: no compartment ever holds more than its
 * ceiling, the pool more than its capacity, a compartment under its reservation is never refused,
 * and every quota comes back.
 */
class ConnectionStressTest {
    private static final int THREADS = 32;
    private static final int RESERVED_HOLDERS = 4;
    private static final int ROUNDS_PER_THREAD = 1_500;

    /** Counts holders of one compartment as the test sees them, and the most at once. */
    private static final class Holders {
        final AtomicInteger now = new AtomicInteger();
        final AtomicInteger peak = new AtomicInteger();

        void enter() {
            peak.accumulateAndGet(now.incrementAndGet(), Math::max);
        }

        void leave() {
            now.decrementAndGet();
        }
    }

    @Test
    void ceilingsPoolAndReservationsHoldUnderThirtyTwoThreads() throws Exception {
        try (HikariDataSource pool = Databases.h2Pool(12);
                ConnectionCompartments db = ConnectionCompartments.builder()
                        .pool("app-db", pool, 12)
                        // exactly RESERVED_HOLDERS threads use it, one connection each: always within its reservation
                        .compartment("write", "app-db", c -> c.reserved(RESERVED_HOLDERS).ceiling(6).acquireTimeout(Duration.ZERO))
                        .compartment("read", "app-db", c -> c.reserved(2).ceiling(8))
                        .compartment("analytics", "app-db", c -> c.ceiling(5))
                        .acquireTimeout(Duration.ofMillis(2))
                        .build();
                ExecutorService closers = Executors.newFixedThreadPool(2)) {
            String[] names = {"write", "read", "analytics"};
            int[] ceilings = {6, 8, 5};
            Holders[] holders = {new Holders(), new Holders(), new Holders()};
            Holders total = new Holders();
            AtomicLong reservedRefusals = new AtomicLong();
            LongAdder borrowed = new LongAdder();
            LongAdder refused = new LongAdder();
            CyclicBarrier start = new CyclicBarrier(THREADS);
            ExecutorService threads = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int which = t < RESERVED_HOLDERS ? 0 : 1 + t % 2;
                work.add(threads.submit(() -> {
                    start.await();
                    ConnectionCompartment compartment = db.compartment(names[which]);
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int round = 0; round < ROUNDS_PER_THREAD; round++) {
                        Connection connection;
                        try {
                            connection = compartment.getConnection();
                        } catch (ConnectionCompartmentExhaustedException full) {
                            refused.increment();
                            if (which == 0) {
                                reservedRefusals.incrementAndGet();
                            }
                            continue;
                        }
                        borrowed.increment();
                        holders[which].enter();
                        total.enter();
                        if (random.nextInt(8) == 0) {
                            try (Statement statement = connection.createStatement()) {
                                statement.execute("select 1");
                            }
                        }
                        total.leave();
                        holders[which].leave();
                        switch (random.nextInt(4)) {
                            case 0 -> {
                                connection.close();
                                connection.close(); // a double close gives nothing back twice
                            }
                            case 1 -> closers.submit(() -> {
                                connection.close(); // closed from another thread
                                return null;
                            }).get(10, TimeUnit.SECONDS);
                            case 2 -> {
                                Future<?> racing = closers.submit(() -> {
                                    connection.close();
                                    return null;
                                });
                                connection.close(); // both race; one of them gives the quota back
                                racing.get(10, TimeUnit.SECONDS);
                            }
                            default -> connection.close();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : work) {
                future.get(120, TimeUnit.SECONDS);
            }
            threads.shutdown();

            for (int i = 0; i < names.length; i++) {
                assertThat(holders[i].peak.get()).as("peak of %s", names[i]).isLessThanOrEqualTo(ceilings[i]);
            }
            assertThat(total.peak.get()).as("peak over the pool").isLessThanOrEqualTo(12);
            assertThat(reservedRefusals.get()).as("refusals of a compartment within its reservation").isZero();
            assertThat(refused.sum()).as("the flood was refused sometimes, so the limits were reached").isPositive();
            assertThat(db.capacity("app-db").inUse()).isZero();
            assertThat(db.capacity("app-db").borrowed()).isZero();
            List<ConnectionCompartmentStats> stats = db.stats();
            assertThat(stats).allSatisfy(compartment -> {
                assertThat(compartment.inUse()).isZero();
                assertThat(compartment.waiting()).isZero();
                assertThat(compartment.connectionErrors()).isZero();
            });
            assertThat(stats.stream().mapToLong(ConnectionCompartmentStats::acquired).sum()).isEqualTo(borrowed.sum());
            assertThat(stats.stream().mapToLong(ConnectionCompartmentStats::acquireTimeouts).sum()).isEqualTo(refused.sum());
            assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isZero();
        }
    }
}
