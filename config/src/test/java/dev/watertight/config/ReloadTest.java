package dev.watertight.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.watertight.BulkheadFullException;
import dev.watertight.Compartment;
import dev.watertight.CompartmentRegistry;
import dev.watertight.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A changed file resizes the running guards in place; a bad one is refused and nothing changes. */
class ReloadTest {
    @TempDir
    Path directory;

    private Path write(String yaml) throws IOException {
        Path file = directory.resolve("watertight.yaml");
        Path next = directory.resolve("watertight.yaml.next");
        Files.writeString(next, yaml, StandardCharsets.UTF_8);
        // Replace the file at once, as editors and deployment tools do: a reader never sees half a file.
        Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    private static String bulkhead(int maxConcurrent) {
        return """
                compartments:
                  search:
                    bulkhead: { maxConcurrent: %d }
                    circuitBreaker: { failureRateThreshold: 50, openDuration: 30s }
                memory:
                  cache: 10MB
                """.formatted(maxConcurrent);
    }

    @Test
    void anExplicitReloadChangesLimitsBudgetsAndBreakerSettingsInPlaceAndSaysWhat() throws Exception {
        Path file = write(bulkhead(4));
        CompartmentRegistry registry = CompartmentRegistry.create(WatertightYaml.read(file));
        Compartment search = registry.compartment("search");
        List<List<String>> heard = new CopyOnWriteArrayList<>();
        ConfigWatcher watcher = ConfigWatcher.manual(file, registry, new ReloadListener() {
            @Override
            public void onReloaded(Path reloaded, List<String> changes) {
                heard.add(changes);
            }
        });

        write(bulkhead(7).replace("failureRateThreshold: 50", "failureRateThreshold: 25").replace("10MB", "20MB"));
        List<String> changes = watcher.reload();

        assertThat(changes).containsExactly(
                "compartments.search.circuitBreaker: failureRateThreshold 50.0 -> 25.0",
                "compartments.search.bulkhead: maxConcurrent 4 -> 7",
                "memory.cache: budget 10485760 -> 20971520");
        assertThat(registry.compartment("search")).isSameAs(search);
        assertThat(search.stats().bulkhead().maxConcurrent()).isEqualTo(7);
        assertThat(registry.memoryBulkhead("cache").budget()).isEqualTo(20L << 20);
        assertThat(heard).containsExactly(changes);
        assertThat(watcher.reload()).as("the same file again changes nothing").isEmpty();
    }

    @Test
    void aBadNewFileIsRefusedWithPositionsAndTheRunningConfigurationStays() throws Exception {
        Path file = write(bulkhead(4));
        CompartmentRegistry registry = CompartmentRegistry.create(WatertightYaml.read(file));
        List<ConfigurationException> refusals = new CopyOnWriteArrayList<>();
        ConfigWatcher watcher = ConfigWatcher.manual(file, registry, new ReloadListener() {
            @Override
            public void onRefused(Path refused, ConfigurationException problems) {
                refusals.add(problems);
            }
        });

        write(bulkhead(0).replace("10MB", "lots"));
        ConfigurationException refused = catchThrowableOfType(ConfigurationException.class, watcher::reload);

        assertThat(refused.problems()).extracting(Object::toString).containsExactly(
                file + ":3:32: compartments.search.bulkhead.maxConcurrent: maxConcurrent must be between 1 and 2147483647, was 0",
                file + ":6:10: memory.cache: expected a size in bytes (e.g. 100MB, 512KB, 2GB or 1048576), was 'lots'");
        assertThat(refusals).containsExactly(refused);
        assertThat(registry.compartment("search").stats().bulkhead().maxConcurrent()).isEqualTo(4);
        assertThat(registry.memoryBulkhead("cache").budget()).isEqualTo(10L << 20);
    }

    @Test
    void changesThatNeedARestartAreRefusedAllAtOnceWithTheKeysPositions() throws Exception {
        Path file = write(bulkhead(4));
        CompartmentRegistry registry = CompartmentRegistry.create(WatertightYaml.read(file));
        ConfigWatcher watcher = ConfigWatcher.manual(file, registry, new ReloadListener() {});

        write("""
                compartments:
                  search:
                    threadPool: { threads: 4 }
                  added:
                    bulkhead: { maxConcurrent: 1 }
                """);

        assertThatThrownBy(watcher::reload)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("2 problems")
                .hasMessageContaining(file + ":2:3: compartments.search: the guards of a running compartment cannot change:"
                        + " it has [circuitBreaker, bulkhead], the new file gives [threadPool]; a restart is needed")
                .hasMessageContaining(file + ": memory.cache: removing a memory budget needs a restart");
        assertThat(registry.find("added")).as("nothing of a refused file is applied").isEmpty();
        assertThat(registry.compartment("search").bulkhead()).isPresent();
    }

    private static String pools(int threads, boolean virtualThreads, String added) {
        return """
                compartments:
                  reports:
                    threadPool: { threads: %1$d, virtualThreads: %2$s }
                %3$s
                keyed:
                  tenants:
                    idleAfter: 5m
                    template:
                      threadPool: { threads: 1, virtualThreads: %2$s }
                """.formatted(threads, virtualThreads, added);
    }

    @Test
    void aReloadThatSwitchesAPoolToVirtualThreadsIsRefusedAndTheNextIsComparedWithWhatRuns() throws Exception {
        Path file = write(pools(1, false, ""));
        try (CompartmentRegistry registry = CompartmentRegistry.create(WatertightYaml.read(file))) {
            ConfigWatcher watcher = ConfigWatcher.manual(file, registry, new ReloadListener() {});

            write(pools(1, true, "  exports: { threadPool: { threads: 1 } }"));
            ConfigurationException refused = catchThrowableOfType(ConfigurationException.class, watcher::reload);

            assertThat(refused.problems()).extracting(problem -> problem.path() + ": " + problem.message()).containsExactly(
                    "compartments.reports.threadPool.virtualThreads: virtualThreads of a running threadPool cannot change"
                            + " (false -> true); a restart is needed",
                    "keyed.tenants.template.threadPool.virtualThreads: virtualThreads of a running threadPool cannot"
                            + " change (false -> true); a restart is needed");
            assertThat(registry.find("exports")).as("nothing of a refused file is built").isEmpty();
            assertThat(registry.compartment("reports").call(() -> Thread.currentThread().isVirtual())).isFalse();

            write(pools(2, false, ""));
            assertThat(watcher.reload()).as("compared with the configuration in force, not the refused one")
                    .containsExactly("compartments.reports.threadPool: threads 1 -> 2");
        }
    }

    @Test
    void theWatcherAppliesASavedFileAndReportsARefusedOne() throws Exception {
        Path file = write(bulkhead(4));
        CompartmentRegistry registry = CompartmentRegistry.create(WatertightYaml.read(file));
        List<ConfigurationException> refusals = new CopyOnWriteArrayList<>();
        try (ConfigWatcher watcher = ConfigWatcher.watch(file, registry, new ReloadListener() {
            @Override
            public void onRefused(Path refused, ConfigurationException problems) {
                refusals.add(problems);
            }
        })) {
            write(bulkhead(9));
            Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> registry.compartment("search").stats().bulkhead().maxConcurrent() == 9);

            write(bulkhead(-1));
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !refusals.isEmpty());
            assertThat(registry.compartment("search").stats().bulkhead().maxConcurrent()).isEqualTo(9);
        }
    }

    /**
     * Eight threads call a compartment while its limit shrinks and grows through reloads. After
     * each reload has settled (calls admitted under the old limit have finished), no more calls
     * run than the new limit; during the change, no more than the larger of the two. Every call
     * either ran to completion or was refused before it started: nothing admitted is dropped.
     */
    @Test
    void reloadsUnderLoadNeverExceedTheBulkheadLimitInForceNorDropAdmittedWork() throws Exception {
        Path file = write(bulkhead(4));
        CompartmentRegistry registry = CompartmentRegistry.create(WatertightYaml.read(file));
        Compartment search = registry.compartment("search");

        Load load = Load.run(search, 4, limit -> write(bulkhead(limit)), file, registry,
                () -> search.stats().bulkhead().inUse());

        var stats = search.stats().bulkhead();
        assertThat(stats.accepted()).isEqualTo(load.started.get());
        assertThat(stats.succeeded()).isEqualTo(load.completed.get());
        assertThat(stats.inUse()).isZero();
    }

    /** The same with a thread pool whose threads and queue shrink and grow. */
    @Test
    void reloadsUnderLoadNeverExceedThePoolsThreadsInForceNorDropQueuedWork() throws Exception {
        java.util.function.IntFunction<String> pool = threads -> """
                compartments:
                  reports:
                    threadPool: { threads: %d, queueCapacity: %d }
                """.formatted(threads, threads % 3);
        Path file = write(pool.apply(4));
        CompartmentRegistry registry = CompartmentRegistry.create(WatertightYaml.read(file));
        Compartment reports = registry.compartment("reports");
        try {
            Load load = Load.run(reports, 4, limit -> write(pool.apply(limit)), file, registry,
                    () -> reports.stats().threadPool().activeThreads());

            var stats = reports.stats().threadPool();
            assertThat(stats.submitted()).isEqualTo(load.started.get());
            assertThat(stats.succeeded()).isEqualTo(load.completed.get());
            assertThat(stats.queued()).isZero();
        } finally {
            registry.close();
        }
    }

    /** Eight callers, a reloading controller and the counts they keep. */
    private static final class Load {
        final AtomicInteger running = new AtomicInteger();
        /** The allowed concurrency (low 32 bits) with a generation above it, bumped at each change. */
        final AtomicLong allowed = new AtomicLong();
        final AtomicInteger violations = new AtomicInteger();
        final AtomicLong started = new AtomicLong();
        final AtomicLong completed = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong unexpected = new AtomicLong();
        final AtomicBoolean stop = new AtomicBoolean();

        interface Writer {
            void write(int limit) throws IOException;
        }

        static Load run(Compartment compartment, int initial, Writer writer, Path file, CompartmentRegistry registry,
                java.util.function.IntSupplier busy) throws Exception {
            Load load = new Load();
            load.allow(initial);
            ConfigWatcher watcher = ConfigWatcher.manual(file, registry, new ReloadListener() {});
            List<Thread> callers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                callers.add(Thread.ofPlatform().start(() -> load.call(compartment)));
            }
            int limit = initial;
            for (int round = 0; round < 60; round++) {
                int next = 1 + ThreadLocalRandom.current().nextInt(6);
                load.allow(Math.max(limit, next)); // while the change settles, calls of the old limit may finish
                writer.write(next);
                watcher.reload();
                Awaitility.await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(10))
                        .until(() -> busy.getAsInt() <= next);
                load.allow(next);
                limit = next;
            }
            load.stop.set(true);
            for (Thread caller : callers) {
                caller.join();
            }
            assertThat(load.violations).hasValue(0);
            assertThat(load.unexpected).hasValue(0);
            assertThat(load.completed.get()).isEqualTo(load.started.get()).isPositive();
            assertThat(load.refused.get()).isPositive();
            return load;
        }

        private void allow(int limit) {
            allowed.updateAndGet(word -> ((word >>> 32) + 1) << 32 | limit);
        }

        private void call(Compartment compartment) {
            while (!stop.get()) {
                try {
                    compartment.call(() -> {
                        started.incrementAndGet();
                        // Checked only if the allowed value held while counting: a count taken under one
                        // value compared with a later one would see violations that never happened.
                        long before = allowed.get();
                        int now = running.incrementAndGet();
                        if (allowed.get() == before && now > (int) before) {
                            violations.incrementAndGet();
                        }
                        for (int spin = ThreadLocalRandom.current().nextInt(200); spin > 0; spin--) {
                            Thread.onSpinWait();
                        }
                        running.decrementAndGet();
                        completed.incrementAndGet();
                        return null;
                    });
                } catch (BulkheadFullException full) {
                    refused.incrementAndGet();
                } catch (Exception other) {
                    unexpected.incrementAndGet();
                }
            }
        }
    }
}
