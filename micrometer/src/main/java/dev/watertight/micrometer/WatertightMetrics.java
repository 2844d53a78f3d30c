package dev.watertight.micrometer;

import dev.watertight.Bulkhead;
import dev.watertight.CircuitBreaker;
import dev.watertight.Compartment;
import dev.watertight.CompartmentRegistry;
import dev.watertight.GuardKind;
import dev.watertight.KeyedCompartments;
import dev.watertight.KeyedCompartmentsStats;
import dev.watertight.MemoryBulkhead;
import dev.watertight.MemoryBulkheadStats;
import dev.watertight.RateLimiter;
import dev.watertight.ThreadPoolBulkhead;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * Publishes Watertight guards' stats to a Micrometer {@link MeterRegistry}, following Micrometer's
 * naming conventions (dotted lower-case names, counters per outcome in an {@code outcome} tag), so
 * every registry (Prometheus, OTLP, JMX, ...) renders them in its own style.
 *
 * <pre>{@code
 * new WatertightMetrics()
 *         .bulkhead(payments)
 *         .compartment(reporting)          // every guard of the compartment
 *         .bindTo(meterRegistry);
 * }</pre>
 *
 * <p>Every meter has the tags {@code name} (the guard's name) and {@code compartment} (the
 * compartment it belongs to; the guard's own name when bound alone). Meters read the guards'
 * {@code stats()} snapshots when the registry is read (a scrape), never on the guards' hot paths.
 *
 * <p>With {@link #timers()}, binding also attaches {@link dev.watertight.CallTimings} to every bulkhead and thread
 * pool it publishes (alone, in a compartment, or in a registry), which record each call's wait and
 * running time into timers on the calling or worker thread. That costs a few clock reads per call,
 * which is why it is opt-in. The timers have Micrometer's defaults (count, total, max); a
 * {@code MeterFilter} or the registry's configuration can add percentiles or histograms. A guard
 * bound more than once to one registry (alone and in its compartment, say, or in a compartment
 * given both directly and through its registry) is timed once, under the tags of its first binding,
 * so that no call is counted twice.
 *
 * <p>A guard's meters and timers are those its {@link GuardKind} describes ({@link GuardKind#meters()},
 * {@link GuardKind#timings()}), so a compartment publishes every kind of guard it has without this
 * class naming them one by one; the tables below list them.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>guard</th><th>counters (tag {@code outcome})</th><th>gauges</th></tr>
 *   <tr><td>bulkhead</td><td>{@code watertight.bulkhead.calls}: accepted, rejected, succeeded, failed</td>
 *       <td>{@code watertight.bulkhead.in.use}, {@code .waiting}, {@code .limit}</td></tr>
 *   <tr><td>thread pool</td><td>{@code watertight.threadpool.tasks}: submitted, succeeded, failed,
 *       rejected, timed.out, cancelled</td>
 *       <td>{@code watertight.threadpool.active}, {@code .queued}, {@code .queue.capacity}, {@code .threads}</td></tr>
 *   <tr><td>circuit breaker</td><td>{@code watertight.circuitbreaker.not.permitted} (no tag)</td>
 *       <td>{@code watertight.circuitbreaker.state} (tag {@code state}: 1 for the current state, 0
 *       for the others), {@code .failure.rate}, {@code .slow.call.rate}</td></tr>
 *   <tr><td>rate limiter</td><td>{@code watertight.ratelimiter.calls}: granted, rejected</td>
 *       <td>{@code watertight.ratelimiter.available}, {@code .waiting}</td></tr>
 *   <tr><td>memory bulkhead</td><td>{@code watertight.memory.refusals} (no tag)</td>
 *       <td>{@code watertight.memory.reserved}, {@code .budget}, {@code .peak} (base unit bytes)</td></tr>
 *   <tr><td>connection compartment ({@link ConnectionCompartmentMetrics}; tag {@code pool} too)</td><td>{@code watertight.connection.acquisitions}:
 *       acquired, timed.out; {@code watertight.connection.errors}, {@code .leaks}, {@code .leaks.reclaimed}
 *       (no tag)</td>
 *       <td>{@code watertight.connection.in.use}, {@code .waiting}, {@code .limit}, {@code .reserved};
 *       the wait for the quota: {@code watertight.connection.acquire.wait} (a function timer: count and
 *       total), {@code .acquire.wait.percentile} (tag {@code phi}: 0.5, 0.99) and {@code .acquire.wait.max}
 *       (time gauges; base unit seconds)</td></tr>
 *   <tr><td>per-key group</td><td>{@code watertight.keyed.compartments.built}, {@code .compartments.evicted},
 *       {@code watertight.keyed.rejected} (no tag)</td>
 *       <td>{@code watertight.keyed.keys}, {@code .max.keys}</td></tr>
 * </table>
 *
 * <table>
 *   <caption>Timers, with {@link #timers()}</caption>
 *   <tr><th>guard</th><th>timer</th><th>what it times, per admitted call</th></tr>
 *   <tr><td>bulkhead</td><td>{@code watertight.bulkhead.wait}</td>
 *       <td>waiting for a permit (0 when one was free at once)</td></tr>
 *   <tr><td>bulkhead</td><td>{@code watertight.bulkhead.execution}</td>
 *       <td>holding the permit: the call, the async stage, or an acquired permit until closed</td></tr>
 *   <tr><td>thread pool</td><td>{@code watertight.threadpool.queue.wait}</td>
 *       <td>from admission until a worker starts the task</td></tr>
 *   <tr><td>thread pool</td><td>{@code watertight.threadpool.execution}</td>
 *       <td>the task's code running on the worker</td></tr>
 * </table>
 *
 * <p>A per-key group is published as a whole, not key by key: keys come and go by the thousand,
 * and a tag per key would make as many time series. Connection compartments
 * (watertight-jdbc, an optional dependency of this module) are published by
 * {@link ConnectionCompartmentMetrics}, so that this class never names a jdbc type.
 *
 * <p>Not thread-safe while being described; {@link #bindTo} may be called once per registry.
 */
public final class WatertightMetrics implements MeterBinder {
    private final List<Consumer<MeterRegistry>> bindings = new ArrayList<>();
    /**
     * The guards given timings so far, per meter registry. Concurrent: a registry's callback adds
     * compartments on the thread of a later reload or registration, while the caller may bind.
     */
    private final Map<Identity, Set<Identity>> timed = new ConcurrentHashMap<>();
    private boolean timers;

    /** A key equal only to itself: guards and registries are told apart by identity, not by equals. */
    private record Identity(Object object) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Identity identity && identity.object == object;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(object);
        }
    }

    /** Starts with nothing to publish. */
    public WatertightMetrics() {
    }

    /**
     * Also publishes timers of each call's wait and running time for every bulkhead and thread
     * pool, bound before or after this call: see the class documentation. Off by default, since
     * measuring adds clock reads to every call of those guards.
     *
     * @return this
     */
    public WatertightMetrics timers() {
        this.timers = true;
        return this;
    }

    /**
     * Publishes a bulkhead.
     *
     * @param bulkhead the bulkhead
     * @return this
     */
    public WatertightMetrics bulkhead(Bulkhead bulkhead) {
        return guard(GuardKind.BULKHEAD, bulkhead);
    }

    /**
     * Publishes a thread-pool compartment.
     *
     * @param pool the pool
     * @return this
     */
    public WatertightMetrics threadPool(ThreadPoolBulkhead pool) {
        return guard(GuardKind.THREAD_POOL, pool);
    }

    /**
     * Publishes a circuit breaker.
     *
     * @param breaker the breaker
     * @return this
     */
    public WatertightMetrics circuitBreaker(CircuitBreaker breaker) {
        return guard(GuardKind.CIRCUIT_BREAKER, breaker);
    }

    /**
     * Publishes a rate limiter.
     *
     * @param limiter the limiter
     * @return this
     */
    public WatertightMetrics rateLimiter(RateLimiter limiter) {
        return guard(GuardKind.RATE_LIMITER, limiter);
    }

    /**
     * Publishes one guard alone, with the meters (and, with {@link #timers()}, the timers) its
     * kind describes; its {@code compartment} tag is its own name.
     *
     * @param kind the guard's kind
     * @param guard the guard
     * @param <G> the guard's type
     * @return this
     */
    public <G> WatertightMetrics guard(GuardKind<G, ?, ?> kind, G guard) {
        Objects.requireNonNull(kind, "kind must not be null");
        Objects.requireNonNull(guard, kind.name() + " must not be null");
        bindings.add(registry -> bindGuard(registry, kind, guard, kind.guardName(guard)));
        return this;
    }

    /**
     * Publishes a memory bulkhead.
     *
     * @param memory the memory bulkhead
     * @return this
     */
    public WatertightMetrics memory(MemoryBulkhead memory) {
        Objects.requireNonNull(memory, "memory must not be null");
        bindings.add(registry -> bindMemory(registry, memory.name(), memory::stats));
        return this;
    }

    /**
     * Publishes a group of per-key compartments: its keys and bound, the compartments it built
     * and evicted, and the calls it refused.
     *
     * @param group the group
     * @return this
     */
    public WatertightMetrics keyed(KeyedCompartments<?> group) {
        Objects.requireNonNull(group, "group must not be null");
        bindings.add(registry -> bindKeyed(registry, group));
        return this;
    }

    /**
     * Publishes every guard of a compartment (bulkhead or pool, breaker, rate limiter), tagged
     * with the compartment's name.
     *
     * @param compartment the compartment
     * @return this
     */
    public WatertightMetrics compartment(Compartment compartment) {
        Objects.requireNonNull(compartment, "compartment must not be null");
        bindings.add(registry -> bindCompartment(registry, compartment));
        return this;
    }

    private void bindCompartment(MeterRegistry registry, Compartment compartment) {
        for (GuardKind<?, ?, ?> kind : GuardKind.all()) {
            bindKind(registry, kind, compartment);
        }
    }

    private <G> void bindKind(MeterRegistry registry, GuardKind<G, ?, ?> kind, Compartment compartment) {
        if (!kind.meters().isEmpty() || kind.timings().isPresent()) {
            kind.guardOf(compartment).ifPresent(guard -> bindGuard(registry, kind, guard, compartment.name()));
        }
    }

    /**
     * Publishes every compartment, memory budget and group of per-key compartments of a
     * registry: those there are when bound, and those a reload or a registration adds later.
     *
     * @param compartments the registry
     * @return this
     */
    public WatertightMetrics registry(CompartmentRegistry compartments) {
        Objects.requireNonNull(compartments, "compartments must not be null");
        bindings.add(registry -> {
            compartments.eachCompartment(compartment -> bindCompartment(registry, compartment));
            compartments.eachMemoryBulkhead(memory -> bindMemory(registry, memory.name(), memory::stats));
            compartments.eachKeyedGroup(group -> bindKeyed(registry, group));
        });
        return this;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry must not be null");
        bindings.forEach(binding -> binding.accept(registry));
    }

    /** True the first time a guard is seen for a registry: two timings on one guard would count each call twice. */
    private boolean firstTiming(MeterRegistry registry, Object guard) {
        return timed.computeIfAbsent(new Identity(registry), any -> ConcurrentHashMap.newKeySet()).add(new Identity(guard));
    }

    /**
     * One guard's meters and timers, as its kind describes them. The meters share one stats
     * supplier: counters hold it weakly, the gauges beside them strongly.
     */
    private <G, S> void bindGuard(MeterRegistry registry, GuardKind<G, ?, S> kind, G guard, String compartment) {
        Tags tags = tags(kind.guardName(guard), compartment);
        Supplier<S> stats = () -> Objects.requireNonNull(kind.snapshot(guard), kind.name());
        for (GuardKind.Meter<S> meter : kind.meters()) {
            Tags tagged = tags;
            for (int i = 0; i < meter.tags().size(); i += 2) {
                tagged = tagged.and(meter.tags().get(i), meter.tags().get(i + 1));
            }
            if (meter.counter()) {
                counter(registry, meter.name(), tagged, stats, meter.value(), meter.description());
            } else {
                gauge(registry, meter.name(), tagged, stats, meter.value(), meter.description(), meter.unit());
            }
        }
        kind.timings().ifPresent(timings -> {
            if (timers && firstTiming(registry, guard)) {
                // Attached for the guard's life: a registry's meters are never unbound one by one.
                var unused = timings.attach().apply(guard, new MicrometerCallTimings(
                        timer(registry, timings.waitMeter(), tags, timings.waitDescription()),
                        timer(registry, timings.executionMeter(), tags, timings.executionDescription())));
            }
        });
    }

    private static Timer timer(MeterRegistry registry, String meter, Tags tags, String description) {
        return Timer.builder(meter).tags(tags).description(description).register(registry);
    }

    static Tags tags(String name, String compartment) {
        return Tags.of("name", name, "compartment", compartment);
    }

    /** A function counter; it holds {@code stats} weakly, so a strong gauge of the same guard must hold it too. */
    static <S> void counter(MeterRegistry registry, String meter, Tags tags, Supplier<S> stats,
            ToDoubleFunction<S> value, String description) {
        FunctionCounter.builder(meter, stats, supplier -> value.applyAsDouble(supplier.get()))
                .tags(tags).description(description).register(registry);
    }

    static <S> void gauge(MeterRegistry registry, String meter, Tags tags, Supplier<S> stats,
            ToDoubleFunction<S> value, String description, @Nullable String unit) {
        Gauge.builder(meter, stats, supplier -> value.applyAsDouble(supplier.get()))
                .tags(tags).description(description).baseUnit(unit).strongReference(true).register(registry);
    }

    private static void bindMemory(MeterRegistry registry, String name, Supplier<MemoryBulkheadStats> stats) {
        Tags tags = tags(name, name);
        gauge(registry, "watertight.memory.reserved", tags, stats, MemoryBulkheadStats::reserved, "Bytes reserved now", "bytes");
        gauge(registry, "watertight.memory.budget", tags, stats, MemoryBulkheadStats::budget, "The budget", "bytes");
        gauge(registry, "watertight.memory.peak", tags, stats, MemoryBulkheadStats::peak, "The most bytes reserved at once", "bytes");
        counter(registry, "watertight.memory.refusals", tags, stats, MemoryBulkheadStats::refusals, "Reservations refused");
    }

    private static void bindKeyed(MeterRegistry registry, KeyedCompartments<?> group) {
        Tags tags = tags(group.name(), group.name());
        Supplier<KeyedCompartmentsStats> stats = group::stats;
        gauge(registry, "watertight.keyed.keys", tags, stats, KeyedCompartmentsStats::keys, "Keys with a live compartment now", null);
        gauge(registry, "watertight.keyed.max.keys", tags, stats, KeyedCompartmentsStats::maxKeys, "The most live compartments kept", null);
        // "built", not "created": Prometheus reads a "_created" suffix as a counter's creation time.
        counter(registry, "watertight.keyed.compartments.built", tags, stats, KeyedCompartmentsStats::created,
                "Compartments built for new keys");
        counter(registry, "watertight.keyed.compartments.evicted", tags, stats, KeyedCompartmentsStats::evicted,
                "Compartments evicted, idle or least recently used");
        counter(registry, "watertight.keyed.rejected", tags, stats, KeyedCompartmentsStats::rejected,
                "Calls refused: every live compartment was busy");
    }
}
