package dev.watertight;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One thing wrong with a configuration: where it is, which setting, the bad value and what is
 * allowed.
 *
 * <p>Immutable and thread-safe.
 *
 * @param source where the setting was written, e.g. {@code watertight.yaml:12:16}, or
 *     {@code "code"} for settings made in code
 * @param path the setting's path, e.g. {@code compartments.user-ops.threadPool.threads}
 * @param value the bad value as written, or null when the setting is missing
 * @param message what is wrong and what is allowed
 */
public record ConfigProblem(String source, String path, @Nullable String value, String message) {

    /** Checks that the parts are present. */
    public ConfigProblem {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    /** The problem as one line: {@code source: path: message}. */
    @Override
    public String toString() {
        return source + ": " + path + ": " + message;
    }
}
