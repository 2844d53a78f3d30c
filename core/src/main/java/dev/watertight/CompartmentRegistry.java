package dev.watertight;

import dev.watertight.internal.ListenerFanOut;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Every named compartment and memory budget of a service, in one place: built from a
 * {@link WatertightConfig} (a configuration file), registered from code, or both; looked up by
 * name; read as snapshots by monitors, metrics, JMX and dashboards; and changed in place when
 * the configuration changes.
 *
 * <pre>{@code
 * CompartmentRegistry registry = CompartmentRegistry.create(WatertightYaml.read(path));
 * Compartment userOps = registry.compartment("user-ops");
 * registry.register(Compartment.builder("search").bulkhead(Bulkhead.builder("search")
 *         .maxConcurrent(8).listener(registry.listener()).build()).build());
 * ...
 * registry.apply(WatertightYaml.read(path));   // resizes the running guards in place
 * }</pre>
 *
 * <p><b>Events.</b> Guards built from a configuration report to {@link #listener()}, which keeps
 * the {@link #events() recent events} of each compartment and passes every event on to the
 * listeners {@linkplain #addListener added} at any time. Give {@link #listener()} to guards built
 * in code to have theirs too.
 *
 * <p><b>Changing the configuration.</b> {@link #apply} checks the whole new configuration first
 * and changes nothing if any part of it cannot be applied; then it changes the running guards'
 * settings in place (calls in flight keep their permits and threads) and builds compartments
 * and budgets that are new. See {@link #apply} for what needs a restart instead.
 *
 * <p>Thread-safe. Lookups and snapshots take no lock (they read an immutable map that each
 * change replaces); changes are serialized by a lock.
 */
public final class CompartmentRegistry implements AutoCloseable {
    private final ReentrantLock changes = new ReentrantLock();
    private final RecentEvents events = RecentEvents.keeping(64);
    private final ListenerFanOut listener = new ListenerFanOut();
    // Written under `changes`, replaced whole: a reader sees one consistent map.
    private volatile Map<String, Compartment> compartments = Map.of();
    private volatile Map<String, MemoryBulkhead> memory = Map.of();
    private volatile Map<String, KeyedCompartments<?>> keyed = Map.of();
    private volatile WatertightConfig config = WatertightConfig.EMPTY;
    private final Set<String> codeRegistered = new HashSet<>(); // guarded by `changes`
    private final Set<String> codeKeyed = new HashSet<>(); // guarded by `changes`
    private final Map<String, ConfiguredKeyedGroup> configuredKeyed = new LinkedHashMap<>(); // guarded by `changes`
    private final List<HealthMonitor> healthMonitors = new CopyOnWriteArrayList<>();
    private final List<ConfigFollower> followers = new CopyOnWriteArrayList<>();
    private final List<Consumer<? super Compartment>> compartmentWatchers = new CopyOnWriteArrayList<>();
    private final List<Consumer<? super MemoryBulkhead>> memoryWatchers = new CopyOnWriteArrayList<>();
    private final List<Consumer<? super KeyedCompartments<?>>> keyedWatchers = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private CompartmentRegistry() {
        listener.add(events);
    }

    /**
     * An empty registry, for compartments registered from code.
     *
     * @return the registry
     */
    public static CompartmentRegistry create() {
        return new CompartmentRegistry();
    }

    /**
     * A registry holding the compartments and memory budgets the configuration describes, built
     * now (thread pools start their threads).
     *
     * @param config the configuration
     * @return the registry
     */
    public static CompartmentRegistry create(WatertightConfig config) {
        CompartmentRegistry registry = new CompartmentRegistry();
        registry.apply(config);
        return registry;
    }

    /**
     * The listener that guards report to: it keeps recent events and passes events on to the
     * listeners added to this registry. Give it to guards built in code.
     *
     * @return the listener that guards report to
     */
    public CompartmentListener listener() {
        return listener;
    }

    /**
     * Adds a listener that hears the events of every guard reporting to {@link #listener()}. A
     * listener that throws is counted and cannot break a guard or the other listeners.
     *
     * @param added the listener
     */
    public void addListener(CompartmentListener added) {
        listener.add(added);
    }

    /** {@return how many times a listener added to this registry threw} */
    public long listenerFailures() {
        return listener.failures();
    }

    /** {@return the last events of each compartment that reports to {@link #listener()}} */
    public RecentEvents events() {
        return events;
    }

    /**
     * Registers a compartment built in code.
     *
     * @param compartment the compartment; its name must be new to this registry
     * @param <C> its type
     * @return the compartment
     * @throws IllegalArgumentException if a compartment of that name is registered
     */
    public <C extends Compartment> C register(C compartment) {
        Objects.requireNonNull(compartment, "compartment must not be null");
        changes.lock();
        try {
            checkOpen();
            if (compartments.containsKey(compartment.name())) {
                throw new IllegalArgumentException("a compartment named '" + compartment.name() + "' is already registered");
            }
            compartments = with(compartments, compartment.name(), compartment);
            codeRegistered.add(compartment.name());
            compartmentWatchers.forEach(watcher -> watcher.accept(compartment));
            return compartment;
        } finally {
            changes.unlock();
        }
    }

    /**
     * Registers a memory budget built in code.
     *
     * @param budget the budget; its name must be new to this registry
     * @return the budget
     * @throws IllegalArgumentException if a budget of that name is registered
     */
    public MemoryBulkhead register(MemoryBulkhead budget) {
        Objects.requireNonNull(budget, "budget must not be null");
        changes.lock();
        try {
            checkOpen();
            if (memory.containsKey(budget.name())) {
                throw new IllegalArgumentException("a memory budget named '" + budget.name() + "' is already registered");
            }
            memory = with(memory, budget.name(), budget);
            memoryWatchers.forEach(watcher -> watcher.accept(budget));
            return budget;
        } finally {
            changes.unlock();
        }
    }

    /**
     * Registers a group of per-key compartments (one per tenant, say), so that it is found by
     * name and closed with the registry. (Groups described in a configuration's {@code keyed}
     * section are built and registered by {@link #apply}.)
     *
     * @param group the group; its name must be new to this registry's groups
     * @param <K> the key type
     * @return the group
     * @throws IllegalArgumentException if a group of that name is registered
     */
    public <K> KeyedCompartments<K> register(KeyedCompartments<K> group) {
        Objects.requireNonNull(group, "group must not be null");
        changes.lock();
        try {
            checkOpen();
            if (keyed.containsKey(group.name())) {
                throw new IllegalArgumentException("a group of per-key compartments named '" + group.name()
                        + "' is already registered");
            }
            keyed = with(keyed, group.name(), group);
            codeKeyed.add(group.name());
            keyedWatchers.forEach(watcher -> watcher.accept(group));
            return group;
        } finally {
            changes.unlock();
        }
    }

    /**
     * The group of per-key compartments of that name.
     *
     * @param name its name
     * @param <K> the key type it was built with
     * @return the group
     * @throws NoSuchElementException naming the groups there are, if none has that name
     */
    @SuppressWarnings("unchecked")
    public <K> KeyedCompartments<K> keyed(String name) {
        KeyedCompartments<?> found = keyed.get(name);
        if (found == null) {
            throw new NoSuchElementException("no group of per-key compartments named '" + name + "'; there are " + keyed.keySet());
        }
        return (KeyedCompartments<K>) found;
    }

    /** {@return every group of per-key compartments, in registration order} */
    public List<KeyedCompartments<?>> keyedGroups() {
        return List.copyOf(keyed.values());
    }

    /**
     * Keeps a health monitor judging by the configuration's {@link WatertightConfig#health()
     * health thresholds}: gives it those of the configuration applied last now, and those of
     * every later {@link #apply} that changes them. The monitor takes them at its next sample
     * ({@link HealthMonitor#reconfigure}); a configuration without a health section gives the
     * default thresholds. Build the monitor over this registry, e.g.
     * {@code HealthMonitor.builder(registry::snapshot).build()}.
     *
     * @param monitor the monitor
     * @return the monitor
     */
    public HealthMonitor applyHealthTo(HealthMonitor monitor) {
        Objects.requireNonNull(monitor, "monitor must not be null");
        changes.lock();
        try {
            healthMonitors.add(monitor);
            monitor.reconfigure(config.health());
            return monitor;
        } finally {
            changes.unlock();
        }
    }

    /**
     * Keeps a part built from the configuration outside this registry in step with it, such as
     * {@code watertight-jdbc}'s {@code ConnectionCompartments}: every later {@link #apply} checks
     * the part together with this registry's guards ({@link ConfigFollower#check}), refuses the
     * whole configuration if either has a problem, and otherwise changes the part
     * ({@link ConfigFollower#reconfigure}) before its own guards. Gives it the configuration applied
     * last now, unless none was applied yet.
     *
     * <pre>{@code
     * ConnectionCompartments db = registry.applyConfigTo(
     *         ConnectionCompartments.builder().configure(registry.config(), dataSources).build());
     * }</pre>
     *
     * @param follower the part; change it only through this registry from now on
     * @param <F> its type
     * @return the part
     * @throws ConfigurationException if the part cannot take the configuration applied last; it is
     *     not added then
     */
    public <F extends ConfigFollower> F applyConfigTo(F follower) {
        Objects.requireNonNull(follower, "follower must not be null");
        changes.lock();
        try {
            checkOpen();
            if (config != WatertightConfig.EMPTY) {
                follower.reconfigure(config);
            }
            followers.add(follower);
            return follower;
        } finally {
            changes.unlock();
        }
    }

    /**
     * Calls the action for every compartment there is now, and for every one registered or
     * configured later, once each: how metrics, JMX and dashboards keep up with the registry. The
     * action runs while changes are held back, so it must be quick; what it throws reaches the
     * caller that made the change, after the change is made.
     *
     * @param action what to do with each compartment
     */
    public void eachCompartment(Consumer<? super Compartment> action) {
        Objects.requireNonNull(action, "action must not be null");
        changes.lock();
        try {
            compartmentWatchers.add(action);
            compartments.values().forEach(action);
        } finally {
            changes.unlock();
        }
    }

    /**
     * Calls the action for every memory budget there is now, and for every one registered or
     * configured later, once each (as {@link #eachCompartment}).
     *
     * @param action what to do with each budget
     */
    public void eachMemoryBulkhead(Consumer<? super MemoryBulkhead> action) {
        Objects.requireNonNull(action, "action must not be null");
        changes.lock();
        try {
            memoryWatchers.add(action);
            memory.values().forEach(action);
        } finally {
            changes.unlock();
        }
    }

    /**
     * Calls the action for every group of per-key compartments there is now, and for every one
     * registered later, once each (as {@link #eachCompartment}).
     *
     * @param action what to do with each group
     */
    public void eachKeyedGroup(Consumer<? super KeyedCompartments<?>> action) {
        Objects.requireNonNull(action, "action must not be null");
        changes.lock();
        try {
            keyedWatchers.add(action);
            keyed.values().forEach(action);
        } finally {
            changes.unlock();
        }
    }

    /**
     * The compartment of that name.
     *
     * @param name its name
     * @return the compartment
     * @throws NoSuchElementException naming the compartments there are, if none has that name
     */
    public Compartment compartment(String name) {
        Compartment found = compartments.get(name);
        if (found == null) {
            throw new NoSuchElementException("no compartment named '" + name + "'; there are " + compartments.keySet());
        }
        return found;
    }

    /**
     * The compartment of that name, if there is one.
     *
     * @param name its name
     * @return the compartment, or empty
     */
    public Optional<Compartment> find(String name) {
        return Optional.ofNullable(compartments.get(name));
    }

    /** {@return every compartment, in the order they were registered or configured} */
    public List<Compartment> compartments() {
        return List.copyOf(compartments.values());
    }

    /**
     * The memory budget of that name.
     *
     * @param name its name
     * @return the budget
     * @throws NoSuchElementException naming the budgets there are, if none has that name
     */
    public MemoryBulkhead memoryBulkhead(String name) {
        MemoryBulkhead found = memory.get(name);
        if (found == null) {
            throw new NoSuchElementException("no memory budget named '" + name + "'; there are " + memory.keySet());
        }
        return found;
    }

    /** {@return every memory budget, in the order they were registered or configured} */
    public List<MemoryBulkhead> memoryBulkheads() {
        return List.copyOf(memory.values());
    }

    /** {@return a snapshot of every compartment's stats, in registration order} */
    public List<CompartmentStats> snapshot() {
        List<CompartmentStats> stats = new ArrayList<>(compartments.size());
        for (Compartment compartment : compartments.values()) {
            stats.add(compartment.stats());
        }
        return stats;
    }

    /** {@return the configuration applied last ({@link WatertightConfig#EMPTY} if none)} */
    public WatertightConfig config() {
        return config;
    }

    /**
     * Applies a configuration: the running guards take the new settings in place, and
     * compartments and memory budgets that are new are built. Checks everything first: if any
     * part cannot be applied, nothing is, and the running configuration stays.
     *
     * <p>In place: every limit, queue, pool size, budget, breaker threshold and window, rate,
     * timeout and retry setting; a group of per-key compartments' {@code maxKeys} and
     * {@code idleAfter}, and its template's settings, for new keys and for every live key alike
     * (nothing is evicted); the health thresholds, for the monitors given to
     * {@link #applyHealthTo}. A smaller limit never cuts off calls in flight: they finish
     * with their permits and threads, and new calls wait for room under the new limit. Needs a
     * restart (refused here, because code may hold the objects): removing a compartment, a
     * memory budget or a group, adding or removing a guard of a running compartment or template,
     * a setting a guard keeps as built (a bulkhead's {@code fair}, a pool's
     * {@code virtualThreads}, any guard's {@code writableStackTrace}, a retry's
     * {@code retryRejections}), a memory budget's parent, and, in the {@code connections}
     * section, a pool's capacity, a compartment's reservation or pool, and adding or removing a
     * pool or a compartment (their {@code DataSource}s are given in code). A connection compartment's ceiling and acquire
     * timeout may change: they reach the connection compartments given to {@link #applyConfigTo}.
     *
     * @param next the new configuration
     * @return one line per change made, e.g. {@code compartments.user-ops.threadPool: threads 5 -> 8}
     * @throws ConfigurationException listing every part that cannot be applied; nothing was changed
     */
    public List<String> apply(WatertightConfig next) {
        Objects.requireNonNull(next, "config must not be null");
        changes.lock();
        try {
            checkOpen();
            List<ConfigProblem> problems = new ArrayList<>(ConfiguredGuards.check(config, next, codeRegistered, codeKeyed));
            for (ConfigFollower follower : followers) {
                problems.addAll(follower.check(next));
            }
            if (!problems.isEmpty()) {
                // distinct: the registry and a follower may both find one change to a pool or a reservation
                throw new ConfigurationException(problems.stream().distinct().toList());
            }
            // Followers first: each was checked, so only a change made behind the registry's back
            // can refuse now, and then nothing of the registry has changed yet.
            List<String> followed = new ArrayList<>();
            for (ConfigFollower follower : followers) {
                followed.addAll(follower.reconfigure(next));
            }
            // New guards first: if building one fails, nothing running has changed yet.
            List<String> made = new ArrayList<>();
            Map<String, Compartment> grown = new LinkedHashMap<>(compartments);
            Map<String, MemoryBulkhead> budgets;
            Map<String, ConfiguredKeyedGroup> builtGroups = new LinkedHashMap<>();
            try {
                for (CompartmentConfig added : next.compartments().values()) {
                    if (!config.compartments().containsKey(added.name())) {
                        grown.put(added.name(), ConfiguredGuards.build(added, listener));
                        made.add("compartments." + added.name() + ": built with " + added.guards());
                    }
                }
                budgets = ConfiguredGuards.buildMemory(next.memory(), memory);
                for (String name : budgets.keySet()) {
                    if (!memory.containsKey(name)) {
                        made.add("memory." + name + ": built with budget " + budgets.get(name).budget());
                    }
                }
                made.addAll(0, ConfiguredGuards.apply(config, next, compartments, memory));
                for (KeyedCompartmentsConfig group : next.keyed().values()) {
                    ConfiguredKeyedGroup running = configuredKeyed.get(group.name());
                    if (running != null) {
                        made.addAll(running.reconfigure(group));
                    } else {
                        builtGroups.put(group.name(), new ConfiguredKeyedGroup(group, listener));
                        made.add("keyed." + group.name() + ": built with maxKeys " + group.maxKeys() + ", idleAfter "
                                + group.idleAfter() + ", template " + group.template().guards());
                    }
                }
                made.addAll(ConfiguredGuards.healthChanges(config.health(), next.health()));
                made.addAll(followed);
                healthMonitors.forEach(monitor -> monitor.reconfigure(next.health()));
            } catch (RuntimeException | Error failed) {
                // Whatever throws after the build is a change check() missed: no thread of what was
                // built for this configuration may outlive its refusal.
                grown.keySet().removeAll(compartments.keySet());
                grown.values().forEach(Compartment::close);
                builtGroups.values().forEach(built -> built.group().close());
                throw failed;
            }
            configuredKeyed.putAll(builtGroups);
            Map<String, KeyedCompartments<?>> groups = new LinkedHashMap<>(keyed);
            builtGroups.forEach((name, built) -> groups.put(name, built.group()));
            Map<String, KeyedCompartments<?>> groupsBefore = keyed;
            keyed = Collections.unmodifiableMap(groups);
            Map<String, Compartment> before = compartments;
            Map<String, MemoryBulkhead> budgetsBefore = memory;
            compartments = Collections.unmodifiableMap(grown);
            memory = Collections.unmodifiableMap(budgets);
            config = next;
            grown.forEach((name, added) -> {
                if (!before.containsKey(name)) {
                    compartmentWatchers.forEach(watcher -> watcher.accept(added));
                }
            });
            budgets.forEach((name, added) -> {
                if (!budgetsBefore.containsKey(name)) {
                    memoryWatchers.forEach(watcher -> watcher.accept(added));
                }
            });
            groups.forEach((name, added) -> {
                if (!groupsBefore.containsKey(name)) {
                    keyedWatchers.forEach(watcher -> watcher.accept(added));
                }
            });
            return List.copyOf(made);
        } finally {
            changes.unlock();
        }
    }

    /**
     * Closes every compartment (their thread pools) and every group of per-key compartments;
     * lookups still work, changes are refused.
     * Idempotent.
     */
    @Override
    public void close() {
        changes.lock();
        try {
            closed = true;
        } finally {
            changes.unlock();
        }
        for (Compartment compartment : compartments.values()) {
            compartment.close();
        }
        for (KeyedCompartments<?> group : keyed.values()) {
            group.close();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the compartment registry is closed");
        }
    }

    private static <V> Map<String, V> with(Map<String, V> map, String name, V value) {
        Map<String, V> copy = new LinkedHashMap<>(map);
        copy.put(name, value);
        return Collections.unmodifiableMap(copy);
    }
}
