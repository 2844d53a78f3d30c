package dev.watertight.demo.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DashboardTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String SENDER_THREAD = "watertight-dashboard-events";

    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicInteger snapshots = new AtomicInteger();
    private Dashboard dashboard;
    private Javalin app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
        http.close();
    }

    @Test
    void servesThePageItsScriptsAndTheSnapshot() throws Exception {
        start(Duration.ofMinutes(1), this::counting);

        HttpResponse<String> page = get("/dashboard");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(page.body()).contains("/dashboard/dashboard.js", "/dashboard/uPlot.iife.min.js");
        for (String asset : List.of("/dashboard/dashboard.js", "/dashboard/dashboard.css", "/dashboard/uPlot.iife.min.js",
                "/dashboard/uPlot.min.css")) {
            assertThat(get(asset).statusCode()).as(asset).isEqualTo(200);
        }
        assertThat(get("/dashboard/uPlot.iife.min.js").body()).contains("uPlot");

        HttpResponse<String> snapshot = get("/api/snapshot");
        assertThat(snapshot.statusCode()).isEqualTo(200);
        assertThat(snapshot.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(snapshot.body()).matches("\\{\"n\":\\d+}");
        assertThat(get("/dashboard/../pom.xml").statusCode()).isEqualTo(404);
        assertThat(get("/dashboard/index.html").statusCode()).isEqualTo(404);
    }

    @Test
    void sendsASnapshotAtOnceWhenAClientConnects() throws Exception {
        start(Duration.ofMinutes(1), this::counting); // no tick within the test

        try (EventStreamClient client = connect()) {
            assertThat(client.status()).isEqualTo(200);
            assertThat(client.contentType()).startsWith("text/event-stream");
            assertThat(client.next(WAIT)).matches("\\{\"n\":\\d+}");
        }
    }

    @Test
    void sendsOneSnapshotEveryIntervalToEveryClient() throws Exception {
        start(Duration.ofMillis(100), this::counting);

        try (EventStreamClient first = connect(); EventStreamClient second = connect()) {
            first.next(WAIT);
            second.next(WAIT);
            // The first client may have heard a tick more before the second connected: line them up.
            String b = second.next(WAIT);
            String a = first.next(WAIT);
            while (number(a) < number(b)) {
                a = first.next(WAIT);
            }
            // A tick reads the snapshot once and sends the same text to every client; ticks follow
            // each other with one read each.
            assertThat(a).isEqualTo(b);
            String nextA = first.next(WAIT);
            assertThat(second.next(WAIT)).isEqualTo(nextA);
            assertThat(number(nextA)).isEqualTo(number(a) + 1);
        }
    }

    @Test
    void dropsClientsThatWentAway() throws Exception {
        start(Duration.ofMillis(100), this::counting);
        EventStreamClient leaving = connect();
        try (EventStreamClient staying = connect()) {
            leaving.next(WAIT);
            staying.next(WAIT);
            assertThat(dashboard.clients()).isEqualTo(2);

            leaving.close();

            await().atMost(WAIT).until(() -> dashboard.clients() == 1);
            staying.next(WAIT); // the others go on
        }
        await().atMost(WAIT).until(() -> dashboard.clients() == 0);
    }

    @Test
    void aFailingSnapshotSkipsOneTickAndTheStreamGoesOn() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        start(Duration.ofMillis(100), () -> {
            if (calls.incrementAndGet() == 2) {
                throw new IllegalStateException("registry unavailable");
            }
            return "{\"call\":" + calls.get() + "}";
        });

        try (EventStreamClient client = connect()) {
            assertThat(client.next(WAIT)).isEqualTo("{\"call\":1}");
            assertThat(client.next(WAIT)).isEqualTo("{\"call\":3}");
            assertThat(dashboard.snapshotFailures()).isEqualTo(1);
        }
    }

    @Test
    void stoppingTheServerEndsTheStreamsAndTheSenderThread() throws Exception {
        start(Duration.ofMillis(100), this::counting);
        assertThat(senderThreads()).isEqualTo(1);
        try (EventStreamClient client = connect()) {
            client.next(WAIT);

            app.stop();
            app = null;

            assertThat(dashboard.clients()).isZero();
            await().atMost(WAIT).until(() -> senderThreads() == 0);
        }
    }

    @Test
    void refusesAnIntervalOutOfRange() {
        assertThatThrownBy(() -> Dashboard.of(() -> "{}", Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("interval must be from 50 ms to 1 minute, but was PT0.01S");
    }

    private String counting() {
        return "{\"n\":" + snapshots.incrementAndGet() + "}";
    }

    private static int number(String json) {
        return Integer.parseInt(json.replaceAll("\\D", ""));
    }

    private void start(Duration interval, Supplier<String> snapshot) {
        dashboard = Dashboard.of(snapshot, interval);
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            dashboard.accept(config);
        }).start("127.0.0.1", 0);
    }

    private EventStreamClient connect() throws Exception {
        return new EventStreamClient(URI.create("http://127.0.0.1:" + app.port() + Dashboard.EVENTS));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static long senderThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals(SENDER_THREAD) && thread.isAlive()).count();
    }
}
