package dev.watertight.jdbc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad settings fail when built, with a message naming the setting, the value and what is allowed. */
class ConnectionSettingsTest {
    private static HikariDataSource pool;

    @BeforeAll
    static void openPool() {
        pool = Databases.h2Pool(10);
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    private static ConnectionCompartments.Builder appDb(int capacity) {
        return ConnectionCompartments.builder().pool("app-db", pool, capacity);
    }

    @Test
    void reservationsMayNotAddUpToMoreThanThePool() {
        assertThatThrownBy(() -> appDb(10)
                .compartment("read", "app-db", c -> c.reserved(6).ceiling(8))
                .compartment("write", "app-db", c -> c.reserved(5).ceiling(8))
                .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the reservations of 'app-db' must add up to at most its capacity 10, were read 6 + write 5 = 11");
    }

    @Test
    void aCeilingMayNotExceedThePool() {
        assertThatThrownBy(() -> appDb(10).compartment("read", "app-db", c -> c.ceiling(11)).build())
                .hasMessage("ceiling of compartment 'read' must be between 1 and the capacity 10 of pool 'app-db', was 11");
        assertThatThrownBy(() -> appDb(10).compartment("read", "app-db", c -> c.ceiling(0)).build())
                .hasMessage("ceiling of compartment 'read' must be between 1 and the capacity 10 of pool 'app-db', was 0");
    }

    @Test
    void aCeilingMustBeGiven() {
        assertThatThrownBy(() -> appDb(10).compartment("read", "app-db", c -> c.reserved(1)).build())
                .hasMessage("ceiling of compartment 'read' must be set, from 1 to the capacity 10 of pool 'app-db'");
    }

    @Test
    void aReservationMustBeWithinTheCeiling() {
        assertThatThrownBy(() -> appDb(10).compartment("write", "app-db", c -> c.reserved(4).ceiling(3)).build())
                .hasMessage("reserved of compartment 'write' must be between 0 and its ceiling 3, was 4");
        assertThatThrownBy(() -> appDb(10).compartment("write", "app-db", c -> c.reserved(-1).ceiling(3)).build())
                .hasMessage("reserved of compartment 'write' must be between 0 and its ceiling 3, was -1");
    }

    @Test
    void timeoutsMustBeInRange() {
        assertThatThrownBy(() -> appDb(10)
                .compartment("write", "app-db", c -> c.ceiling(3).acquireTimeout(Duration.ofSeconds(-1))).build())
                .hasMessage("acquireTimeout of compartment 'write' must be between PT0S and PT1H, was PT-1S");
        assertThatThrownBy(() -> appDb(10).acquireTimeout(Duration.ofHours(2)))
                .hasMessage("acquireTimeout must be between PT0S and PT1H, was PT2H");
        assertThatThrownBy(() -> appDb(10).leakThreshold(Duration.ofMillis(-5)))
                .hasMessage("leakThreshold must be zero (off) or between PT0.001S and PT24H, was PT-0.005S");
    }

    @Test
    void theCapacityMayNotExceedHikarisPoolSize() {
        assertThatThrownBy(() -> ConnectionCompartments.builder().pool("app-db", pool, 15))
                .hasMessage("capacity of pool 'app-db' must be at most its HikariCP maximumPoolSize 10, was 15: "
                        + "the quotas would admit callers the pool cannot serve");
        assertThatThrownBy(() -> ConnectionCompartments.builder().pool("app-db", pool, 0))
                .hasMessage("capacity of pool 'app-db' must be at least 1, was 0");
        assertThatThrownBy(() -> ConnectionCompartments.builder()
                .compartment("analytics", pool, c -> c.ceiling(12)).build())
                .hasMessage("ceiling of compartment 'analytics' must be at most its HikariCP maximumPoolSize 10, was 12");
    }

    @Test
    void namesMustBeKnownAndUnique() {
        assertThatThrownBy(() -> appDb(10).compartment("read", "other-db", c -> c.ceiling(1)))
                .hasMessage("compartment 'read' names pool 'other-db', which is not described; describe it first with "
                        + "pool(name, dataSource, capacity); the pools are [app-db]");
        assertThatThrownBy(() -> appDb(10)
                .compartment("read", "app-db", c -> c.ceiling(1))
                .compartment("read", "app-db", c -> c.ceiling(1)))
                .hasMessage("compartment name 'read' is already used");
        assertThatThrownBy(() -> appDb(10).pool("app-db", pool, 5))
                .hasMessage("pool name 'app-db' is already used");
        assertThatThrownBy(() -> appDb(10).compartment(" ", "app-db", c -> c.ceiling(1)))
                .hasMessage("compartment name must not be blank, was ' '");
    }

    @Test
    void everyPoolNeedsACompartmentAndThereMustBeOne() {
        assertThatThrownBy(() -> ConnectionCompartments.builder().build())
                .hasMessage("no connection compartment is described; add one with compartment(...)");
        assertThatThrownBy(() -> appDb(10).compartment("analytics", pool, c -> c.ceiling(2)).build())
                .hasMessage("pool 'app-db' has no compartment; add one with compartment(name, \"app-db\", settings) or remove the pool");
    }

    @Test
    void aDedicatedCompartmentHasNoReservationAndReclaimNeedsAThreshold() {
        assertThatThrownBy(() -> ConnectionCompartments.builder()
                .compartment("analytics", pool, c -> c.reserved(1).ceiling(2)).build())
                .hasMessage("reserved of compartment 'analytics' must not be set, was 1: it has a DataSource of its own, "
                        + "so all its connections are its own");
        assertThatThrownBy(() -> appDb(10).compartment("read", "app-db", c -> c.ceiling(2).reclaimLeaks(true)).build())
                .hasMessage("reclaimLeaks of compartment 'read' needs a leakThreshold above zero, was 0 (leak detection off)");
    }

    @Test
    void onePhysicalPoolIsDescribedOnce() {
        assertThatThrownBy(() -> appDb(10)
                .compartment("read", "app-db", c -> c.ceiling(5))
                .compartment("analytics", pool, c -> c.ceiling(2)).build())
                .hasMessage("the DataSource of compartment 'analytics' is already the DataSource of pool 'app-db': "
                        + "put the compartment on that pool instead, or the quotas could add up to more than the pool holds");
        assertThatThrownBy(() -> appDb(10).pool("again", pool, 10)
                .compartment("read", "app-db", c -> c.ceiling(5))
                .compartment("write", "again", c -> c.ceiling(5)).build())
                .hasMessage("two pools were given the same DataSource: describe it once, or the quotas could add up to "
                        + "more than it holds; the pools are [app-db, again]");
    }
}
