package dev.watertight.demo.storm;

import java.util.Locale;

/** The two runs side by side, as text for the terminal (and the report). */
public final class ComparisonTable {
    private ComparisonTable() {}

    /**
     * Per operation over the whole run, then each operation's p99 and failures phase by phase.
     *
     * @param shared the run against one shared pool, without breakers
     * @param compartments the run against Watertight's compartments
     * @return the tables
     */
    public static String of(StormRun shared, StormRun compartments) {
        StringBuilder out = new StringBuilder();
        String row = "%-10s | %8s %8s %6s %6s %8s %8s %8s | %8s %8s %6s %6s %8s %8s %8s%n";
        out.append(String.format(Locale.ROOT, "%-10s | %-62s | %-62s%n", "", "one shared pool, no breakers",
                "Watertight compartments"));
        out.append(String.format(Locale.ROOT, row, "operation", "requests", "ok", "503", "failed", "p50 ms", "p99 ms",
                "max ms", "requests", "ok", "503", "failed", "p50 ms", "p99 ms", "max ms"));
        for (Operation operation : Operation.values()) {
            OperationSummary a = shared.overall().get(operation);
            OperationSummary b = compartments.overall().get(operation);
            out.append(String.format(Locale.ROOT, row, operation.label(),
                    a.requests(), a.succeeded(), a.rejected(), a.failed(), ms(a.p50Ms()), ms(a.p99Ms()), ms(a.maxMs()),
                    b.requests(), b.succeeded(), b.rejected(), b.failed(), ms(b.p50Ms()), ms(b.p99Ms()), ms(b.maxMs())));
        }
        out.append(String.format(Locale.ROOT, "%np99 ms (failed) by phase%n"));
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-10s |", "operation"));
        for (Phase phase : shared.timeline().phases()) {
            header.append(String.format(Locale.ROOT, " %-31s |", phase.name()));
        }
        out.append(header).append(System.lineSeparator());
        StringBuilder sub = new StringBuilder(String.format(Locale.ROOT, "%-10s |", ""));
        for (int i = 0; i < shared.timeline().phases().size(); i++) {
            sub.append(String.format(Locale.ROOT, " %-15s %-15s |", "shared", "compartments"));
        }
        out.append(sub).append(System.lineSeparator());
        for (Operation operation : Operation.values()) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-10s |", operation.label()));
            for (int i = 0; i < shared.timeline().phases().size(); i++) {
                OperationSummary a = shared.byPhase().get(i).get(operation);
                OperationSummary b = compartments.byPhase().get(i).get(operation);
                line.append(String.format(Locale.ROOT, " %-15s %-15s |", cell(a), cell(b)));
            }
            out.append(line).append(System.lineSeparator());
        }
        return out.toString();
    }

    /**
     * One run's operations, over the whole run and phase by phase.
     *
     * @param run the run
     * @return the table
     */
    public static String single(StormRun run) {
        StringBuilder out = new StringBuilder();
        String row = "%-10s | %8s %8s %6s %6s %8s %8s %8s%n";
        out.append(String.format(Locale.ROOT, row, "operation", "requests", "ok", "503", "failed", "p50 ms", "p99 ms", "max ms"));
        for (Operation operation : Operation.values()) {
            OperationSummary a = run.overall().get(operation);
            out.append(String.format(Locale.ROOT, row, operation.label(), a.requests(), a.succeeded(), a.rejected(),
                    a.failed(), ms(a.p50Ms()), ms(a.p99Ms()), ms(a.maxMs())));
        }
        return out.toString();
    }

    private static String cell(OperationSummary summary) {
        if (summary.requests() == 0) {
            return "-";
        }
        return ms(summary.p99Ms()) + " (" + summary.failed() + ")";
    }

    private static String ms(double millis) {
        return millis >= 100 ? String.format(Locale.ROOT, "%,.0f", millis) : String.format(Locale.ROOT, "%.1f", millis);
    }
}
