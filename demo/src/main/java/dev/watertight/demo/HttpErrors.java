package dev.watertight.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watertight.BulkheadFullException;
import dev.watertight.CircuitBreakerOpenException;
import dev.watertight.CompartmentClosedException;
import dev.watertight.CompartmentRejectedException;
import dev.watertight.RateLimitExceededException;
import dev.watertight.TaskTimeoutException;
import dev.watertight.jdbc.ConnectionCompartmentExhaustedException;
import dev.watertight.jdbc.ConnectionCompartmentUnavailableException;
import io.javalin.http.HttpResponseException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Turns whatever a request ended with into its answer, always JSON with an {@code error}:
 *
 * <ul>
 *   <li>the client's mistake: 4xx, with {@code field}, {@code value} and {@code allowed} when one
 *       field is at fault;
 *   <li>a dependency that refused the request on its merits (a declined payment): 422 with
 *       {@code dependency};
 *   <li>a refusal by a Watertight guard (a full compartment, an open breaker, a rate limit, a
 *       connection compartment with no connection in time, a closed compartment), or the shared
 *       pool's refusal, or shutdown: 503 with {@code Retry-After} (seconds), {@code compartment}
 *       and {@code reason};
 *   <li>a compartment's timeout: 504 with {@code compartment};
 *   <li>a dependency that failed: 502 with {@code dependency};
 *   <li>anything else: 500, saying no more than that (the details go to the log, never a class
 *       name to the client).
 * </ul>
 */
final class HttpErrors {
    /** An answer: status, {@code Retry-After} seconds (0 for none) and body. */
    record Answer(int status, long retryAfterSeconds, ObjectNode body) {}

    private final ObjectMapper json;

    HttpErrors(ObjectMapper json) {
        this.json = json;
    }

    Answer answer(Throwable failure) {
        Throwable cause = unwrap(failure);
        return switch (cause) {
            case ApiException client -> {
                ObjectNode body = error(client.getMessage());
                if (client.field() != null) {
                    body.put("field", client.field());
                }
                if (client.value() != null) {
                    body.put("value", client.value());
                }
                if (client.allowed() != null) {
                    body.put("allowed", client.allowed());
                }
                yield new Answer(client.status(), 0, body);
            }
            case DependencyRefusedException refused -> {
                ObjectNode body = error(refused.getMessage());
                body.put("dependency", refused.dependency());
                yield new Answer(422, 0, body);
            }
            case HttpResponseException http -> new Answer(http.getStatus(), 0, error(http.getMessage()));
            case CompartmentRejectedException refused ->
                    rejected(refused.compartment(), reason(refused), refused.getMessage(), retryAfter(refused));
            case ConnectionCompartmentExhaustedException exhausted ->
                    rejected(exhausted.compartment(), "no-connection", exhausted.getMessage(), 1);
            case ConnectionCompartmentUnavailableException unavailable ->
                    rejected(unavailable.compartment(), "database-unavailable", unavailable.getMessage(), 5);
            case SQLTransientConnectionException noConnection ->
                    rejected(SharedIsolation.DB, "no-connection", noConnection.getMessage(), 1);
            case TaskTimeoutException timeout -> {
                ObjectNode body = error(timeout.getMessage());
                body.put("compartment", timeout.compartment()).put("reason", "timeout");
                yield new Answer(504, 0, body);
            }
            case DependencyFailedException dependency -> {
                ObjectNode body = error(dependency.getMessage());
                body.put("dependency", dependency.dependency());
                yield new Answer(502, 0, body);
            }
            case CancellationException shutdown -> rejected("service", "shutting-down", "the service is shutting down", 5);
            case RejectedExecutionException full -> rejected(SharedIsolation.POOL, "full",
                    full.getMessage() == null ? "the shared pool refused the work" : full.getMessage(), 1);
            default -> new Answer(500, 0, error("internal error (logged by the server)"));
        };
    }

    /** The answer to a request that arrives while the service shuts down. */
    Answer shuttingDown() {
        return rejected("service", "shutting-down", "the service is shutting down", 5);
    }

    ObjectNode error(String message) {
        return json.createObjectNode().put("error", message == null ? "unknown error" : message);
    }

    private Answer rejected(String compartment, String reason, String message, long retryAfterSeconds) {
        ObjectNode body = error(message);
        body.put("compartment", compartment).put("reason", reason);
        return new Answer(503, Math.max(1, retryAfterSeconds), body);
    }

    private static String reason(CompartmentRejectedException refused) {
        return switch (refused) {
            case BulkheadFullException full -> "full";
            case CircuitBreakerOpenException open -> "circuit-open";
            case RateLimitExceededException limited -> "rate-limited";
            case CompartmentClosedException closed -> "closed";
            default -> "refused";
        };
    }

    private static long retryAfter(CompartmentRejectedException refused) {
        long nanos = switch (refused) {
            case CircuitBreakerOpenException open -> open.retryAfterNanos();
            case RateLimitExceededException limited -> limited.retryAfterNanos();
            default -> -1;
        };
        // Rounded up: a client that comes back after Retry-After must not be refused again for it.
        return nanos <= 0 ? 1 : (nanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof ExecutionException || cause instanceof CompletionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
