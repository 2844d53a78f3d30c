package dev.watertight.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** The real databases the tests use: an embedded H2, and the PostgreSQL of the machine. */
final class Databases {
    static final String POSTGRES_URL = System.getProperty("watertight.test.postgres", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String POSTGRES_USER = System.getProperty("watertight.test.postgres.user", "postgres");
    private static final AtomicInteger NEXT = new AtomicInteger();

    private Databases() {
    }

    /** A HikariCP pool over a fresh in-memory H2 database, filled before it is returned. */
    static HikariDataSource h2Pool(int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:mem:wt" + NEXT.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
        config.setPoolName("h2-" + NEXT.get());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        config.setConnectionTimeout(Duration.ofSeconds(5).toMillis());
        return new HikariDataSource(config);
    }

    /** A HikariCP pool over the machine's PostgreSQL. */
    static HikariDataSource postgresPool(String name, int size, Duration connectionTimeout) {
        return postgresPool(name, POSTGRES_URL, size, connectionTimeout);
    }

    /** A HikariCP pool over a PostgreSQL URL; it starts even when the database is down. */
    static HikariDataSource postgresPool(String name, String url, int size, Duration connectionTimeout) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(POSTGRES_USER);
        config.setPoolName(name);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        config.setConnectionTimeout(Math.max(250, connectionTimeout.toMillis()));
        config.setInitializationFailTimeout(-1); // start even if the database is not there
        return new HikariDataSource(config);
    }

    /** A connection to PostgreSQL outside every pool, for the test's own use (killing backends). */
    static Connection postgresAdmin() throws SQLException {
        return DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, "");
    }
}
