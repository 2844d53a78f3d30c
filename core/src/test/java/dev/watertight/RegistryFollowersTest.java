package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The connections section on reload: ceilings and acquire timeouts pass the registry's check and
 * reach its {@link ConfigFollower}s; what needs a restart is refused; and the registry and its
 * followers change together or not at all.
 */
class RegistryFollowersTest {

    private static WatertightConfig config(int maxConcurrent, int capacity, int readCeiling, int writeReserved, String writePool) {
        Map<String, ConnectionCompartmentConfig> compartments = new LinkedHashMap<>();
        compartments.put("read", new ConnectionCompartmentConfig("read", "app-db", 0, readCeiling, Duration.ofSeconds(5)));
        compartments.put("write", new ConnectionCompartmentConfig("write", writePool, writeReserved, 3, Duration.ofSeconds(5)));
        Map<String, ConnectionPoolConfig> pools = new LinkedHashMap<>();
        pools.put("app-db", new ConnectionPoolConfig("app-db", capacity));
        pools.put("analytics-db", new ConnectionPoolConfig("analytics-db", 2));
        return new WatertightConfig(Map.of("search", new CompartmentConfig("search", null, null, null,
                Bulkhead.builder("search").maxConcurrent(maxConcurrent).config(), null, null, null)), Map.of(), pools, compartments);
    }

    /** Follows the read ceiling into a share, refusing ceilings above a bound of its own. */
    private static final class ReadCeiling implements ConfigFollower {
        final SharedCapacity capacity = SharedCapacity.builder("app-db", 13).share("read", 0, 10).build();
        final List<WatertightConfig> reconfigured = new ArrayList<>();
        int most = 13;

        @Override
        public List<ConfigProblem> check(WatertightConfig next) {
            int ceiling = next.connectionCompartments().get("read").ceiling();
            return ceiling <= most ? List.of()
                    : List.of(new ConfigProblem("reload", "connections.compartments.read.ceiling", String.valueOf(ceiling),
                            "ceiling must be at most " + most));
        }

        @Override
        public List<String> reconfigure(WatertightConfig next) {
            List<ConfigProblem> problems = check(next);
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            reconfigured.add(next);
            int ceiling = next.connectionCompartments().get("read").ceiling();
            int was = capacity.share("read").resizeCeiling(ceiling);
            return was == ceiling ? List.of() : List.of("read: ceiling " + was + " -> " + ceiling);
        }
    }

    @Test
    void aChangedCeilingIsAcceptedAndReachesTheFollowers() {
        CompartmentRegistry registry = CompartmentRegistry.create(config(4, 13, 10, 3, "app-db"));
        ReadCeiling follower = registry.applyConfigTo(new ReadCeiling());

        List<String> changes = registry.apply(config(5, 13, 6, 3, "app-db"));

        assertThat(changes).containsExactly("compartments.search.bulkhead: maxConcurrent 4 -> 5", "read: ceiling 10 -> 6");
        assertThat(follower.capacity.share("read").ceiling()).isEqualTo(6);
        assertThat(registry.config().connectionCompartments().get("read").ceiling()).isEqualTo(6);
    }

    @Test
    void aFollowersProblemRefusesTheWholeFileAndNothingChangesAnywhere() {
        CompartmentRegistry registry = CompartmentRegistry.create(config(4, 13, 10, 3, "app-db"));
        ReadCeiling follower = registry.applyConfigTo(new ReadCeiling());
        follower.most = 8;
        follower.reconfigured.clear();

        ConfigurationException refused = catchThrowableOfType(ConfigurationException.class,
                () -> registry.apply(config(5, 13, 12, 3, "app-db")));

        assertThat(refused.problems()).extracting(ConfigProblem::toString)
                .containsExactly("reload: connections.compartments.read.ceiling: ceiling must be at most 8");
        assertThat(follower.reconfigured).as("a follower is changed only when all can take the file").isEmpty();
        assertThat(registry.compartment("search").bulkhead().orElseThrow().maxConcurrent()).isEqualTo(4);
        assertThat(registry.config().connectionCompartments().get("read").ceiling()).isEqualTo(10);
    }

    @Test
    void theRegistrysOwnRefusalReachesNoFollower() {
        CompartmentRegistry registry = CompartmentRegistry.create(config(4, 13, 10, 3, "app-db"));
        ReadCeiling follower = registry.applyConfigTo(new ReadCeiling());
        follower.reconfigured.clear();

        ConfigurationException refused = catchThrowableOfType(ConfigurationException.class,
                () -> registry.apply(config(5, 14, 6, 2, "analytics-db")));

        assertThat(refused.problems()).extracting(ConfigProblem::toString).containsExactly(
                "reload: connections.pools.app-db: the capacity of a connection pool changes only at a restart (13 -> 14)",
                "reload: connections.compartments.write.pool: a connection compartment cannot move to another pool "
                        + "('app-db' -> 'analytics-db'); a restart is needed",
                "reload: connections.compartments.write.reserved: the reservation of a connection compartment changes "
                        + "only at a restart (3 -> 2); its ceiling and acquireTimeout may change");
        assertThat(follower.reconfigured).isEmpty();
        assertThat(follower.capacity.share("read").ceiling()).isEqualTo(10);
    }

    @Test
    void addingOrRemovingPoolsAndCompartmentsNeedsARestart() {
        CompartmentRegistry registry = CompartmentRegistry.create(config(4, 13, 10, 3, "app-db"));
        WatertightConfig fewer = new WatertightConfig(Map.of("search", registry.config().compartments().get("search")), Map.of(),
                Map.of("app-db", new ConnectionPoolConfig("app-db", 13), "other-db", new ConnectionPoolConfig("other-db", 1)),
                Map.of("read", new ConnectionCompartmentConfig("read", "app-db", 0, 10, Duration.ofSeconds(5)),
                        "reports", new ConnectionCompartmentConfig("reports", "other-db", 0, 1, Duration.ofSeconds(5))));

        ConfigurationException refused = catchThrowableOfType(ConfigurationException.class, () -> registry.apply(fewer));

        assertThat(refused.problems()).extracting(ConfigProblem::toString).containsExactly(
                "reload: connections.pools.analytics-db: removing a connection pool needs a restart (its DataSource is given in code)",
                "reload: connections.pools.other-db: adding a connection pool needs a restart (its DataSource is given in code)",
                "reload: connections.compartments.write: removing a connection compartment needs a restart (code may hold it)",
                "reload: connections.compartments.reports: adding a connection compartment needs a restart (its pool's "
                        + "DataSource is given in code)");
    }

    @Test
    void aFollowerThatCannotTakeTheRunningConfigurationIsNotAdded() {
        CompartmentRegistry registry = CompartmentRegistry.create(config(4, 13, 10, 3, "app-db"));
        ReadCeiling follower = new ReadCeiling();
        follower.most = 5;

        ConfigurationException refused = catchThrowableOfType(ConfigurationException.class, () -> registry.applyConfigTo(follower));

        assertThat(refused.problems()).extracting(ConfigProblem::path).containsExactly("connections.compartments.read.ceiling");
        assertThat(registry.apply(config(5, 13, 12, 3, "app-db"))).as("the registry goes on without it")
                .containsExactly("compartments.search.bulkhead: maxConcurrent 4 -> 5");
        assertThat(follower.reconfigured).isEmpty();
    }
}
