package dev.watertight.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** A test's HTTP client for the shop: real requests over loopback with the JDK client. */
final class Http {
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** An answer: status, Retry-After header and the body, parsed when it is JSON. */
    record Answer(int status, Optional<String> retryAfter, String text, JsonNode json) {
        @Override
        public String toString() {
            return status + " " + text;
        }
    }

    private final URI base;

    Http(URI base) {
        this.base = base;
    }

    Answer get(String path) {
        return send(request(path).GET().build());
    }

    Answer post(String path, String body) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    CompletableFuture<Answer> getAsync(String path) {
        return CLIENT.sendAsync(request(path).GET().build(), HttpResponse.BodyHandlers.ofString()).thenApply(Http::answer);
    }

    CompletableFuture<Answer> postAsync(String path, String body) {
        return CLIENT.sendAsync(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(Http::answer);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT);
    }

    private static Answer send(HttpRequest request) {
        try {
            return answer(CLIENT.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        }
    }

    private static Answer answer(HttpResponse<String> response) {
        JsonNode json = null;
        if (response.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
            try {
                json = JSON.readTree(response.body());
            } catch (IOException notJson) {
                throw new AssertionError("the body is not JSON: " + response.body(), notJson);
            }
        }
        return new Answer(response.statusCode(), response.headers().firstValue("Retry-After"), response.body(), json);
    }
}
