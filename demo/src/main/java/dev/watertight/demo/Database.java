package dev.watertight.demo;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where the shop's data lives: a JDBC URL with its user and password, an embedded in-memory H2
 * database by default. Immutable.
 *
 * @param url the JDBC URL
 * @param user the user, or null for the driver's default
 * @param password the password, or null
 */
record Database(String url, String user, String password) {
    private static final AtomicLong NEXT = new AtomicLong();

    /** A fresh in-memory H2 database, kept while the JVM runs, private to one service. */
    static Database embedded() {
        return new Database("jdbc:h2:mem:shop-" + ProcessHandle.current().pid() + "-" + NEXT.incrementAndGet()
                + ";DB_CLOSE_DELAY=-1", null, null);
    }

    boolean isH2() {
        return url.startsWith("jdbc:h2:");
    }

    /** A HikariCP pool of the given size; connections are opened as needed, not all at once. */
    HikariDataSource pool(String name, int size) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(url);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(Math.min(size, 2));
        config.setConnectionTimeout(30_000);
        return new HikariDataSource(config);
    }
}
