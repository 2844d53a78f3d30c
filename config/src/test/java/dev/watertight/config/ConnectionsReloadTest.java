package dev.watertight.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.watertight.CompartmentRegistry;
import dev.watertight.ConfigFollower;
import dev.watertight.ConfigProblem;
import dev.watertight.ConfigurationException;
import dev.watertight.SharedCapacity;
import dev.watertight.WatertightConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code connections} section on reload: a ceiling or an acquire timeout changes live and
 * reaches whoever follows the registry; pools, reservations and the set of compartments are
 * refused, each problem at its key's position. (The real connection compartments are followed
 * in {@code watertight-jdbc}'s tests.)
 */
class ConnectionsReloadTest {
    @TempDir
    Path directory;

    private Path write(String yaml) throws IOException {
        Path file = directory.resolve("watertight.yaml");
        Path next = directory.resolve("watertight.yaml.next");
        Files.writeString(next, yaml, StandardCharsets.UTF_8);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    private static final String SECTION = """
            connections:
              pools: { app-db: 13, analytics-db: 2 }
              compartments:
                read:  { pool: app-db, ceiling: 10 }
                write: { pool: app-db, reserved: 3, ceiling: 3 }
                analytics: { pool: analytics-db, ceiling: 2, acquireTimeout: 5s }
            """;

    /** Keeps a share's ceiling at the file's ceiling of {@code read}, as the jdbc compartments do. */
    private static final class ReadShare implements ConfigFollower {
        final SharedCapacity capacity = SharedCapacity.builder("app-db", 13).share("read", 0, 10).build();

        @Override
        public List<ConfigProblem> check(WatertightConfig next) {
            return List.of();
        }

        @Override
        public List<String> reconfigure(WatertightConfig next) {
            int ceiling = next.connectionCompartments().get("read").ceiling();
            int was = capacity.share("read").resizeCeiling(ceiling);
            return was == ceiling ? List.of() : List.of("share read: " + was + " -> " + ceiling);
        }
    }

    @Test
    void aChangedCeilingAndAcquireTimeoutAreAppliedLiveAndReachTheFollowers() throws Exception {
        Path file = write(SECTION);
        CompartmentRegistry registry = CompartmentRegistry.create(WatertightYaml.read(file));
        ReadShare follower = registry.applyConfigTo(new ReadShare());
        ConfigWatcher watcher = ConfigWatcher.manual(file, registry, new ReloadListener() {});

        write(SECTION.replace("ceiling: 10", "ceiling: 6").replace("acquireTimeout: 5s", "acquireTimeout: 250ms"));
        List<String> changes = watcher.reload();

        assertThat(changes).containsExactly("share read: 10 -> 6");
        assertThat(follower.capacity.share("read").ceiling()).isEqualTo(6);
        assertThat(registry.config().connectionCompartments().get("read").ceiling()).isEqualTo(6);
        assertThat(registry.config().connectionCompartments().get("analytics").acquireTimeout().toMillis()).isEqualTo(250);
    }

    @Test
    void whatNeedsARestartIsRefusedAtEachKeysPositionAndNothingChanges() throws Exception {
        Path file = write(SECTION);
        CompartmentRegistry registry = CompartmentRegistry.create(WatertightYaml.read(file));
        ReadShare follower = registry.applyConfigTo(new ReadShare());
        ConfigWatcher watcher = ConfigWatcher.manual(file, registry, new ReloadListener() {});

        write("""
                connections:
                  pools: { app-db: 15, reports-db: 2 }
                  compartments:
                    read:  { pool: app-db, ceiling: 6 }
                    write: { pool: app-db, reserved: 2, ceiling: 3 }
                    analytics: { pool: reports-db, ceiling: 2 }
                """);
        ConfigurationException refused = catchThrowableOfType(ConfigurationException.class, watcher::reload);

        assertThat(refused.problems()).extracting(ConfigProblem::toString).containsExactly(
                file + ":2:12: connections.pools.app-db: the capacity of a connection pool changes only at a restart (13 -> 15)",
                file + ":2:3: connections.pools.analytics-db: removing a connection pool needs a restart (its DataSource is given in code)",
                file + ":2:24: connections.pools.reports-db: adding a connection pool needs a restart (its DataSource is given in code)",
                file + ":5:28: connections.compartments.write.reserved: the reservation of a connection compartment changes only "
                        + "at a restart (3 -> 2); its ceiling and acquireTimeout may change",
                file + ":6:18: connections.compartments.analytics.pool: a connection compartment cannot move to another pool "
                        + "('analytics-db' -> 'reports-db'); a restart is needed");
        assertThat(follower.capacity.share("read").ceiling()).as("the ceiling in the same file was not applied").isEqualTo(10);
        assertThat(registry.config().connectionCompartments().get("read").ceiling()).isEqualTo(10);
    }
}
