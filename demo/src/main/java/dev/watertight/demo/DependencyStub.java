package dev.watertight.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for one external dependency of the shop (payment, email, analytics): a small HTTP
 * server on a loopback port that answers {@code POST /} after a set latency, and fails a set
 * share of calls with 503. Latency and failure rate can be changed while it runs, from any
 * thread, to stage an outage. The payment stub also declines amounts over 10,000, as the seed's
 * does, but with 422: a business refusal from a healthy dependency, which no breaker should
 * count (the seed answered 503 {@code "Payment service unavailable"}, and any client could
 * open its breaker with three large orders).
 *
 * <p>Each request runs on a virtual thread of its own, so a slow stub never queues callers: the
 * caller's own limits are what the demo shows. The behaviour is one immutable record in a
 * volatile field, so a change is seen whole by the next request. Thread-safe.
 */
public final class DependencyStub implements AutoCloseable {
    /** Amounts above this fail at the payment stub, as in the seed. */
    public static final double PAYMENT_LIMIT = 10_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile Behaviour behaviour;

    /**
     * How a stub answers.
     *
     * @param latency how long it takes to answer, zero or more
     * @param failureRate the share of calls it fails with 503, from 0 to 1
     */
    public record Behaviour(Duration latency, double failureRate) {
        /** Checks the values. */
        public Behaviour {
            Objects.requireNonNull(latency, "latency must not be null");
            if (latency.isNegative() || latency.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("latency must be from 0 to 5 minutes, was " + latency);
            }
            if (!(failureRate >= 0 && failureRate <= 1)) {
                throw new IllegalArgumentException("failureRate must be from 0 to 1, was " + failureRate);
            }
        }
    }

    private DependencyStub(String name, Behaviour behaviour) throws IOException {
        this.name = name;
        this.behaviour = behaviour;
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        server.setExecutor(executor);
        server.createContext("/", this::answer);
        server.start();
    }

    /**
     * Starts a stub on a free loopback port.
     *
     * @param name the dependency's name; {@code payment} also refuses amounts over 10,000
     * @param behaviour its latency and failure rate to begin with
     * @return the running stub
     * @throws IOException if no port could be bound
     */
    public static DependencyStub start(String name, Behaviour behaviour) throws IOException {
        return new DependencyStub(Objects.requireNonNull(name, "name"), Objects.requireNonNull(behaviour, "behaviour"));
    }

    /** The dependency's name. */
    public String name() {
        return name;
    }

    /** Where the stub listens: {@code http://127.0.0.1:PORT/}. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /** How it answers now. */
    public Behaviour behaviour() {
        return behaviour;
    }

    /**
     * Changes how it answers, from the next request on.
     *
     * @param next the new latency and failure rate
     */
    public void behave(Behaviour next) {
        this.behaviour = Objects.requireNonNull(next, "behaviour");
    }

    /** Requests received since it started. */
    public long calls() {
        return calls.get();
    }

    /** Requests it failed (injected failures and unreadable requests; not declined payments). */
    public long failures() {
        return failures.get();
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            calls.incrementAndGet();
            Behaviour now = behaviour;
            JsonNode request;
            try (InputStream body = exchange.getRequestBody()) {
                byte[] bytes = body.readNBytes(64 * 1024);
                request = bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
            } catch (IOException badJson) {
                failures.incrementAndGet();
                respond(exchange, 400, error("bad request: " + badJson.getMessage()));
                return;
            }
            if (!now.latency().isZero()) {
                try {
                    Thread.sleep(now.latency()); // the simulated dependency's own latency
                } catch (InterruptedException stopping) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (name.equals("payment") && request.path("amount").asDouble(0) > PAYMENT_LIMIT) {
                respond(exchange, 422, error("payment declined: amounts over 10000 are not accepted"));
            } else if (now.failureRate() > 0 && ThreadLocalRandom.current().nextDouble() < now.failureRate()) {
                failures.incrementAndGet();
                respond(exchange, 503, error(name + " failed (injected failure)"));
            } else {
                ObjectNode ok = JSON.createObjectNode();
                ok.put("status", "ok");
                ok.put("id", name + "-" + calls.get());
                respond(exchange, 200, ok);
            }
        }
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }

    private static void respond(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Stops the stub; requests in progress are cut short. Idempotent. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "DependencyStub[" + name + " at " + uri() + ", " + behaviour + "]";
    }
}
