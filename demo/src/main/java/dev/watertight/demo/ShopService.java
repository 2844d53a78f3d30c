package dev.watertight.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watertight.CompartmentConfig;
import dev.watertight.WatertightConfig;
import dev.watertight.config.WatertightYaml;
import io.javalin.Javalin;
import dev.watertight.demo.dashboard.Dashboard;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seed's e-commerce service over real HTTP on a loopback port, in either {@link Mode}:
 *
 * <pre>{@code
 * try (ShopService shop = ShopService.start(ShopService.Options.defaults().mode(Mode.COMPARTMENTS))) {
 *     URI base = shop.baseUri();                      // http://127.0.0.1:PORT/
 *     shop.stub("payment").behave(new DependencyStub.Behaviour(Duration.ofSeconds(3), 0.5));
 *     String snapshot = shop.snapshots().json();      // what GET /api/snapshot serves
 * }
 * }</pre>
 *
 * <p>The shop: {@code POST /users {username, email}}, {@code GET /users/{id}},
 * {@code POST /orders {userId, amount}}, {@code GET /reports/{type}} ({@code sales} or
 * {@code users}), JSON in and out. Admin, on the same loopback server:
 * {@code GET /api/snapshot} ({@link Snapshots}), {@code GET /metrics} (Prometheus text),
 * {@code GET /health} (the health report), {@code GET /admin/stubs} and
 * {@code POST /admin/stubs/{name} {latencyMs, failureRate}} (either field may be left out).
 * Errors are JSON {@code {"error": ...}}; see {@link HttpErrors} for the statuses. The
 * dependency stubs (payment, email, analytics) are started with the service and stopped with it.
 *
 * <p>Requests are served on virtual threads. {@link #close()} refuses new requests with 503,
 * closes the work pools (what is queued or running gets their grace period, then 503), waits for
 * the requests admitted before to be answered, then stops the server, the stubs and the
 * databases. Thread-safe.
 */
public final class ShopService implements AutoCloseable {
    /** The configuration shipped with the demo, on the class path. */
    public static final String CONFIG_RESOURCE = "/watertight-demo.yaml";
    /** The names of the dependency stubs. */
    public static final List<String> DEPENDENCIES = List.of("payment", "email", "analytics");

    private static final java.util.Set<String> STUB_FIELDS = java.util.Set.of("latencyMs", "failureRate");
    private static final Logger LOG = LoggerFactory.getLogger(ShopService.class);
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Options options;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpErrors errors = new HttpErrors(json);
    private final InFlight inFlight = new InFlight();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Map<String, DependencyStub> stubs = new LinkedHashMap<>();
    private final List<AutoCloseable> resources = new ArrayList<>(); // closed in reverse order
    private Isolation isolation;
    private ShopDatabase database;
    private Snapshots snapshots;
    private PrometheusMeterRegistry metrics;
    private ShopHandlers handlers;
    private Javalin server;
    private final GracefulHandler answering = new GracefulHandler();

    /**
     * How to start the service. Immutable; each {@code with}-style method returns a copy.
     *
     * @param mode compartments or one shared pool
     * @param port the port to listen on, 0 for any free one
     * @param jdbcUrl the database, or null for an embedded in-memory H2 database
     * @param jdbcUser the database user, or null
     * @param jdbcPassword the database password, or null
     * @param reportDelay how long the database takes over each report
     * @param configYaml the compartments' YAML, or null for the shipped {@value #CONFIG_RESOURCE}
     * @param maxBodyBytes the largest request body accepted; larger ones get 413
     * @param stubLatency each stub's latency at start, by name (those not named: {@link #DEFAULT_STUB_LATENCY})
     * @param routes more routes to add to the server (the dashboard's), given the service
     * @param adminToken the bearer token the admin endpoints require, or null for none
     */
    public record Options(
            Mode mode,
            int port,
            String jdbcUrl,
            String jdbcUser,
            String jdbcPassword,
            Duration reportDelay,
            String configYaml,
            long maxBodyBytes,
            Map<String, Duration> stubLatency,
            List<BiConsumer<JavalinConfig, ShopService>> routes,
            String adminToken) {

        /** A stub's latency when its name has none ({@link #defaults()} names all three). */
        public static final Duration DEFAULT_STUB_LATENCY = Duration.ofMillis(20);

        /** Checks the options. */
        public Options {
            Objects.requireNonNull(mode, "mode must not be null");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be from 0 to 65535, was " + port);
            }
            Objects.requireNonNull(reportDelay, "reportDelay must not be null");
            if (reportDelay.isNegative() || reportDelay.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("reportDelay must be from 0 to 1 minute, was " + reportDelay);
            }
            if (maxBodyBytes < 1024) {
                throw new IllegalArgumentException("maxBodyBytes must be at least 1024, was " + maxBodyBytes);
            }
            stubLatency = Map.copyOf(stubLatency);
            routes = List.copyOf(routes);
        }

        /**
         * Compartments, any free port, embedded H2, reports of 1.5 s, the shipped configuration,
         * bodies up to 64 KiB, payment 100 ms, email 50 ms, analytics 20 ms (the seed's latencies).
         */
        public static Options defaults() {
            return new Options(Mode.COMPARTMENTS, 0, null, null, null, Duration.ofMillis(1500), null, 64 * 1024,
                    Map.of("payment", Duration.ofMillis(100), "email", Duration.ofMillis(50),
                            "analytics", Duration.ofMillis(20)),
                    List.of(), null);
        }

        /** With another mode. */
        public Options mode(Mode value) {
            return new Options(value, port, jdbcUrl, jdbcUser, jdbcPassword, reportDelay, configYaml, maxBodyBytes,
                    stubLatency, routes, adminToken);
        }

        /** With another port (0: any free one). */
        public Options port(int value) {
            return new Options(mode, value, jdbcUrl, jdbcUser, jdbcPassword, reportDelay, configYaml, maxBodyBytes,
                    stubLatency, routes, adminToken);
        }

        /** On another database (url null: the embedded one). */
        public Options database(String url, String user, String password) {
            return new Options(mode, port, url, user, password, reportDelay, configYaml, maxBodyBytes, stubLatency, routes, adminToken);
        }

        /** With another report delay. */
        public Options reportDelay(Duration value) {
            return new Options(mode, port, jdbcUrl, jdbcUser, jdbcPassword, value, configYaml, maxBodyBytes,
                    stubLatency, routes, adminToken);
        }

        /** With another compartments' configuration, as YAML text (null: the shipped one). */
        public Options configYaml(String value) {
            return new Options(mode, port, jdbcUrl, jdbcUser, jdbcPassword, reportDelay, value, maxBodyBytes,
                    stubLatency, routes, adminToken);
        }

        /** With another body limit. */
        public Options maxBodyBytes(long value) {
            return new Options(mode, port, jdbcUrl, jdbcUser, jdbcPassword, reportDelay, configYaml, value,
                    stubLatency, routes, adminToken);
        }

        /** With every stub's latency at start given (names not in the map: {@link #DEFAULT_STUB_LATENCY}). */
        public Options stubLatency(Map<String, Duration> value) {
            return new Options(mode, port, jdbcUrl, jdbcUser, jdbcPassword, reportDelay, configYaml, maxBodyBytes,
                    value, routes, adminToken);
        }

        /** With a bearer token the admin endpoints require (null: none; Host and Content-Type are checked anyway). */
        public Options adminToken(String value) {
            if (value != null && value.isBlank()) {
                throw new IllegalArgumentException("adminToken must not be blank");
            }
            return new Options(mode, port, jdbcUrl, jdbcUser, jdbcPassword, reportDelay, configYaml, maxBodyBytes,
                    stubLatency, routes, value);
        }

        /** With more routes, added when the server is configured, after the shop's and admin ones. */
        public Options withRoutes(BiConsumer<JavalinConfig, ShopService> more) {
            List<BiConsumer<JavalinConfig, ShopService>> all = new ArrayList<>(routes);
            all.add(Objects.requireNonNull(more, "routes"));
            return new Options(mode, port, jdbcUrl, jdbcUser, jdbcPassword, reportDelay, configYaml, maxBodyBytes,
                    stubLatency, all, adminToken);
        }
    }

    private ShopService(Options options) {
        this.options = options;
    }

    /**
     * Starts the stubs, the databases and the server.
     *
     * @param options how
     * @return the running service
     * @throws IllegalArgumentException if the configuration is invalid
     * @throws IllegalStateException if something could not start (a port, the database); whatever
     *     had started is stopped again
     */
    public static ShopService start(Options options) {
        ShopService service = new ShopService(Objects.requireNonNull(options, "options"));
        try {
            service.startAll();
            return service;
        } catch (RuntimeException | Error failed) {
            service.closeResources();
            throw failed;
        } catch (Exception failed) {
            service.closeResources();
            throw new IllegalStateException("the shop could not start: " + failed.getMessage(), failed);
        }
    }

    private void startAll() throws Exception {
        WatertightConfig config = WatertightYaml.parse(
                options.configYaml() == null ? shippedConfig() : options.configYaml(),
                options.configYaml() == null ? CONFIG_RESOURCE : "the given configuration");
        requireWhatTheShopUses(config);
        for (String name : DEPENDENCIES) {
            DependencyStub stub = DependencyStub.start(name, new DependencyStub.Behaviour(
                    options.stubLatency().getOrDefault(name, Options.DEFAULT_STUB_LATENCY), 0));
            resources.add(stub);
            stubs.put(name, stub);
        }
        Database db = options.jdbcUrl() == null ? Database.embedded()
                : new Database(options.jdbcUrl(), options.jdbcUser(), options.jdbcPassword());
        isolation = options.mode() == Mode.COMPARTMENTS ? new CompartmentIsolation(config, db) : shared(config, db);
        resources.add(isolation);
        database = new ShopDatabase(isolation, db.isH2(), options.reportDelay());
        resources.add(database::shutdownIfEmbedded);
        Map<String, URI> endpoints = new LinkedHashMap<>();
        stubs.forEach((name, stub) -> endpoints.put(name, stub.uri()));
        DependencyClient client = new DependencyClient(json, endpoints);
        resources.add(client);
        handlers = new ShopHandlers(json, isolation, database, client);
        snapshots = new Snapshots(json, options.mode(), isolation, stubs);
        metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        resources.add(metrics::close);
        isolation.bindMetrics(metrics);
        server = Javalin.create(this::configure);
        server.start("127.0.0.1", options.port());
        resources.add(server::stop);
        resources.add(this::awaitAnswersSent);
    }

    /** The compartments, budgets and connection compartments the handlers use, by name. */
    static final List<String> NEEDED_COMPARTMENTS = List.of("user-ops", "order-ops", "reporting", "payment", "email", "analytics");
    static final List<String> NEEDED_MEMORY = List.of("user-cache", "session-cache", "static-cache");
    static final List<String> NEEDED_CONNECTIONS = List.of("read", "write", "analytics");

    /** Fails the start, naming every part missing, rather than answering 500 on the first request that needs it. */
    static void requireWhatTheShopUses(WatertightConfig config) {
        List<String> missing = new ArrayList<>();
        NEEDED_COMPARTMENTS.stream().filter(name -> !config.compartments().containsKey(name))
                .forEach(name -> missing.add("compartments." + name));
        NEEDED_MEMORY.stream().filter(name -> !config.memory().containsKey(name)).forEach(name -> missing.add("memory." + name));
        NEEDED_CONNECTIONS.stream().filter(name -> !config.connectionCompartments().containsKey(name))
                .forEach(name -> missing.add("connections.compartments." + name));
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("the configuration lacks what the shop uses: " + String.join(", ", missing));
        }
    }

    /** The shared build gets as many threads and connections as the compartments have together. */
    private static SharedIsolation shared(WatertightConfig config, Database db) {
        int threads = 0;
        for (CompartmentConfig compartment : config.compartments().values()) {
            if (compartment.threadPool() != null) {
                threads += compartment.threadPool().threads();
            }
        }
        int connections = config.connectionPools().values().stream().mapToInt(pool -> pool.capacity()).sum();
        return new SharedIsolation(Math.max(1, threads), 10_000, Math.max(1, connections), db);
    }

    private static String shippedConfig() throws IOException {
        try (InputStream in = ShopService.class.getResourceAsStream(CONFIG_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(CONFIG_RESOURCE + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private void configure(JavalinConfig config) {
        config.concurrency.useVirtualThreads = true;
        config.startup.showJavalinBanner = false;
        config.startup.showOldJavalinVersionWarning = false;
        config.http.maxRequestSize = options.maxBodyBytes();
        // Javalin puts its handlers inside this one, which counts requests until their answers
        // are sent, as our own count (which ends when a handler returns) cannot.
        config.jetty.modifyServer(jetty -> {
            jetty.setHandler(answering);
            jetty.setErrorHandler(new JsonErrorPages()); // Jetty's own 400, 413, 414, 431 as JSON
        });
        config.http.prefer405over404 = true;
        var routes0 = config.routes;
        // HEAD would answer 200 without running a route: refused with 405, GET is the way to read.
        routes0.before(ctx -> {
            if (ctx.method() == io.javalin.http.HandlerType.HEAD) {
                String allow = Routes.allow(ctx.path());
                throw new ApiException(allow == null ? 404 : 405, allow == null ? "no such resource: HEAD " + ctx.path()
                        : "method not allowed: HEAD " + ctx.path() + "; allowed: " + allow, null, null, allow);
            }
        });
        for (String admin : List.of("/admin/*", "/metrics", "/api/*", "/health")) {
            routes0.before(admin, ctx -> AdminGuard.check(ctx, options.adminToken()));
        }
        var routes = config.routes;
        routes.post("/users", ctx -> serve(ctx, 201, () -> handlers.signUp(ctx.body())));
        routes.get("/users/{id}", ctx -> serve(ctx, 200, () -> handlers.user(ctx.pathParam("id"))));
        routes.post("/orders", ctx -> serve(ctx, 201, () -> handlers.order(ctx.body())));
        routes.get("/reports/{type}", ctx -> serve(ctx, 200, () -> handlers.report(ctx.pathParam("type"))));
        routes.get("/health", ctx -> ctx.contentType("application/json").result(healthJson()));
        routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
        routes.get("/admin/stubs", ctx -> answer(ctx, 200, stubsJson()));
        routes.post("/admin/stubs/{name}", ctx -> serve(ctx, 200, () -> changeStub(ctx.pathParam("name"), ctx.body())));
        routes.exception(Exception.class, (failure, ctx) -> fail(ctx, failure));
        routes.error(404, ctx -> jsonIfEmpty(ctx, "no such resource: " + ctx.method() + " " + ctx.path()));
        routes.error(405, ctx -> {
            String allow = Routes.allow(ctx.path());
            if (allow != null) {
                ctx.header("Allow", allow);
            }
            jsonIfEmpty(ctx, "method not allowed: " + ctx.method() + " " + ctx.path() + (allow == null ? "" : "; allowed: " + allow));
        });
        // The live dashboard: /dashboard, /api/snapshot and /api/events (server-sent snapshots).
        Dashboard.of(snapshots::json).accept(config);
        for (BiConsumer<JavalinConfig, ShopService> more : options.routes()) {
            more.accept(config, this);
        }
    }

    /** A task that answers a request with JSON, or fails. */
    @FunctionalInterface
    private interface Work {
        JsonNode run() throws Exception;
    }

    private void serve(Context ctx, int status, Work work) {
        if (!inFlight.enter()) {
            answer(ctx, errors.shuttingDown());
            return;
        }
        try {
            answer(ctx, status, work.run());
        } catch (Exception | Error failure) {
            fail(ctx, failure);
        } finally {
            inFlight.exit();
        }
    }

    private void fail(Context ctx, Throwable failure) {
        HttpErrors.Answer answer = errors.answer(failure);
        if (answer.status() == 500) {
            LOG.warn("{} {} failed", ctx.method(), ctx.path(), failure);
        }
        answer(ctx, answer);
    }

    private void answer(Context ctx, HttpErrors.Answer answer) {
        if (answer.retryAfterSeconds() > 0) {
            ctx.header("Retry-After", Long.toString(answer.retryAfterSeconds()));
        }
        answer(ctx, answer.status(), answer.body());
    }

    private void answer(Context ctx, int status, JsonNode body) {
        try {
            ctx.status(status).contentType("application/json").result(json.writeValueAsString(body));
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
    }

    private void jsonIfEmpty(Context ctx, String message) {
        String result = ctx.result();
        if (result == null || result.isEmpty() || !"application/json".equals(ctx.res().getContentType())) {
            answer(ctx, ctx.statusCode(), errors.error(message));
        }
    }

    private String healthJson() {
        var report = isolation.health();
        return report == null ? "{\"health\":null,\"compartments\":[],\"note\":\"a shared service has no health monitor\"}"
                : report.toJson();
    }

    private ObjectNode stubsJson() {
        ObjectNode all = json.createObjectNode();
        var list = all.putArray("stubs");
        snapshots.tree().withArray("stubs").forEach(list::add);
        return all;
    }

    private ObjectNode changeStub(String name, String body) {
        DependencyStub stub = stubs.get(name);
        if (stub == null) {
            throw ApiException.notFound("no stub named '" + name + "'; there are " + stubs.keySet());
        }
        RequestBody request = RequestBody.parse(body, STUB_FIELDS);
        DependencyStub.Behaviour now = stub.behaviour();
        Duration latency = now.latency();
        double failureRate = now.failureRate();
        if (request.has("latencyMs")) {
            latency = Duration.ofMillis(request.whole("latencyMs", 0, 300_000));
        }
        if (request.has("failureRate")) {
            failureRate = request.decimal("failureRate", java.math.BigDecimal.ZERO, java.math.BigDecimal.ONE).doubleValue();
        }
        stub.behave(new DependencyStub.Behaviour(latency, failureRate));
        return json.createObjectNode().put("name", name).put("latencyMs", latency.toMillis()).put("failureRate", failureRate);
    }

    /** Where the service listens: {@code http://127.0.0.1:PORT/}. */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.port() + "/");
    }

    /** The build the service runs. */
    public Mode mode() {
        return options.mode();
    }

    /** The options it was started with. */
    public Options options() {
        return options;
    }

    /**
     * A dependency stub, to change its latency or failure rate while the service runs.
     *
     * @param name {@code payment}, {@code email} or {@code analytics}
     * @return the stub
     * @throws IllegalArgumentException if there is no stub of that name
     */
    public DependencyStub stub(String name) {
        DependencyStub stub = stubs.get(name);
        if (stub == null) {
            throw new IllegalArgumentException("no stub named '" + name + "'; there are " + stubs.keySet());
        }
        return stub;
    }

    /** The snapshots of the service's isolation, as {@code GET /api/snapshot} serves them. */
    public Snapshots snapshots() {
        return snapshots;
    }

    /** Whether {@link #close()} has begun: new requests get 503 from then on. */
    public boolean closing() {
        return inFlight.closing();
    }

    /** Waits until the answers of the requests served are written out (new ones get 503 from Jetty). */
    private void awaitAnswersSent() throws Exception {
        try {
            answering.shutdown().get(STOP_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException stillWriting) {
            // A sunk shared pool can hold thousands of requests; they are cut off, as a stop does.
            LOG.warn("answers still being written after {}; stopping anyway", STOP_TIMEOUT);
        }
    }

    /** How the service isolates its work (for tests). */
    Isolation isolation() {
        return isolation;
    }

    /** The shop requests being served now. */
    int requestsInFlight() {
        return inFlight.count();
    }

    /**
     * Shuts down: refuses new requests with 503, closes the work pools (queued and running work
     * gets their grace period, then is refused with 503), waits for every admitted request to be
     * answered, then stops the server, the stubs and the databases. Idempotent; returns when done.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        inFlight.close();
        try {
            isolation.stopAdmitting();
            if (!inFlight.awaitDrained(DRAIN_LIMIT)) {
                LOG.warn("requests still in flight after {}; stopping anyway", DRAIN_LIMIT);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } finally {
            closeResources();
        }
    }

    private void closeResources() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception | Error failed) {
                LOG.warn("closing {} failed", resources.get(i), failed);
            }
        }
        resources.clear();
    }

    @Override
    public String toString() {
        return "ShopService[" + options.mode() + (server == null ? "" : " at " + baseUri()) + "]";
    }
}
