package dev.watertight.examples;

import dev.watertight.jdbc.ConnectionCompartmentStats;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the seed's {@link DatabaseService}: a few signups and reads, then a report while the
 * analytics compartment is full, to show that writes go on and the report is refused with a
 * message that says why. On the embedded database by default; give a PostgreSQL JDBC URL (and
 * optionally a user) as arguments, or as {@code -Dexample.jdbcUrl} and {@code -Dexample.jdbcUser},
 * to run it there.
 *
 * <pre>
 * mvn -q -pl examples -am compile exec:exec -Dexample=dev.watertight.examples.DatabaseServiceExample
 * mvn -q -pl examples -am compile exec:exec -Dexample=dev.watertight.examples.DatabaseServiceExample \
 *     -Dexample.jdbcUrl=jdbc:postgresql://127.0.0.1:5432/test -Dexample.jdbcUser=postgres
 * </pre>
 */
public final class DatabaseServiceExample {
    private DatabaseServiceExample() {
    }

    /**
     * Runs the example.
     *
     * @param args nothing for the embedded database, or a JDBC URL and optionally a user
     * @throws SQLException if the database fails
     */
    public static void main(String[] args) throws SQLException {
        String url = args.length > 0 ? args[0] : System.getProperty("example.jdbcUrl", "");
        String user = args.length > 1 ? args[1] : System.getProperty("example.jdbcUser", "");
        boolean embedded = url.isBlank();
        Duration acquireTimeout = Duration.ofMillis(500);
        try (DatabaseService service = embedded ? DatabaseService.embedded(acquireTimeout)
                : DatabaseService.on(url, url, user.isBlank() ? null : user, acquireTimeout)) {
            System.out.println("DatabaseService on " + (embedded ? "an embedded H2 database" : url));
            long ada = service.writeUser("ada", "ada@example.com");
            long alan = service.writeUser("alan", "alan@example.com");
            System.out.println("  wrote users " + ada + " and " + alan + "; read back " + service.readUser(alan).orElseThrow());

            // Two long reports hold both analytics connections...
            List<Connection> reports = new ArrayList<>();
            reports.add(service.compartments().compartment("analytics").getConnection());
            reports.add(service.compartments().compartment("analytics").getConnection());
            try {
                // ...so the third waits its acquire timeout and is refused, while writes are not touched.
                long grace = service.writeUser("grace", "grace@example.com");
                System.out.println("  with analytics full, a write still took a connection at once: user " + grace);
                service.generateAnalytics();
            } catch (SQLException refused) {
                System.out.println("  a third report was refused: " + refused.getMessage());
            } finally {
                for (Connection report : reports) {
                    report.close();
                }
            }
            System.out.println("  analytics counts " + service.generateAnalytics() + " users in its own database"
                    + (embedded ? " (the seed's analytics.db, which nothing here fills)" : ""));
            for (ConnectionCompartmentStats stats : service.stats()) {
                System.out.printf(java.util.Locale.ROOT, "  %-9s limit %2d, reserved %d, in use %d, acquired %d, timeouts %d, connection errors %d%n",
                        stats.name(), stats.limit(), stats.reserved(), stats.inUse(), stats.acquired(),
                        stats.acquireTimeouts(), stats.connectionErrors());
            }
        }
    }
}
