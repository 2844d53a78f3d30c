package dev.watertight.demo;

import dev.watertight.demo.storm.ComparisonTable;
import dev.watertight.demo.storm.Operation;
import dev.watertight.demo.storm.OperationSummary;
import dev.watertight.demo.storm.StormReport;
import dev.watertight.demo.storm.StormRun;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code demo}: the shop built two ways, each under the same storm — first with one shared pool
 * and no breakers, then with Watertight's compartments — then both side by side, and the report.
 */
final class DemoCommand implements Command {
    private static final Set<String> OPTIONS = Set.of("duration", "jdbc-url", "jdbc-user", "jdbc-password", "report");

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "storm the shop built with one shared pool, then with compartments; compare; write the report";
    }

    @Override
    public String usage() {
        return """
                  --duration SECONDS       length of each storm (default 48: calm, reporting flood, payment outage, recovery)
                  --jdbc-url URL           a database instead of the embedded H2 (e.g. jdbc:postgresql://127.0.0.1:5432/test)
                  --jdbc-user USER         its user
                  --jdbc-password SECRET   its password
                  --report FILE            where to write the HTML report (default target/watertight-report.html)
                """;
    }

    @Override
    public int run(List<String> args, PrintStream out) throws Exception {
        Arguments arguments = Arguments.parse(args, OPTIONS);
        if (arguments.help()) {
            out.println("usage: demo [options]\n" + usage());
            return 0;
        }
        int duration = StormCommand.duration(arguments);
        Path reportFile = Path.of(arguments.text("report", "target/watertight-report.html"));
        ShopService.Options options = ShopService.Options.defaults()
                .port(0)
                .database(arguments.text("jdbc-url", null), arguments.text("jdbc-user", null),
                        arguments.text("jdbc-password", null));

        out.println("The seed's e-commerce shop, under a storm of " + duration + " s: calm, a reporting flood, a payment"
                + " outage, recovery.");
        StormRun shared = StormCommand.stormOnce(options.mode(Mode.SHARED), duration, out,
                "Run 1 of 2: one shared thread pool and one shared connection pool, no breakers (how most services are built)");
        StormRun compartments = StormCommand.stormOnce(options.mode(Mode.COMPARTMENTS), duration, out,
                "Run 2 of 2: Watertight's compartments, from demo/src/main/resources/watertight-demo.yaml");

        out.println();
        out.print(ComparisonTable.of(shared, compartments));
        out.println();
        for (Operation operation : List.of(Operation.SIGNUP, Operation.ORDER)) {
            out.println(isolation(operation, shared, compartments));
        }
        Path written = StormReport.write(reportFile, List.of(shared, compartments));
        out.println();
        out.println("Report (charts of both runs, viewable offline): " + written.toAbsolutePath());
        return 0;
    }

    /** One line: how much an operation's p99 grew from calm to the flood, in each build. */
    static String isolation(Operation operation, StormRun shared, StormRun compartments) {
        return String.format(Locale.ROOT, "%-8s p99 during the reporting flood / calm: shared pool %s, compartments %s",
                operation.label(), growth(shared, operation), growth(compartments, operation));
    }

    private static String growth(StormRun run, Operation operation) {
        OperationSummary calm = run.in("calm", operation);
        OperationSummary flood = run.in("reporting flood", operation);
        String failed = flood.failed() + flood.rejected() == 0 ? "" : ", " + (flood.failed() + flood.rejected()) + " not served";
        if (calm.p99Ms() <= 0 || flood.succeeded() == 0) {
            return "n/a (" + flood.succeeded() + " served" + failed + ")";
        }
        return String.format(Locale.ROOT, "%.1fx (%.0f -> %.0f ms%s)", flood.p99Ms() / calm.p99Ms(), calm.p99Ms(), flood.p99Ms(), failed);
    }
}
