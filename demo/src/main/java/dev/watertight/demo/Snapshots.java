package dev.watertight.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watertight.BulkheadStats;
import dev.watertight.CircuitBreakerStats;
import dev.watertight.CompartmentEvent;
import dev.watertight.CompartmentHealth;
import dev.watertight.CompartmentStats;
import dev.watertight.HealthReport;
import dev.watertight.MemoryBulkheadStats;
import dev.watertight.RateLimiterStats;
import dev.watertight.ThreadPoolStats;
import dev.watertight.caffeine.BudgetedCacheStats;
import dev.watertight.jdbc.ConnectionCompartmentStats;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One JSON document with everything a service's isolation shows at an instant: what
 * {@code GET /api/snapshot} serves, what the dashboard ({@code /dashboard}, fed by
 * {@code /api/events}) shows, and what the storm reads. It is the only writer of that document.
 * Both builds of the shop give the same shape: a shared service shows its one pool as the
 * compartment {@code shared-pool} and its one database pool as the connection compartment
 * {@code shared-db}, with no memory budgets, caches, health or events.
 *
 * <pre>{@code
 * {"at":"2026-01-01T12:00:00Z", "mode":"compartments",
 *  "compartments":[{"name":"order-ops", "limit":10, "inUse":2, "queued":0, "queueCapacity":50,
 *                   "succeeded":120, "failed":3, "timedOut":0, "rejected":0,
 *                   "breaker":null, "health":{"health":"HEALTHY","since":"...","reasons":[]},
 *                   "threadPool":{...}, "bulkhead":null, "circuitBreaker":null, "rateLimiter":null,
 *                   "timeout":null, "retry":null, "cpu":null, "resources":null}, ...],
 *  "connections":[{"name":"read", "pool":"app-db", "limit":10, "reserved":0, "inUse":1, "waiting":0,
 *                  "acquired":40, "acquireTimeouts":0, "connectionErrors":0, "acquireWaitP99Ms":0.0}, ...],
 *  "memory":[{"name":"user-cache", "parent":null, "budget":104857600, "reserved":2048, "peak":4096,
 *             "refusals":0}, ...],
 *  "caches":[{"name":"user-cache", "entries":3, "hits":10, "misses":2, "evictions":0, "refusals":0,
 *             "reservedBytes":2048, "budget":104857600}, ...],
 *  "health":{...HealthReport.toJson()...} or null,
 *  "events":[{"sequence":7, "at":"...", "compartment":"payment", "kind":"STATE_CHANGE", "detail":"..."}],
 *  "stubs":[{"name":"payment", "latencyMs":100, "failureRate":0.0, "calls":12, "failures":3}, ...]}
 * }</pre>
 *
 * <p>Per compartment, the flat fields sum up its guards: {@code limit}, {@code inUse},
 * {@code queued} and {@code queueCapacity} are its thread pool's, else its bulkhead's (0 when it
 * has neither); {@code rejected} adds every guard's refusals; {@code breaker} is its breaker's
 * state or null; {@code health} is the monitor's verdict or null. The guard objects hold each
 * guard's own stats record, field for field, or null: {@code threadPool}, {@code bulkhead},
 * {@code circuitBreaker}, {@code rateLimiter}, {@code timeout}, {@code retry}, {@code cpu} (its
 * {@link dev.watertight.CpuBudgetStats}) and {@code resources} (its
 * {@link dev.watertight.ResourceStats}, where {@code allocatedBytes} is -1 when not measured).
 * A duration {@code x} is written as {@code xMs}, in milliseconds with a fraction. Events are
 * the latest {@value #EVENTS} at most, oldest first. The text escapes U+2028 and U+2029 as well,
 * so it can be inlined in a script (the storm's report does). The tests' file
 * {@code dashboard/sample-snapshot.json} shows every field, and is checked against what this
 * class writes. Thread-safe if its view is; each call takes a fresh snapshot.
 */
public final class Snapshots {
    /** The most events a snapshot lists. */
    public static final int EVENTS = 50;

    private final ObjectMapper json;
    private final ObjectWriter text;
    private final Mode mode;
    private final IsolationView isolation;
    private final Map<String, DependencyStub> stubs;

    /**
     * The snapshots of a service.
     *
     * @param json builds the tree
     * @param mode what the service runs as, written as {@code mode}
     * @param isolation what the snapshots read, at each call
     * @param stubs the dependency stubs to list, by name (may be empty), read at each call
     */
    public Snapshots(ObjectMapper json, Mode mode, IsolationView isolation, Map<String, DependencyStub> stubs) {
        this.json = Objects.requireNonNull(json, "json must not be null");
        this.text = json.writer().with(ScriptSafeEscapes.INSTANCE);
        this.mode = Objects.requireNonNull(mode, "mode must not be null");
        this.isolation = Objects.requireNonNull(isolation, "isolation must not be null");
        this.stubs = Objects.requireNonNull(stubs, "stubs must not be null");
    }

    /** A fresh snapshot, as a JSON tree the caller may change. */
    public ObjectNode tree() {
        ObjectNode root = json.createObjectNode();
        root.put("at", Instant.now().toString());
        root.put("mode", mode.name().toLowerCase(Locale.ROOT));
        HealthReport health = isolation.health();
        ArrayNode compartments = root.putArray("compartments");
        for (CompartmentStats stats : isolation.compartments()) {
            CompartmentHealth verdict = health == null ? null : health.compartment(stats.name()).orElse(null);
            compartments.add(compartment(stats, verdict));
        }
        ArrayNode connections = root.putArray("connections");
        isolation.connections().forEach(stats -> connections.add(connection(stats)));
        ArrayNode memory = root.putArray("memory");
        isolation.memory().forEach(stats -> memory.add(memory(stats)));
        ArrayNode caches = root.putArray("caches");
        isolation.caches().forEach(stats -> caches.add(cache(stats)));
        if (health == null) {
            root.putNull("health");
        } else {
            try {
                root.set("health", json.readTree(health.toJson()));
            } catch (JsonProcessingException impossible) {
                throw new UncheckedIOException(impossible);
            }
        }
        ArrayNode events = root.putArray("events");
        List<CompartmentEvent> all = isolation.events();
        all.subList(Math.max(0, all.size() - EVENTS), all.size()).forEach(event -> events.add(event(event)));
        ArrayNode stubList = root.putArray("stubs");
        stubs.values().forEach(stub -> stubList.add(stub(stub)));
        return root;
    }

    /** A fresh snapshot as JSON text, on one line. */
    public String json() {
        try {
            return text.writeValueAsString(tree());
        } catch (JsonProcessingException impossible) {
            throw new UncheckedIOException(impossible);
        }
    }

    private ObjectNode compartment(CompartmentStats stats, CompartmentHealth health) {
        ObjectNode node = json.createObjectNode();
        node.put("name", stats.name());
        ThreadPoolStats pool = stats.threadPool();
        BulkheadStats bulkhead = stats.bulkhead();
        CircuitBreakerStats breaker = stats.circuitBreaker();
        RateLimiterStats limiter = stats.rateLimiter();
        long rejected = 0;
        if (pool != null) {
            node.put("limit", pool.threads()).put("inUse", pool.activeThreads()).put("queued", pool.queued())
                    .put("queueCapacity", pool.queueCapacity()).put("succeeded", pool.succeeded())
                    .put("failed", pool.failed()).put("timedOut", pool.timedOut());
            rejected += pool.rejected();
        } else if (bulkhead != null) {
            node.put("limit", bulkhead.maxConcurrent()).put("inUse", bulkhead.inUse()).put("queued", bulkhead.waiting())
                    .put("queueCapacity", 0).put("succeeded", bulkhead.succeeded()).put("failed", bulkhead.failed())
                    .put("timedOut", stats.timeout() == null ? 0 : stats.timeout().timedOut());
        } else {
            node.put("limit", 0).put("inUse", 0).put("queued", 0).put("queueCapacity", 0).put("succeeded", 0)
                    .put("failed", 0).put("timedOut", stats.timeout() == null ? 0 : stats.timeout().timedOut());
        }
        if (bulkhead != null) {
            rejected += bulkhead.rejected();
        }
        if (breaker != null) {
            rejected += breaker.notPermitted();
        }
        if (limiter != null) {
            rejected += limiter.rejected();
        }
        node.put("rejected", rejected);
        node.put("breaker", breaker == null ? null : breaker.state().name());
        if (health == null) {
            node.putNull("health");
        } else {
            ObjectNode judged = node.putObject("health");
            judged.put("health", health.health().name()).put("since", String.valueOf(health.since()));
            health.reasons().forEach(judged.putArray("reasons")::add);
        }
        node.set("threadPool", record(pool));
        node.set("bulkhead", record(bulkhead));
        node.set("circuitBreaker", record(breaker));
        node.set("rateLimiter", record(limiter));
        node.set("timeout", record(stats.timeout()));
        node.set("retry", record(stats.retry()));
        node.set("cpu", record(stats.cpuBudget()));
        node.set("resources", record(stats.resources()));
        return node;
    }

    /** A stats record, field for field, durations in milliseconds; null stays null. */
    private ObjectNode record(Record stats) {
        if (stats == null) {
            return null;
        }
        ObjectNode node = json.createObjectNode();
        for (var component : stats.getClass().getRecordComponents()) {
            Object value;
            try {
                value = component.getAccessor().invoke(stats);
            } catch (ReflectiveOperationException unreadable) {
                throw new IllegalStateException("cannot read " + component, unreadable);
            }
            // A duration keeps its "Ms" name when it is null, so a field's name never depends on its value.
            String name = component.getName() + (component.getType() == Duration.class ? "Ms" : "");
            switch (value) {
                case null -> node.putNull(name);
                case Duration duration -> node.put(name, duration.toNanos() / 1e6);
                case Integer number -> node.put(name, number);
                case Long number -> node.put(name, number);
                case Double number -> node.put(name, number);
                case Boolean flag -> node.put(name, flag);
                default -> node.put(name, value.toString());
            }
        }
        return node;
    }

    private ObjectNode connection(ConnectionCompartmentStats stats) {
        return json.createObjectNode().put("name", stats.name()).put("pool", stats.pool()).put("limit", stats.limit())
                .put("reserved", stats.reserved()).put("inUse", stats.inUse()).put("waiting", stats.waiting())
                .put("acquired", stats.acquired()).put("acquireTimeouts", stats.acquireTimeouts())
                .put("connectionErrors", stats.connectionErrors())
                .put("acquireWaitP99Ms", stats.acquireWaitP99().toNanos() / 1e6);
    }

    private ObjectNode memory(MemoryBulkheadStats stats) {
        return json.createObjectNode().put("name", stats.name()).put("parent", stats.parent()).put("budget", stats.budget())
                .put("reserved", stats.reserved()).put("peak", stats.peak()).put("refusals", stats.refusals());
    }

    private ObjectNode cache(BudgetedCacheStats stats) {
        return json.createObjectNode().put("name", stats.name()).put("entries", stats.entries()).put("hits", stats.hits())
                .put("misses", stats.misses()).put("evictions", stats.evictions()).put("refusals", stats.refusals())
                .put("reservedBytes", stats.reservedBytes()).put("budget", stats.budget());
    }

    private ObjectNode event(CompartmentEvent event) {
        return json.createObjectNode().put("sequence", event.sequence()).put("at", event.at().toString())
                .put("compartment", event.compartment()).put("kind", event.kind().name()).put("detail", event.detail());
    }

    private ObjectNode stub(DependencyStub stub) {
        DependencyStub.Behaviour behaviour = stub.behaviour();
        return json.createObjectNode().put("name", stub.name()).put("latencyMs", behaviour.latency().toMillis())
                .put("failureRate", behaviour.failureRate()).put("calls", stub.calls()).put("failures", stub.failures());
    }
}
