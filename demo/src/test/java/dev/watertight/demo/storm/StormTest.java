package dev.watertight.demo.storm;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storm's machinery against a small fake of the service: arrivals at the phases' rates,
 * outcomes classified, the payment stub switched at phase boundaries, snapshots read, the report
 * written with its data and uPlot inlined.
 */
class StormTest {
    private final AtomicLong users = new AtomicLong();
    private final Map<String, String> stubs = new ConcurrentHashMap<>();
    private HttpServer server;

    @TempDir
    Path directory;

    private URI start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/users", exchange -> {
            if (exchange.getRequestMethod().equals("POST")) {
                respond(exchange, 201, "{\"id\":" + users.incrementAndGet() + "}");
            } else {
                respond(exchange, 200, "{\"id\":1,\"username\":\"someone\"}");
            }
        });
        server.createContext("/orders", exchange -> {
            // the fake's "payment" refuses every order while the stub is set to fail
            boolean failing = stubs.getOrDefault("payment", "").contains("\"failureRate\":1.000");
            respond(exchange, failing ? 503 : 201, failing ? "{\"error\":\"payment is open\"}" : "{\"id\":7}");
        });
        server.createContext("/reports", exchange -> respond(exchange, 500, "{\"error\":\"no reports here\"}"));
        server.createContext("/admin/stubs", exchange -> {
            String name = exchange.getRequestURI().getPath().substring("/admin/stubs/".length());
            stubs.put(name, new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            respond(exchange, 200, "{}");
        });
        server.createContext("/api/snapshot", exchange -> respond(exchange, 200,
                "{\"compartments\":[{\"name\":\"order-ops\",\"threadPool\":{\"activeThreads\":3,\"queued\":1},"
                        + "\"circuitBreaker\":{\"state\":\"CLOSED\"}}]}"));
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void runsTheTimelineRecordsEveryOutcomeAndWritesAnOfflineReport() throws Exception {
        URI base = start();
        Timeline timeline = Timeline.standard(Duration.ofSeconds(4));
        List<String> progress = new java.util.concurrent.CopyOnWriteArrayList<>();

        StormRun run = new Storm(base, timeline, Duration.ofSeconds(5)).run("compartments", progress::add);

        assertThat(progress).hasSize(5);
        assertThat(progress.get(0)).contains("warming up");
        assertThat(progress.get(4)).contains("recovery");
        OperationSummary signups = run.overall().get(Operation.SIGNUP);
        assertThat(signups.requests()).isBetween(30L, 45L); // 10/s for 4 s (the 20 seed users are not counted)
        assertThat(signups.succeeded()).isEqualTo(signups.requests());
        assertThat(signups.p99Ms()).isPositive();
        assertThat(run.in("payment outage", Operation.ORDER).rejected())
                .as("orders are refused while the payment stub fails").isPositive();
        assertThat(run.in("calm", Operation.ORDER).rejected()).isZero();
        assertThat(run.in("reporting flood", Operation.REPORT).failed()).isGreaterThan(15);
        assertThat(stubs.get("payment")).as("the stub is restored at the end").contains("\"latencyMs\":100,\"failureRate\":0.000");
        assertThat(run.snapshots()).hasSize(4).allMatch(snapshot -> snapshot.contains("order-ops"));
        assertThat(run.seconds().get(Operation.READ_USER)).hasSize(4);

        Path report = StormReport.write(Path.of("target/storm-test-report.html"), List.of(run, run)); // kept as a test artifact
        String html = Files.readString(report);
        assertThat(html).contains("uPlot").contains("\"mode\":\"compartments\"").contains("order-ops")
                .doesNotContain("/*STORM_DATA*/").doesNotContain("/*UPLOT_JS*/");
        assertThat(ComparisonTable.of(run, run)).contains("signup").contains("p99 ms (failed) by phase");
    }
}
