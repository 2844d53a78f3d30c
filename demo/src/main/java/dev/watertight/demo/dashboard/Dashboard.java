package dev.watertight.demo.dashboard;

import io.javalin.config.JavalinConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The live dashboard: a page that shows every compartment of the service (limits, what is in use
 * and queued, acceptances, rejections, failures, breaker state, health, CPU and memory), its
 * connection compartments, memory budgets and recent events, with charts of the last minute,
 * updated every second by server-sent events. Everything it needs is served from the class path,
 * so it works offline.
 *
 * <p>It is a Javalin configuration step that adds these routes:
 * <ul>
 *   <li>{@code GET /dashboard}: the page (and its script, style and uPlot under
 *       {@code /dashboard/...});</li>
 *   <li>{@code GET /api/events}: server-sent events, an event named {@code snapshot} holding the
 *       snapshot document at once on connect, then once per interval;</li>
 *   <li>{@code GET /api/snapshot}: the snapshot document itself, as {@code application/json}.</li>
 * </ul>
 *
 * <p>The document it shows is the one {@link dev.watertight.demo.Snapshots} writes; the shop
 * mounts it so:
 *
 * <pre>{@code
 * Snapshots snapshots = new Snapshots(new ObjectMapper(), Mode.COMPARTMENTS, isolation, stubs);
 * Dashboard dashboard = Dashboard.of(snapshots::json);
 * Javalin app = Javalin.create(config -> {
 *     dashboard.accept(config);
 *     config.routes.get("/users/{id}", ...);
 * }).start("127.0.0.1", 8080);
 * }</pre>
 *
 * <p>All events are sent by one daemon thread, started when the dashboard is added to a
 * configuration and stopped when that server stops or the dashboard is closed; clients that went
 * away are dropped. Thread-safe.
 */
public final class Dashboard implements Consumer<JavalinConfig>, AutoCloseable {
    /** The page's path. */
    public static final String PAGE = "/dashboard";
    /** The server-sent events' path. */
    public static final String EVENTS = "/api/events";
    /** The snapshot's path. */
    public static final String SNAPSHOT = "/api/snapshot";

    private final Supplier<String> snapshot;
    private final SnapshotStream stream;
    private final DashboardAssets assets;

    private Dashboard(Supplier<String> snapshot, Duration interval) {
        this.snapshot = snapshot;
        this.stream = new SnapshotStream(snapshot, interval);
        this.assets = DashboardAssets.load();
    }

    /**
     * A dashboard that sends a snapshot every second.
     *
     * @param snapshot gives the current snapshot document (as
     *     {@link dev.watertight.demo.Snapshots#json()} writes it), each time it is asked; called
     *     from the events thread and from request threads
     * @return the dashboard, not yet mounted
     * @throws IllegalStateException if the page's resources or the uPlot webjar are missing
     */
    public static Dashboard of(Supplier<String> snapshot) {
        return of(snapshot, Duration.ofSeconds(1));
    }

    /**
     * A dashboard that sends a snapshot every interval.
     *
     * @param snapshot gives the current snapshot document, each time it is asked
     * @param interval from 50 ms to 1 minute
     * @return the dashboard, not yet mounted
     * @throws IllegalArgumentException if the interval is out of range
     */
    public static Dashboard of(Supplier<String> snapshot, Duration interval) {
        Objects.requireNonNull(snapshot, "snapshot must not be null");
        if (interval == null || interval.compareTo(Duration.ofMillis(50)) < 0 || interval.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("interval must be from 50 ms to 1 minute, but was " + interval);
        }
        return new Dashboard(snapshot, interval);
    }

    /**
     * Adds the dashboard's routes to a Javalin configuration, starts sending events, and stops
     * sending them when that server stops.
     *
     * @param config the configuration of the server being created
     */
    @Override
    public void accept(JavalinConfig config) {
        assets.byPath().forEach((path, asset) -> config.routes.get(path, ctx -> ctx
                .contentType(asset.contentType())
                .header("Cache-Control", "no-cache")
                .result(asset.body())));
        config.routes.get(SNAPSHOT, ctx -> ctx
                .contentType("application/json")
                .header("Cache-Control", "no-store")
                .result(snapshot.get()));
        config.routes.sse(EVENTS, stream::connect);
        config.events.serverStopping(stream::close);
        stream.start();
    }

    /** How many event clients are connected now. */
    public int clients() {
        return stream.clients();
    }

    /** How many times the snapshot supplier threw (or gave null) while events were being sent. */
    public long snapshotFailures() {
        return stream.snapshotFailures();
    }

    /** Stops sending events and closes every event stream; the page and snapshot routes stay. */
    @Override
    public void close() {
        stream.close();
    }
}
