package dev.watertight.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.util.OptionalInt;
import javax.sql.DataSource;

/**
 * What the compartments ask of a HikariCP pool: its maximum size, so the quotas can be checked
 * against it, and the eviction of a connection found broken. HikariCP is an optional dependency:
 * without it on the class path, or for any other {@code DataSource}, nothing is asked.
 */
final class HikariPools {
    private static final boolean PRESENT = isPresent();

    private HikariPools() {
    }

    private static boolean isPresent() {
        try {
            Class.forName("com.zaxxer.hikari.HikariDataSource", false, HikariPools.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * The pool's maximum size, if it is a HikariCP pool.
     *
     * @param dataSource any data source
     * @return its maximum pool size, or empty if it is not HikariCP's
     */
    static OptionalInt maximumPoolSize(DataSource dataSource) {
        return PRESENT ? Hikari.maximumPoolSize(dataSource) : OptionalInt.empty();
    }

    /**
     * Asks a HikariCP pool to discard a connection it handed out, which failed to close: HikariCP
     * discards connections on the errors it knows as fatal, and this covers the others.
     *
     * @param dataSource the pool
     * @param connection the connection it handed out
     */
    static void evict(DataSource dataSource, Connection connection) {
        if (PRESENT) {
            Hikari.evict(dataSource, connection);
        }
    }

    /** Loaded only when HikariCP is present. */
    private static final class Hikari {
        static OptionalInt maximumPoolSize(DataSource dataSource) {
            return dataSource instanceof HikariDataSource hikari
                    ? OptionalInt.of(hikari.getMaximumPoolSize())
                    : OptionalInt.empty();
        }

        static void evict(DataSource dataSource, Connection connection) {
            if (dataSource instanceof HikariDataSource hikari && !hikari.isClosed()) {
                hikari.evictConnection(connection);
            }
        }
    }
}
