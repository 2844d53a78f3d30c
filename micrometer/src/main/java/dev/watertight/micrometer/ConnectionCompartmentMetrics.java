package dev.watertight.micrometer;

import static dev.watertight.micrometer.WatertightMetrics.counter;
import static dev.watertight.micrometer.WatertightMetrics.gauge;

import dev.watertight.jdbc.ConnectionCompartment;
import dev.watertight.jdbc.ConnectionCompartmentStats;
import dev.watertight.jdbc.ConnectionCompartments;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Publishes connection compartments (watertight-jdbc) to Micrometer, with the same conventions
 * and tags as {@link WatertightMetrics} plus {@code pool}. A class of its own because
 * watertight-jdbc is an optional dependency of this module: {@link WatertightMetrics} never names
 * a jdbc type, so it loads and can be introspected without watertight-jdbc on the classpath.
 *
 * <pre>{@code
 * new ConnectionCompartmentMetrics(connections).bindTo(meterRegistry);
 * }</pre>
 *
 * <p>Meters: counters {@code watertight.connection.acquisitions} (tag {@code outcome}: acquired,
 * timed.out), {@code watertight.connection.errors}, {@code .leaks}, {@code .leaks.reclaimed};
 * gauges {@code watertight.connection.in.use}, {@code .waiting}, {@code .limit},
 * {@code .reserved}; the timer {@code watertight.connection.acquire.wait} (every grant, and every
 * refusal after a wait) with time gauges {@code .acquire.wait.percentile} (tag {@code phi}: 0.5,
 * 0.99) and {@code .acquire.wait.max}.
 *
 * <p>Thread-safe: it holds only the compartments, and each {@code bindTo} registers their meters in
 * the registry it is given.
 */
public final class ConnectionCompartmentMetrics implements MeterBinder {
    private final ConnectionCompartments compartments;

    /**
     * Publishes every connection compartment of a set.
     *
     * @param compartments the connection compartments
     */
    public ConnectionCompartmentMetrics(ConnectionCompartments compartments) {
        this.compartments = Objects.requireNonNull(compartments, "compartments must not be null");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry must not be null");
        for (ConnectionCompartment compartment : compartments.compartments()) {
            bind(registry, compartment);
        }
    }

    private static void bind(MeterRegistry registry, ConnectionCompartment compartment) {
        Tags tags = WatertightMetrics.tags(compartment.name(), compartment.name()).and("pool", compartment.pool());
        Supplier<ConnectionCompartmentStats> stats = compartment::stats;
        String acquisitions = "watertight.connection.acquisitions";
        counter(registry, acquisitions, tags.and("outcome", "acquired"), stats, ConnectionCompartmentStats::acquired,
                "Connections handed out");
        counter(registry, acquisitions, tags.and("outcome", "timed.out"), stats, ConnectionCompartmentStats::acquireTimeouts,
                "Callers refused: no quota within the acquire timeout");
        counter(registry, "watertight.connection.errors", tags, stats, ConnectionCompartmentStats::connectionErrors,
                "Connection failures: the pool's, and borrowed connections that broke");
        counter(registry, "watertight.connection.leaks", tags, stats, ConnectionCompartmentStats::leaks,
                "Connections held past the leak threshold");
        counter(registry, "watertight.connection.leaks.reclaimed", tags, stats, ConnectionCompartmentStats::reclaimed,
                "Leaked connections taken back by force");
        gauge(registry, "watertight.connection.in.use", tags, stats, ConnectionCompartmentStats::inUse, "Connections held now", null);
        gauge(registry, "watertight.connection.waiting", tags, stats, ConnectionCompartmentStats::waiting,
                "Callers waiting for the quota now", null);
        gauge(registry, "watertight.connection.limit", tags, stats, ConnectionCompartmentStats::limit,
                "The most connections it may hold", null);
        gauge(registry, "watertight.connection.reserved", tags, stats, ConnectionCompartmentStats::reserved,
                "The connections guaranteed to it", null);
        FunctionTimer.builder("watertight.connection.acquire.wait", stats,
                        now -> now.get().acquireWaitCount(), now -> now.get().acquireWaitTotal().toNanos(), TimeUnit.NANOSECONDS)
                .tags(tags).description("Waits for the quota: every grant, and every refusal after a wait")
                .register(registry);
        waitGauge(registry, "watertight.connection.acquire.wait.percentile", tags.and("phi", "0.5"), stats,
                ConnectionCompartmentStats::acquireWaitP50, "Median wait for the quota");
        waitGauge(registry, "watertight.connection.acquire.wait.percentile", tags.and("phi", "0.99"), stats,
                ConnectionCompartmentStats::acquireWaitP99, "99th percentile of the wait for the quota");
        waitGauge(registry, "watertight.connection.acquire.wait.max", tags, stats, ConnectionCompartmentStats::acquireWaitMax,
                "Longest wait for the quota");
    }

    private static void waitGauge(MeterRegistry registry, String meter, Tags tags, Supplier<ConnectionCompartmentStats> stats,
            Function<ConnectionCompartmentStats, Duration> wait, String description) {
        TimeGauge.builder(meter, stats, TimeUnit.NANOSECONDS, now -> wait.apply(now.get()).toNanos())
                .tags(tags).description(description).strongReference(true).register(registry);
    }
}
