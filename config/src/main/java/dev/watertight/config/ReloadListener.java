package dev.watertight.config;

import dev.watertight.ConfigurationException;
import java.nio.file.Path;
import java.util.List;

/**
 * Hears what a {@link ConfigWatcher} did with a changed file. Called on the watcher's thread (or
 * the thread that called {@link ConfigWatcher#reload()}); a listener that throws is ignored.
 *
 * <p>Implementations must be thread-safe: the watcher calls them from its own thread, and a manual reload from the caller's.
 */
public interface ReloadListener {

    /**
     * The file was read and its changes applied in place.
     *
     * @param file the file
     * @param changes one line per change, e.g. {@code compartments.user-ops.threadPool: threads 5 -> 8}
     */
    default void onReloaded(Path file, List<String> changes) {}

    /**
     * The file was refused; the running configuration stays as it was.
     *
     * @param file the file
     * @param problems every problem found, with positions in the file
     */
    default void onRefused(Path file, ConfigurationException problems) {}
}
