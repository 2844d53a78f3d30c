package dev.watertight;

import dev.watertight.internal.Settings;

/**
 * A database connection pool that connection compartments share, as a configuration file
 * describes it; {@code watertight-jdbc} builds the compartments over the pool's
 * {@code DataSource}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the pool's name
 * @param capacity how many connections the pool holds, at least 1
 */
public record ConnectionPoolConfig(String name, int capacity) {

    /** Checks the settings. */
    public ConnectionPoolConfig {
        Settings.name(name);
        Settings.atLeast("capacity", capacity, 1);
    }
}
