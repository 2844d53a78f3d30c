package dev.watertight.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The README's connection-compartment example, compiled and run. Keep the two in step. */
class ReadmeExampleTest {

    @Test
    void theReadmeExampleRuns() throws Exception {
        try (HikariDataSource hikari = Databases.h2Pool(15); HikariDataSource analyticsDb = Databases.h2Pool(2)) {
            ConnectionCompartments db = ConnectionCompartments.builder()
                    .pool("app-db", hikari, 15)                                    // one HikariCP pool of 15
                    .compartment("read", "app-db", c -> c.ceiling(10))
                    .compartment("write", "app-db", c -> c.reserved(3).ceiling(5)) // 3 always free for writes
                    .compartment("analytics", analyticsDb, c -> c.ceiling(2))      // a database of its own
                    .acquireTimeout(Duration.ofSeconds(5))
                    .build();
            try (Connection connection = db.compartment("write").getConnection()) {
                assertThat(connection.isValid(1)).isTrue();
            }
            assertThat(db.stats()).allSatisfy(stats -> assertThat(stats.inUse()).isZero());
            db.close();
        }
    }
}
