package dev.watertight.demo.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The files the dashboard page is made of, read once from the class path: the page, its script
 * and style, and uPlot's script and style from the uPlot webjar. Only these are served, by exact
 * path, so no request can reach another resource. The webjar's version is read from its Maven
 * metadata, so the page's paths do not change when the webjar is upgraded.
 *
 * <p>Immutable and thread-safe.
 */
final class DashboardAssets {
    /** What one path serves; the body is read once at start and never changed. */
    @SuppressWarnings("ArrayRecordComponent")
    record Asset(String contentType, byte[] body) {}

    private static final String UPLOT_METADATA = "META-INF/maven/org.webjars.npm/uplot/pom.properties";

    private final Map<String, Asset> byPath;

    private DashboardAssets(Map<String, Asset> byPath) {
        this.byPath = Map.copyOf(byPath);
    }

    /**
     * Reads every asset now.
     *
     * @return the assets, by the path they are served at
     * @throws IllegalStateException if one is missing from the class path
     */
    static DashboardAssets load() {
        ClassLoader loader = DashboardAssets.class.getClassLoader();
        String uplot = "META-INF/resources/webjars/uplot/" + uplotVersion(loader) + "/dist/";
        Map<String, Asset> assets = new LinkedHashMap<>();
        assets.put(Dashboard.PAGE, new Asset("text/html; charset=utf-8", read(loader, "dashboard/index.html")));
        assets.put(Dashboard.PAGE + "/dashboard.js",
                new Asset("text/javascript; charset=utf-8", read(loader, "dashboard/dashboard.js")));
        assets.put(Dashboard.PAGE + "/dashboard.css", new Asset("text/css; charset=utf-8", read(loader, "dashboard/dashboard.css")));
        assets.put(Dashboard.PAGE + "/uPlot.iife.min.js",
                new Asset("text/javascript; charset=utf-8", read(loader, uplot + "uPlot.iife.min.js")));
        assets.put(Dashboard.PAGE + "/uPlot.min.css", new Asset("text/css; charset=utf-8", read(loader, uplot + "uPlot.min.css")));
        return new DashboardAssets(assets);
    }

    /** Every path served, with what it serves. */
    Map<String, Asset> byPath() {
        return byPath;
    }

    private static String uplotVersion(ClassLoader loader) {
        Properties metadata = new Properties();
        try (InputStream in = loader.getResourceAsStream(UPLOT_METADATA)) {
            if (in == null) {
                throw new IllegalStateException("the uPlot webjar (org.webjars.npm:uplot) is not on the class path: "
                        + UPLOT_METADATA + " is missing");
            }
            metadata.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + UPLOT_METADATA, e);
        }
        return metadata.getProperty("version");
    }

    private static byte[] read(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard's resource " + resource + " is not on the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
