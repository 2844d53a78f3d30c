package dev.watertight.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * Calls the dependency stubs with the JDK {@link HttpClient}: a POST of a JSON document, answered
 * by a JSON document. A 5xx answer, an answer that is not JSON, an unreachable stub or the
 * client's own request timeout is a {@link DependencyFailedException} (the dependency failed:
 * its breaker counts it); a 4xx answer is a {@link DependencyRefusedException} (the dependency
 * works and said no: its breaker ignores it); an interrupt (a compartment's timeout) stays an
 * {@link InterruptedException}. Thread-safe.
 */
final class DependencyClient implements AutoCloseable {
    /** The only timeout a shared-pool service has: the HTTP client's. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final ObjectMapper json;
    private final Map<String, URI> endpoints;
    private final HttpClient client;

    DependencyClient(ObjectMapper json, Map<String, URI> endpoints) {
        this.json = json;
        this.endpoints = Map.copyOf(endpoints);
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    JsonNode call(String dependency, Object payload)
            throws DependencyFailedException, DependencyRefusedException, InterruptedException {
        URI uri = endpoints.get(dependency);
        if (uri == null) {
            throw new IllegalArgumentException("no dependency named '" + dependency + "'; known: " + endpoints.keySet());
        }
        HttpResponse<String> response;
        try {
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .timeout(REQUEST_TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(payload)))
                    .build();
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException unreachable) {
            throw new DependencyFailedException(dependency, String.valueOf(unreachable), unreachable);
        }
        JsonNode body;
        try {
            body = json.readTree(response.body());
        } catch (IOException notJson) {
            throw new DependencyFailedException(dependency, "answered " + response.statusCode() + " with no JSON", notJson);
        }
        if (response.statusCode() / 100 == 4) {
            throw new DependencyRefusedException(dependency, response.statusCode(),
                    body.path("error").asText("status " + response.statusCode()));
        }
        if (response.statusCode() / 100 != 2) {
            throw new DependencyFailedException(dependency, body.path("error").asText("status " + response.statusCode()), null);
        }
        return body;
    }

    @Override
    public void close() {
        client.shutdownNow();
    }
}
