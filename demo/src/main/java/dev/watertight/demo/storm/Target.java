package dev.watertight.demo.storm;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service under the storm, over HTTP: sends each operation with a realistic body, remembers
 * the users it created (so reads and orders name real ones), drives the dependency stubs and
 * reads the service's snapshot. Thread-safe; each request runs on the caller's (virtual) thread.
 */
final class Target {
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");
    private static final String[] REPORTS = {"sales", "users", "inventory"};

    private final URI base;
    private final Duration timeout;
    private final HttpClient client;
    private final AtomicLongArray users = new AtomicLongArray(1024);
    private final AtomicLong created = new AtomicLong();
    private final AtomicLong sequence = new AtomicLong();

    Target(URI base, Duration timeout) {
        this.base = base;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(2))
                .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    /** Sends one request and says how it ended; never throws. */
    Outcome send(Operation operation) {
        try {
            HttpResponse<String> response = client.send(request(operation), HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status / 100 == 2) {
                if (operation == Operation.SIGNUP) {
                    remember(response.body());
                }
                return Outcome.SUCCEEDED;
            }
            return status == 503 ? Outcome.REJECTED : Outcome.FAILED;
        } catch (IOException failed) {
            return Outcome.FAILED;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return Outcome.FAILED;
        }
    }

    private HttpRequest request(Operation operation) {
        long n = sequence.incrementAndGet();
        HttpRequest.Builder builder = switch (operation) {
            case SIGNUP -> post("/users", "{\"username\":\"user" + n + "\",\"email\":\"user" + n + "@example.com\"}");
            case READ_USER -> HttpRequest.newBuilder(base.resolve("/users/" + someUser())).GET();
            case ORDER -> post("/orders", String.format(Locale.ROOT, "{\"userId\":%d,\"amount\":%d}", someUser(),
                    10 + ThreadLocalRandom.current().nextInt(500)));
            case REPORT -> HttpRequest.newBuilder(base.resolve("/reports/" + REPORTS[(int) (n % REPORTS.length)])).GET();
        };
        return builder.timeout(timeout).build();
    }

    private HttpRequest.Builder post(String path, String json) {
        return HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    private void remember(String body) {
        Matcher id = ID.matcher(body);
        if (id.find()) {
            long slot = created.getAndIncrement();
            users.set((int) (slot % users.length()), Long.parseLong(id.group(1)));
        }
    }

    /** One of the users created so far (1 before any was). */
    private long someUser() {
        long known = Math.min(created.get(), users.length());
        if (known == 0) {
            return 1;
        }
        long id = users.get(ThreadLocalRandom.current().nextInt((int) known));
        return id == 0 ? 1 : id;
    }

    /** How many users the storm has created. */
    long usersCreated() {
        return created.get();
    }

    /**
     * Changes how a dependency stub behaves.
     *
     * @throws IOException if the service refused
     */
    void stub(String name, int latencyMs, double failureRate) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(post("/admin/stubs/" + name,
                String.format(Locale.ROOT, "{\"latencyMs\":%d,\"failureRate\":%.3f}", latencyMs, failureRate))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("the service refused to change stub '" + name + "': " + response.statusCode() + " "
                    + response.body());
        }
    }

    /** The service's snapshot JSON, or null if it did not answer within a second. */
    String snapshot() {
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(base.resolve("/api/snapshot"))
                    .timeout(Duration.ofSeconds(1)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException failed) {
            return null;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
