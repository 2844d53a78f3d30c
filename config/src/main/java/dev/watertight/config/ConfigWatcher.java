package dev.watertight.config;

import dev.watertight.CompartmentRegistry;
import dev.watertight.ConfigProblem;
import dev.watertight.ConfigurationException;
import dev.watertight.WatertightConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Keeps a {@link CompartmentRegistry} in step with its configuration file: when the file changes
 * (or {@link #reload()} is called), the file is read and applied in place through
 * {@link CompartmentRegistry#apply}, so limits, pools, budgets and breaker settings change
 * without a restart and without dropping calls in flight. A file with any problem is refused as
 * a whole, and the running configuration stays.
 *
 * <pre>{@code
 * Path file = Path.of("watertight.yaml");
 * CompartmentRegistry registry = CompartmentRegistry.create(WatertightYaml.read(file));
 * ConfigWatcher watcher = ConfigWatcher.watch(file, registry, new ReloadListener() {
 *     public void onRefused(Path file, ConfigurationException problems) { log.warn(problems.getMessage()); }
 * });
 * }</pre>
 *
 * <p>The file's directory is watched by a daemon thread through the file system's
 * {@link WatchService} (editors that save by replacing the file are seen too). Reloads are
 * serialized. Thread-safe; {@link #close()} stops watching.
 */
public final class ConfigWatcher implements AutoCloseable {
    private final Path file;
    private final CompartmentRegistry registry;
    private final ReloadListener listener;
    private final ReentrantLock reloading = new ReentrantLock();
    private final @Nullable WatchService watchService;
    private final @Nullable Thread thread;

    private ConfigWatcher(Path file, CompartmentRegistry registry, ReloadListener listener,
            @Nullable WatchService watchService) {
        this.file = file;
        this.registry = registry;
        this.listener = listener;
        this.watchService = watchService;
        this.thread = watchService == null ? null : Thread.ofPlatform().daemon().name("watertight-config-watcher")
                .unstarted(() -> watchLoop(watchService));
    }

    /**
     * Starts watching the file and applying its changes to the registry.
     *
     * @param file the configuration file
     * @param registry the registry built from it
     * @param listener hears reloads and refusals
     * @return the watcher; close it to stop
     * @throws UncheckedIOException if the file's directory cannot be watched
     */
    public static ConfigWatcher watch(Path file, CompartmentRegistry registry, ReloadListener listener) {
        Path absolute = file.toAbsolutePath();
        try {
            WatchService service = FileSystems.getDefault().newWatchService();
            Path folder = Objects.requireNonNull(absolute.getParent(), "an absolute path has a parent");
            folder.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            ConfigWatcher watcher = new ConfigWatcher(absolute, registry, Objects.requireNonNull(listener, "listener"), service);
            Objects.requireNonNull(watcher.thread, "a watching watcher has a thread").start();
            return watcher;
        } catch (IOException cannotWatch) {
            throw new UncheckedIOException("cannot watch " + absolute.getParent(), cannotWatch);
        }
    }

    /**
     * A watcher without a thread: the file is applied only when {@link #reload()} is called (from
     * an admin endpoint, a signal handler, a scheduler).
     *
     * @param file the configuration file
     * @param registry the registry built from it
     * @param listener hears reloads and refusals
     * @return the watcher
     */
    public static ConfigWatcher manual(Path file, CompartmentRegistry registry, ReloadListener listener) {
        return new ConfigWatcher(file.toAbsolutePath(), registry, Objects.requireNonNull(listener, "listener"), null);
    }

    /**
     * Reads the file now and applies it.
     *
     * @return the changes made (empty if the file says what is already running)
     * @throws ConfigurationException with every problem, positioned in the file; nothing was changed
     */
    public List<String> reload() {
        reloading.lock();
        try {
            ConfigReader reader = new ConfigReader(file.toString());
            List<String> changes;
            try {
                WatertightConfig next = reader.read(WatertightYaml.text(file));
                changes = apply(reader, next);
            } catch (ConfigurationException refused) {
                notify(() -> listener.onRefused(file, refused));
                throw refused;
            }
            if (!changes.isEmpty()) {
                notify(() -> listener.onReloaded(file, changes));
            }
            return changes;
        } finally {
            reloading.unlock();
        }
    }

    /** Applies; a refusal by the registry is given the positions of the keys it names. */
    private List<String> apply(ConfigReader reader, WatertightConfig next) {
        try {
            return registry.apply(next);
        } catch (ConfigurationException refused) {
            throw new ConfigurationException(refused.problems().stream()
                    .map(problem -> new ConfigProblem(reader.where(problem.path()), problem.path(), problem.value(), problem.message()))
                    .toList());
        }
    }

    private void watchLoop(WatchService watchService) {
        try {
            while (true) {
                WatchKey key = watchService.take();
                boolean ours = false;
                for (WatchEvent<?> event : key.pollEvents()) {
                    ours |= event.kind() == StandardWatchEventKinds.OVERFLOW
                            || file.getFileName().equals(event.context());
                }
                key.reset();
                if (ours) {
                    try {
                        reload();
                    } catch (ConfigurationException refused) {
                        // the listener heard it; the running configuration stays
                    } catch (RuntimeException unexpected) {
                        notify(() -> listener.onRefused(file, new ConfigurationException(List.of(
                                new ConfigProblem(file.toString(), "(document)", null, "could not be applied: " + unexpected)))));
                    }
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException stopped) {
            // closed
        }
    }

    private static void notify(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException ignored) {
            // a listener cannot stop reloads
        }
    }

    /** Stops watching; the registry keeps the configuration it has. Idempotent. */
    @Override
    public void close() {
        WatchService service = watchService;
        if (service != null) {
            try {
                service.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }
}
