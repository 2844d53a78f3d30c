package dev.watertight.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.watertight.CompartmentRegistry;
import dev.watertight.ConfigurationException;
import dev.watertight.config.ConfigWatcher;
import dev.watertight.config.ReloadListener;
import dev.watertight.config.WatertightYaml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's wiring, end to end: connection compartments given to the registry follow the
 * configuration file it applies, and a file the compartments cannot take changes nothing anywhere.
 */
class ConnectionsFollowTheFileTest {
    @TempDir
    Path directory;

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

    private Path write(String yaml) throws IOException {
        Path file = directory.resolve("watertight.yaml");
        Path next = directory.resolve("watertight.yaml.next");
        Files.writeString(next, yaml, StandardCharsets.UTF_8);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    private static String file(int maxConcurrent, int readCeiling, int writeReserved) {
        return """
                compartments:
                  search: { bulkhead: { maxConcurrent: %d } }
                connections:
                  pools: { app-db: 13 }
                  compartments:
                    read:  { pool: app-db, ceiling: %d }
                    write: { pool: app-db, reserved: %d, ceiling: 3 }
                """.formatted(maxConcurrent, readCeiling, writeReserved);
    }

    @Test
    void aReloadedCeilingReachesTheConnectionCompartmentsAndARefusedFileChangesNothing() throws Exception {
        Path file = write(file(4, 10, 3));
        CompartmentRegistry registry = track(CompartmentRegistry.create(WatertightYaml.read(file)));
        ConnectionCompartments db = registry.applyConfigTo(track(ConnectionCompartments.builder()
                .configure(registry.config(), Map.of("app-db", track(Databases.h2Pool(13)))).build()));
        ConfigWatcher watcher = track(ConfigWatcher.manual(file, registry, new ReloadListener() {}));
        ConnectionCompartment read = db.compartment("read");
        for (int i = 0; i < 4; i++) {
            Connection held = track(read.getConnection());
            assertThat(held.isValid(1)).isTrue();
        }

        write(file(5, 2, 3));
        List<String> changes = watcher.reload();

        assertThat(changes).containsExactly("compartments.search.bulkhead: maxConcurrent 4 -> 5",
                "connections.compartments.read: ceiling 10 -> 2");
        assertThat(read.limit()).isEqualTo(2);
        assertThat(read.stats().inUse()).as("nothing taken back").isEqualTo(4);
        assertThat(read.share().tryAcquire()).as("a new caller is refused above the new ceiling").isFalse();

        write(file(6, 8, 2));
        ConfigurationException refused = catchThrowableOfType(ConfigurationException.class, watcher::reload);

        assertThat(refused.problems()).extracting(Object::toString).containsExactly(
                file + ":7:28: connections.compartments.write.reserved: the reservation of a connection compartment "
                        + "changes only at a restart (3 -> 2); its ceiling and acquireTimeout may change");
        assertThat(read.limit()).as("the ceiling in the same file was not applied").isEqualTo(2);
        assertThat(registry.compartment("search").bulkhead().orElseThrow().maxConcurrent()).isEqualTo(5);
        assertThat(registry.config().connectionCompartments().get("read").ceiling()).isEqualTo(2);
    }

    @Test
    void aCompartmentWithADataSourceOfItsOwnBuiltInCodeDoesNotBlockReloads() throws Exception {
        Path file = write(file(4, 10, 3));
        CompartmentRegistry registry = track(CompartmentRegistry.create(WatertightYaml.read(file)));
        ConnectionCompartments db = registry.applyConfigTo(track(ConnectionCompartments.builder()
                .configure(registry.config(), Map.of("app-db", track(Databases.h2Pool(13))))
                .compartment("reports", track(Databases.h2Pool(2)), c -> c.ceiling(2))
                .build()));
        ConfigWatcher watcher = track(ConfigWatcher.manual(file, registry, new ReloadListener() {}));

        write(file(5, 6, 3));

        assertThat(watcher.reload()).containsExactly("compartments.search.bulkhead: maxConcurrent 4 -> 5",
                "connections.compartments.read: ceiling 10 -> 6");
        assertThat(db.compartment("read").limit()).isEqualTo(6);
        assertThat(db.compartment("reports").limit()).isEqualTo(2);
    }
}
