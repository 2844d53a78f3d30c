package dev.watertight.demo;

import dev.watertight.demo.storm.ComparisonTable;
import dev.watertight.demo.storm.Storm;
import dev.watertight.demo.storm.StormReport;
import dev.watertight.demo.storm.StormRun;
import dev.watertight.demo.storm.Timeline;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** {@code storm}: runs the storm against a shop that is already running, and writes its report. */
final class StormCommand implements Command {
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Set<String> OPTIONS = Set.of("url", "duration", "report");

    @Override
    public String name() {
        return "storm";
    }

    @Override
    public String summary() {
        return "run the storm against a running shop (see serve) and write its report";
    }

    @Override
    public String usage() {
        return """
                  --url URL                the shop (default http://127.0.0.1:8080)
                  --duration SECONDS       length of the storm (default 48: calm, reporting flood, payment outage, recovery)
                  --report FILE            where to write the HTML report (default target/watertight-storm.html)
                """;
    }

    @Override
    public int run(List<String> args, PrintStream out) throws Exception {
        Arguments arguments = Arguments.parse(args, OPTIONS);
        if (arguments.help()) {
            out.println("usage: storm [options]\n" + usage());
            return 0;
        }
        URI base = URI.create(arguments.text("url", "http://127.0.0.1:8080"));
        int duration = duration(arguments);
        Storm storm = new Storm(base, Timeline.standard(Duration.ofSeconds(duration)), REQUEST_TIMEOUT);
        StormRun run = storm.run("storm", progress(out));
        out.println();
        out.print(ComparisonTable.single(run));
        Path written = StormReport.write(Path.of(arguments.text("report", "target/watertight-storm.html")), List.of(run));
        out.println("Report: " + written.toAbsolutePath());
        return 0;
    }

    static int duration(Arguments arguments) {
        String text = arguments.text("duration", "48");
        try {
            int seconds = Integer.parseInt(text);
            if (seconds >= 4 && seconds <= 3600) {
                return seconds;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new IllegalArgumentException("--duration must be a whole number of seconds from 4 to 3600, was '" + text + "'");
    }

    /** Starts a shop, storms it, stops it. */
    static StormRun stormOnce(ShopService.Options options, int duration, PrintStream out, String title) throws Exception {
        out.println();
        out.println(title);
        try (ShopService shop = ShopService.start(options)) {
            out.println("  live dashboard: " + shop.baseUri().resolve("/dashboard"));
            Storm storm = new Storm(shop.baseUri(), Timeline.standard(Duration.ofSeconds(duration)), REQUEST_TIMEOUT);
            StormRun run = storm.run(shop.mode().name().toLowerCase(java.util.Locale.ROOT), progress(out));
            out.println();
            return run;
        }
    }

    /**
     * Whether the output is a terminal. Java 22 and later give a console even when the output is
     * redirected and tell a terminal by {@code Console.isTerminal()}, which Java 21 (the release
     * this is compiled for) lacks; Java 21 gives a console only for a terminal.
     */
    @SuppressWarnings("SystemConsoleNull") // both behaviours are handled here
    static boolean isTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException java21) {
            return true;
        }
    }

    /** A progress line rewritten in place on a terminal, printed every 5 s otherwise. */
    static java.util.function.Consumer<String> progress(PrintStream out) {
        boolean terminal = isTerminal();
        int[] seconds = {0};
        return line -> {
            seconds[0]++;
            if (terminal) {
                out.print("\r" + line);
                out.flush();
            } else if (seconds[0] % 5 == 0) {
                out.println(line);
            }
        };
    }
}
