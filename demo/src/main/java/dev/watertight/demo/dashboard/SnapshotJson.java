package dev.watertight.demo.dashboard;

import dev.watertight.BulkheadStats;
import dev.watertight.CircuitBreakerStats;
import dev.watertight.CompartmentEvent;
import dev.watertight.CompartmentHealth;
import dev.watertight.CompartmentRegistry;
import dev.watertight.CompartmentStats;
import dev.watertight.CpuBudgetStats;
import dev.watertight.HealthMonitor;
import dev.watertight.HealthReport;
import dev.watertight.MemoryBulkhead;
import dev.watertight.MemoryBulkheadStats;
import dev.watertight.RateLimiterStats;
import dev.watertight.ResourceStats;
import dev.watertight.RetryStats;
import dev.watertight.ThreadPoolStats;
import dev.watertight.TimeoutStats;
import dev.watertight.jdbc.ConnectionCompartmentStats;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Writes the snapshot document that the dashboard shows and {@code /api/snapshot} serves: every
 * compartment of a {@link CompartmentRegistry} with the stats of each of its guards, its health
 * as a {@link HealthMonitor} last judged it, the connection compartments, the memory budgets and
 * the recent events. Each {@link #get()} reads fresh snapshots.
 *
 * <pre>{@code
 * SnapshotJson snapshot = SnapshotJson.builder(registry)
 *         .healthMonitor(monitor)                 // optional
 *         .connections(connections::stats)        // optional
 *         .build();
 * Javalin.create(Dashboard.of(snapshot));
 * }</pre>
 *
 * <p>The document, on one line (a guard a compartment does not have is {@code null}; durations are
 * milliseconds, as numbers; the sample file {@code dashboard/sample-snapshot.json} of the tests
 * shows every field):
 *
 * <pre>{@code
 * {"at": "2025-01-01T12:00:00Z", "mode": "compartments",
 *  "compartments": [{"name": ..., "bulkhead": {...}, "threadPool": {...}, "circuitBreaker": {...},
 *                    "rateLimiter": {...}, "retry": {...}, "timeout": {...}, "cpu": {...},
 *                    "resources": {...}, "health": {"health": "HEALTHY", "reasons": [...], ...}}],
 *  "connections": [{...}], "memory": [{"name", "parent", "budget", "reserved", "peak", "refusals"}],
 *  "events": [{"at", "compartment", "kind", "detail"}], "health": {...HealthReport.toJson()...}}
 * }</pre>
 *
 * <p>Thread-safe if its suppliers are: it keeps no state between calls.
 */
public final class SnapshotJson implements Supplier<String> {
    private final CompartmentRegistry registry;
    private final HealthMonitor monitor;
    private final Supplier<? extends Collection<ConnectionCompartmentStats>> connections;
    private final Supplier<String> mode;
    private final int events;
    private final Clock clock;

    private SnapshotJson(Builder builder) {
        this.registry = builder.registry;
        this.monitor = builder.monitor;
        this.connections = builder.connections;
        this.mode = builder.mode;
        this.events = builder.events;
        this.clock = builder.clock;
    }

    /**
     * Starts describing the snapshot of a registry.
     *
     * @param registry the compartments and memory budgets to show
     * @return a builder: no health, no connection compartments, mode {@code compartments}, the
     *     last 50 events, the system clock
     */
    public static Builder builder(CompartmentRegistry registry) {
        return new Builder(registry);
    }

    /**
     * The snapshot of a registry alone, with the defaults of {@link #builder}.
     *
     * @param registry the compartments and memory budgets to show
     * @return the snapshot writer
     */
    public static SnapshotJson of(CompartmentRegistry registry) {
        return builder(registry).build();
    }

    /** Reads every snapshot now and writes the document, on one line. */
    @Override
    public String get() {
        HealthReport health = monitor == null ? null : monitor.report();
        JsonText json = new JsonText().beginObject()
                .field("at", clock.instant().toString())
                .field("mode", mode.get());
        json.name("compartments").beginArray();
        for (CompartmentStats stats : registry.snapshot()) {
            CompartmentHealth compartmentHealth = health == null ? null : health.compartment(stats.name()).orElse(null);
            writeCompartment(json, stats, compartmentHealth);
        }
        json.endArray();
        json.name("connections").beginArray();
        Collection<ConnectionCompartmentStats> connectionStats = connections.get();
        for (ConnectionCompartmentStats stats : connectionStats == null ? List.<ConnectionCompartmentStats>of() : connectionStats) {
            writeConnections(json, stats);
        }
        json.endArray();
        json.name("memory").beginArray();
        for (MemoryBulkhead budget : registry.memoryBulkheads()) {
            writeMemory(json, budget.stats());
        }
        json.endArray();
        json.name("events").beginArray();
        List<CompartmentEvent> all = registry.events().all();
        for (CompartmentEvent event : all.subList(Math.max(0, all.size() - events), all.size())) {
            json.beginObject()
                    .field("at", event.at().toString())
                    .field("compartment", event.compartment())
                    .field("kind", event.kind())
                    .field("detail", event.detail())
                    .endObject();
        }
        json.endArray();
        json.name("health");
        if (health == null) {
            json.nullValue();
        } else {
            json.raw(health.toJson());
        }
        return json.endObject().toString();
    }

    private static void writeCompartment(JsonText json, CompartmentStats stats, CompartmentHealth health) {
        json.beginObject().field("name", stats.name());
        json.name("bulkhead");
        BulkheadStats bulkhead = stats.bulkhead();
        if (bulkhead == null) {
            json.nullValue();
        } else {
            json.beginObject()
                    .field("maxConcurrent", bulkhead.maxConcurrent())
                    .field("inUse", bulkhead.inUse())
                    .field("waiting", bulkhead.waiting())
                    .field("accepted", bulkhead.accepted())
                    .field("rejected", bulkhead.rejected())
                    .field("succeeded", bulkhead.succeeded())
                    .field("failed", bulkhead.failed())
                    .endObject();
        }
        json.name("threadPool");
        ThreadPoolStats pool = stats.threadPool();
        if (pool == null) {
            json.nullValue();
        } else {
            json.beginObject()
                    .field("threads", pool.threads())
                    .field("activeThreads", pool.activeThreads())
                    .field("queued", pool.queued())
                    .field("queueCapacity", pool.queueCapacity())
                    .field("submitted", pool.submitted())
                    .field("succeeded", pool.succeeded())
                    .field("failed", pool.failed())
                    .field("rejected", pool.rejected())
                    .field("timedOut", pool.timedOut())
                    .field("cancelled", pool.cancelled())
                    .endObject();
        }
        json.name("circuitBreaker");
        CircuitBreakerStats breaker = stats.circuitBreaker();
        if (breaker == null) {
            json.nullValue();
        } else {
            json.beginObject()
                    .field("state", breaker.state())
                    .field("windowCalls", breaker.windowCalls())
                    .field("windowFailures", breaker.windowFailures())
                    .field("windowSlowCalls", breaker.windowSlowCalls())
                    .field("failureRate", breaker.failureRate())
                    .field("slowCallRate", breaker.slowCallRate())
                    .field("notPermitted", breaker.notPermitted())
                    .endObject();
        }
        json.name("rateLimiter");
        RateLimiterStats limiter = stats.rateLimiter();
        if (limiter == null) {
            json.nullValue();
        } else {
            json.beginObject()
                    .field("permitsPerPeriod", limiter.permitsPerPeriod())
                    .millisField("periodMillis", limiter.period())
                    .field("burst", limiter.burst())
                    .field("availablePermits", limiter.availablePermits())
                    .field("waiting", limiter.waiting())
                    .field("granted", limiter.granted())
                    .field("rejected", limiter.rejected())
                    .endObject();
        }
        json.name("retry");
        RetryStats retry = stats.retry();
        if (retry == null) {
            json.nullValue();
        } else {
            json.beginObject()
                    .field("calls", retry.calls())
                    .field("succeededWithoutRetry", retry.succeededWithoutRetry())
                    .field("succeededAfterRetry", retry.succeededAfterRetry())
                    .field("failedWithoutRetry", retry.failedWithoutRetry())
                    .field("failedAfterRetry", retry.failedAfterRetry())
                    .field("retries", retry.retries())
                    .field("retriesDeniedByBudget", retry.retriesDeniedByBudget())
                    .endObject();
        }
        json.name("timeout");
        TimeoutStats timeout = stats.timeout();
        if (timeout == null) {
            json.nullValue();
        } else {
            json.beginObject()
                    .millisField("timeoutMillis", timeout.timeout())
                    .field("calls", timeout.calls())
                    .field("timedOut", timeout.timedOut())
                    .endObject();
        }
        json.name("cpu");
        CpuBudgetStats cpu = stats.cpuBudget();
        if (cpu == null) {
            json.nullValue();
        } else {
            json.beginObject()
                    .field("cores", cpu.cores())
                    .millisField("cpuTimeMillis", cpu.cpuTime())
                    .field("admitted", cpu.admitted())
                    .field("waited", cpu.waited())
                    .field("refused", cpu.refused())
                    .endObject();
        }
        json.name("resources");
        ResourceStats resources = stats.resources();
        if (resources == null) {
            json.nullValue();
        } else {
            json.beginObject()
                    .field("calls", resources.calls())
                    .field("unmeasured", resources.unmeasured())
                    .millisField("cpuTimeMillis", resources.cpuTime())
                    .name("allocatedBytes");
            if (resources.allocatedBytes() < 0) {
                json.nullValue(); // -1 means "not measured"
            } else {
                json.value(resources.allocatedBytes());
            }
            json.endObject();
        }
        json.name("health");
        if (health == null) {
            json.nullValue();
        } else {
            json.beginObject()
                    .field("health", health.health())
                    .field("since", health.since().toString());
            json.name("reasons").beginArray();
            health.reasons().forEach(json::value);
            json.endArray()
                    .field("utilization", health.utilization())
                    .field("rejectionRate", health.rejectionRate())
                    .field("failureRate", health.failureRate())
                    .field("queueFill", health.queueFill())
                    .field("breakerState", health.breakerState())
                    .endObject();
        }
        json.endObject();
    }

    private static void writeConnections(JsonText json, ConnectionCompartmentStats stats) {
        json.beginObject()
                .field("name", stats.name())
                .field("pool", stats.pool())
                .field("limit", stats.limit())
                .field("reserved", stats.reserved())
                .field("inUse", stats.inUse())
                .field("waiting", stats.waiting())
                .field("acquired", stats.acquired())
                .field("acquireTimeouts", stats.acquireTimeouts())
                .field("connectionErrors", stats.connectionErrors())
                .field("leaks", stats.leaks())
                .field("reclaimed", stats.reclaimed())
                .millisField("acquireWaitP50Millis", stats.acquireWaitP50())
                .millisField("acquireWaitP99Millis", stats.acquireWaitP99())
                .millisField("acquireWaitMaxMillis", stats.acquireWaitMax())
                .endObject();
    }

    private static void writeMemory(JsonText json, MemoryBulkheadStats stats) {
        json.beginObject()
                .field("name", stats.name())
                .field("parent", stats.parent())
                .field("budget", stats.budget())
                .field("reserved", stats.reserved())
                .field("peak", stats.peak())
                .field("refusals", stats.refusals())
                .endObject();
    }

    /** Describes a {@link SnapshotJson}. Not thread-safe; build once. */
    public static final class Builder {
        private final CompartmentRegistry registry;
        private HealthMonitor monitor;
        private Supplier<? extends Collection<ConnectionCompartmentStats>> connections = List::of;
        private Supplier<String> mode = () -> "compartments";
        private int events = 50;
        private Clock clock = Clock.systemUTC();

        private Builder(CompartmentRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry must not be null");
        }

        /**
         * Where each compartment's health and the overall report come from: the monitor's last
         * report ({@link HealthMonitor#report()}); the snapshot never samples it. Without one,
         * {@code health} is null everywhere.
         *
         * @param monitor the monitor, sampled by whoever started it
         * @return this builder
         */
        public Builder healthMonitor(HealthMonitor monitor) {
            this.monitor = Objects.requireNonNull(monitor, "healthMonitor must not be null");
            return this;
        }

        /**
         * The connection compartments to show, read at each snapshot.
         *
         * @param connections gives their stats (a null or empty collection shows none)
         * @return this builder
         */
        public Builder connections(Supplier<? extends Collection<ConnectionCompartmentStats>> connections) {
            this.connections = Objects.requireNonNull(connections, "connections must not be null");
            return this;
        }

        /**
         * What the service runs as, shown on the dashboard: {@code compartments} (the default) or
         * {@code shared} (one shared pool, no breakers), read at each snapshot.
         *
         * @param mode gives the mode's name
         * @return this builder
         */
        public Builder mode(Supplier<String> mode) {
            this.mode = Objects.requireNonNull(mode, "mode must not be null");
            return this;
        }

        /**
         * A fixed mode (see {@link #mode(Supplier)}).
         *
         * @param mode {@code compartments} or {@code shared}
         * @return this builder
         */
        public Builder mode(String mode) {
            if (!"compartments".equals(mode) && !"shared".equals(mode)) {
                throw new IllegalArgumentException("mode must be 'compartments' or 'shared', but was " + quoted(mode));
            }
            return mode(() -> mode);
        }

        /**
         * How many of the most recent events (of all compartments) the snapshot lists.
         *
         * @param events from 0 to 1,000
         * @return this builder
         */
        public Builder events(int events) {
            if (events < 0 || events > 1_000) {
                throw new IllegalArgumentException("events must be from 0 to 1000, but was " + events);
            }
            this.events = events;
            return this;
        }

        /**
         * The clock that dates each snapshot ({@link Clock#systemUTC()} unless set).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock must not be null");
            return this;
        }

        /** Builds the snapshot writer. */
        public SnapshotJson build() {
            return new SnapshotJson(this);
        }

        private static String quoted(String value) {
            return value == null ? "null" : "'" + value + "'";
        }
    }
}
