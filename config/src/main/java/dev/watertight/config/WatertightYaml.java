package dev.watertight.config;

import dev.watertight.ConfigProblem;
import dev.watertight.ConfigurationException;
import dev.watertight.WatertightConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a service's compartments from a YAML file.
 *
 * <pre>{@code
 * compartments:
 *   user-ops:
 *     threadPool: { threads: 5, queueCapacity: 20, timeout: 2s }
 *   payment:
 *     circuitBreaker: { consecutiveFailures: 3, openDuration: 30s }
 *     bulkhead: { maxConcurrent: 10 }
 *     timeout: 2s
 * memory:
 *   user-cache: 100MB
 * connections:
 *   pools:
 *     app-db: 13
 *   compartments:
 *     read:  { pool: app-db, ceiling: 10 }
 *     write: { pool: app-db, reserved: 3, ceiling: 3 }
 * keyed:
 *   tenants: { maxKeys: 10000, idleAfter: 5m, template: { bulkhead: { maxConcurrent: 5 } } }
 * health:
 *   window: 30s
 *   utilization: { degradedAt: 80%, unhealthyAt: 95% }
 *   compartments:
 *     reporting: { utilization: { degradedAt: 95%, unhealthyAt: 100% } }
 * }</pre>
 *
 * <p>A compartment's guards are {@code threadPool} or {@code bulkhead}, {@code circuitBreaker},
 * {@code rateLimiter}, {@code retry}, {@code timeout} and {@code cpuCores}; each guard's keys
 * are the names of its builder's settings ({@code threads}, {@code maxConcurrent},
 * {@code failureRateThreshold}, ...), and a setting left out keeps the builder's default.
 * Durations take a unit ({@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h}); sizes are bytes or
 * {@code KB}/{@code MB}/{@code GB} (powers of 1024). A retry's {@code backoff} is {@code none}, a
 * fixed duration, or {@code {initial: 100ms, multiplier: 2, max: 5s}}.
 *
 * <p>A {@code keyed} group has {@code maxKeys} and {@code idleAfter} (the
 * {@link dev.watertight.KeyedCompartments} defaults unless given) and a {@code template}, written
 * as a compartment. The {@code health} section's keys are those of
 * {@link dev.watertight.HealthThresholds.Builder}: {@code window}, {@code minimumCalls},
 * {@code recoveryRatio}, {@code recoverAfter}, and the signals {@code utilization},
 * {@code queueFill}, {@code rejectionRate} and {@code failureRate}, each
 * {@code {degradedAt, unhealthyAt}} (a half left out keeps its value); shares are {@code 80%} or
 * {@code 0.8}. Under {@code health.compartments}, a compartment of the file gets thresholds of its
 * own, starting from the section's.
 *
 * <p>Every problem of a file is reported at once, in a {@link ConfigurationException} whose
 * {@link ConfigProblem}s give the file, line and column, the path of the key, the bad value and
 * what is allowed. Thread-safe (it keeps no state).
 */
public final class WatertightYaml {
    private WatertightYaml() {}

    /**
     * Reads a configuration file (UTF-8).
     *
     * @param file the file
     * @return the configuration
     * @throws ConfigurationException with every problem of the file, or if it cannot be read
     */
    public static WatertightConfig read(Path file) {
        return new ConfigReader(file.toString()).read(text(file));
    }

    /**
     * Reads a configuration from text.
     *
     * @param yaml the YAML text
     * @param source the name used in problems, e.g. the file it came from
     * @return the configuration
     * @throws ConfigurationException with every problem of the text
     */
    public static WatertightConfig parse(String yaml, String source) {
        return new ConfigReader(source).read(yaml);
    }

    static String text(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException unreadable) {
            throw new ConfigurationException(List.of(new ConfigProblem(file.toString(), "(document)", null,
                    "cannot be read: " + unreadable)));
        }
    }
}
