package dev.watertight;

import dev.watertight.internal.Settings;
import java.time.Duration;
import java.util.Objects;

/**
 * A connection compartment over a {@link ConnectionPoolConfig pool}, as a configuration file
 * describes it: a guaranteed reservation of the pool's connections and a ceiling.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the compartment's name (e.g. {@code read}, {@code write}, {@code analytics})
 * @param pool the name of the pool it draws from
 * @param reserved connections kept for this compartment alone, at least 0
 * @param ceiling the most connections it may hold, at least 1 and at least {@code reserved}
 * @param acquireTimeout how long a caller waits for a connection, from {@link #MIN_ACQUIRE_TIMEOUT}
 *     (never wait) to {@link #MAX_ACQUIRE_TIMEOUT}
 */
public record ConnectionCompartmentConfig(String name, String pool, int reserved, int ceiling, Duration acquireTimeout) {
    /** The acquire timeout of a compartment that sets none, in a file or in code: 5 seconds. */
    public static final Duration DEFAULT_ACQUIRE_TIMEOUT = Duration.ofSeconds(5);
    /** The shortest acquire timeout: zero, a caller is refused at once when the quota is taken. */
    public static final Duration MIN_ACQUIRE_TIMEOUT = Duration.ZERO;
    /** The longest acquire timeout: one hour. */
    public static final Duration MAX_ACQUIRE_TIMEOUT = Duration.ofHours(1);

    /** Checks the settings. */
    public ConnectionCompartmentConfig {
        Settings.name(name);
        Objects.requireNonNull(pool, "pool must not be null");
        Settings.atLeast("reserved", reserved, 0);
        Settings.atLeast("ceiling", ceiling, Math.max(1, reserved));
        Settings.durationBetween("acquireTimeout", acquireTimeout, MIN_ACQUIRE_TIMEOUT, MAX_ACQUIRE_TIMEOUT);
    }
}
