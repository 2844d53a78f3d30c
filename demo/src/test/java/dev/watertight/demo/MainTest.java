package dev.watertight.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The launcher's commands and their mistakes. */
class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpListsTheCommands() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("serve");
    }

    @Test
    void aCommandShowsItsOptions() {
        assertThat(run("serve", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--port", "--mode", "--jdbc-url", "--jdbc-user");
    }

    @Test
    void mistakesExitWith2AndSayWhy() {
        assertThat(run()).isEqualTo(2);
        assertThat(run("nonsense")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command 'nonsense'");
        assertThat(run("serve", "--mode", "sideways")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--mode must be shared or compartments");
        assertThat(run("serve", "--port", "99999")).isEqualTo(2);
        assertThat(run("serve", "--colour", "red")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --colour");
    }

    @Test
    void serveOptionsBecomeTheServiceOptions() {
        ShopService.Options options = ServeCommand.options(Arguments.parse(
                List.of("--mode=shared", "--port", "0", "--jdbc-url", "jdbc:postgresql://h/db", "--jdbc-user", "me",
                        "--report-ms", "200"),
                java.util.Set.of("mode", "port", "jdbc-url", "jdbc-user", "report-ms")));
        assertThat(options.mode()).isEqualTo(Mode.SHARED);
        assertThat(options.port()).isZero();
        assertThat(options.jdbcUrl()).isEqualTo("jdbc:postgresql://h/db");
        assertThat(options.jdbcUser()).isEqualTo("me");
        assertThat(options.reportDelay()).hasMillis(200);
    }
}
