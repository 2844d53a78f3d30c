package dev.watertight.demo.storm;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the storm's report: one HTML file, viewable offline, with uPlot (from its webjar) and
 * the data of both runs inlined: latency and throughput per operation over time, in use and
 * queue per compartment, breaker states, phases shaded, and the comparison table.
 */
public final class StormReport {
    private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";

    private StormReport() {}

    /**
     * Writes the report.
     *
     * @param file where to write it
     * @param runs the runs to show, in order
     * @return the file
     */
    public static Path write(Path file, List<StormRun> runs) {
        String template = resource("storm/report.html");
        String table = runs.size() == 2 ? ComparisonTable.of(runs.get(0), runs.get(1)) : "";
        String html = template
                .replace("/*UPLOT_CSS*/", resource(UPLOT + "uPlot.min.css"))
                .replace("/*UPLOT_JS*/", resource(UPLOT + "uPlot.iife.min.js").replace("</script", "<\\/script"))
                .replace("/*STORM_DATA*/", json(runs, table).replace("</", "<\\/"));
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            return Files.writeString(file, html, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + file, e);
        }
    }

    private static String json(List<StormRun> runs, String table) {
        StringBuilder out = new StringBuilder("{\"table\":").append(string(table)).append(",\"runs\":[");
        for (int r = 0; r < runs.size(); r++) {
            StormRun run = runs.get(r);
            out.append(r == 0 ? "" : ",").append("{\"mode\":").append(string(run.mode())).append(",\"phases\":[");
            List<Phase> phases = run.timeline().phases();
            for (int p = 0; p < phases.size(); p++) {
                out.append(p == 0 ? "" : ",").append("{\"name\":").append(string(phases.get(p).name()))
                        .append(",\"seconds\":").append(phases.get(p).seconds()).append('}');
            }
            out.append("],\"operations\":{");
            boolean first = true;
            for (Map.Entry<Operation, List<double[]>> entry : run.seconds().entrySet()) {
                out.append(first ? "" : ",").append(string(entry.getKey().label())).append(":[");
                first = false;
                List<double[]> seconds = entry.getValue();
                for (int s = 0; s < seconds.size(); s++) {
                    double[] v = seconds.get(s);
                    out.append(s == 0 ? "" : ",").append('[').append(number(v[0])).append(',').append(number(v[1]))
                            .append(',').append(number(v[2])).append(',').append(number(v[3])).append(']');
                }
                out.append(']');
            }
            out.append("},\"snapshots\":[");
            for (int s = 0; s < run.snapshots().size(); s++) {
                String snapshot = run.snapshots().get(s);
                out.append(s == 0 ? "" : ",").append(snapshot == null || snapshot.isBlank() ? "null" : snapshot);
            }
            out.append("]}");
        }
        return out.append("]}").toString();
    }

    private static String number(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.3f", value) : "null";
    }

    private static String string(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }

    private static String resource(String name) {
        try (InputStream in = StormReport.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
