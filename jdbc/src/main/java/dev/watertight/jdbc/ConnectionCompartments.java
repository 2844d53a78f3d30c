package dev.watertight.jdbc;

import dev.watertight.CompartmentRegistry;
import dev.watertight.ConfigFollower;
import dev.watertight.ConfigProblem;
import dev.watertight.ConfigurationException;
import dev.watertight.ConnectionCompartmentConfig;
import dev.watertight.ConnectionPoolConfig;
import dev.watertight.SharedCapacity;
import dev.watertight.WatertightConfig;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The connection compartments of a service: named {@link ConnectionCompartment}s, each a
 * {@code DataSource}, that either share one physical pool with quotas, or have a pool of their own.
 *
 * <pre>{@code
 * ConnectionCompartments db = ConnectionCompartments.builder()
 *         .pool("app-db", hikari, 15)                          // one physical pool of 15
 *         .compartment("read", "app-db", c -> c.ceiling(10))
 *         .compartment("write", "app-db", c -> c.reserved(3).ceiling(5))
 *         .compartment("analytics", analyticsDataSource, c -> c.ceiling(2))  // a database of its own
 *         .build();
 *
 * try (Connection connection = db.compartment("write").getConnection()) { ... }
 * }</pre>
 *
 * <p><b>Quotas over one pool.</b> Compartments on a shared pool split its capacity as a
 * {@link SharedCapacity}: each may hold up to its ceiling; its reservation is always available to
 * it, whatever the others do; what nobody reserved is borrowed by whoever needs it. A burst in one
 * compartment can take the idle connections, never the ones another compartment is guaranteed.
 * The physical pool must hold at least the capacity given (checked for HikariCP).
 *
 * <p><b>A pool per compartment.</b> A compartment given its own {@code DataSource} (another
 * database, an analytics replica, say) is limited by its ceiling alone, behind the same API.
 *
 * <p><b>Changed live.</b> {@link #reconfigure} gives the compartments the ceilings and acquire
 * timeouts of a changed configuration, in place; pools, their capacities, reservations and the
 * set of compartments change only at a restart. To have a configuration file's reloads reach them,
 * give them to the registry that applies the file, which then checks both before changing either:
 *
 * <pre>{@code
 * CompartmentRegistry registry = CompartmentRegistry.create(WatertightYaml.read(file));
 * ConnectionCompartments db = registry.applyConfigTo(ConnectionCompartments.builder()
 *         .configure(registry.config(), Map.of("app-db", hikari)).build());
 * ConfigWatcher.watch(file, registry, listener);   // a new ceiling in the file reaches db
 * }</pre>
 *
 * <p>Closing stops leak detection; the {@code DataSource}s belong to the caller and stay open.
 * Thread-safe.
 */
public final class ConnectionCompartments implements AutoCloseable, ConfigFollower {
    private final Map<String, ConnectionCompartment> compartments;
    private final Map<String, SharedCapacity> pools;
    private final @Nullable ScheduledExecutorService leakTimer;
    private final ReentrantLock changes = new ReentrantLock(); // a lock, not a monitor: the house rule

    private ConnectionCompartments(Map<String, ConnectionCompartment> compartments, Map<String, SharedCapacity> pools,
            @Nullable ScheduledExecutorService leakTimer) {
        this.compartments = compartments;
        this.pools = pools;
        this.leakTimer = leakTimer;
    }

    /** {@return a builder of a service's connection compartments} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A compartment by name.
     *
     * @param name the name given to the builder
     * @return the compartment
     * @throws IllegalArgumentException if there is none by that name
     */
    public ConnectionCompartment compartment(String name) {
        ConnectionCompartment compartment = compartments.get(name);
        if (compartment == null) {
            throw new IllegalArgumentException("there is no connection compartment named '" + name
                    + "'; there are " + compartments.keySet());
        }
        return compartment;
    }

    /** {@return every compartment, in the order described} */
    public List<ConnectionCompartment> compartments() {
        return List.copyOf(compartments.values());
    }

    /** {@return a snapshot of every compartment, in the order described} */
    public List<ConnectionCompartmentStats> stats() {
        return compartments.values().stream().map(ConnectionCompartment::stats).toList();
    }

    /**
     * The shared capacity of a pool, to read how much is in use and borrowed.
     *
     * @param pool the pool's name, or a dedicated compartment's name
     * @return its capacity
     * @throws IllegalArgumentException if there is no such pool
     */
    public SharedCapacity capacity(String pool) {
        SharedCapacity capacity = pools.get(pool);
        if (capacity == null) {
            throw new IllegalArgumentException("there is no pool named '" + pool + "'; there are " + pools.keySet());
        }
        return capacity;
    }

    /**
     * What a changed configuration's {@code connections} section asks that cannot change in place,
     * each problem naming its key path (e.g. {@code connections.compartments.write.reserved}).
     * Only a compartment's {@code ceiling} and {@code acquireTimeout} may change; the pools, their
     * capacities, each compartment's pool and reservation, and which compartments there are, are
     * fixed until a restart. A compartment with a {@code DataSource} of its own is left alone, as
     * the registry leaves compartments registered in code; only a file that names it is refused.
     * Changes nothing.
     *
     * @param next the new configuration
     * @return the problems; empty when {@link #reconfigure} would succeed
     */
    @Override
    public List<ConfigProblem> check(WatertightConfig next) {
        Objects.requireNonNull(next, "config must not be null");
        List<ConfigProblem> problems = new ArrayList<>();
        pools.forEach((name, capacity) -> {
            if (isDedicated(name)) {
                return; // a compartment's own DataSource: reported with the compartment
            }
            ConnectionPoolConfig now = next.connectionPools().get(name);
            String path = "connections.pools." + name;
            if (now == null) {
                problems.add(problem(path, null, "removing a connection pool needs a restart (its DataSource is given in code)"));
            } else if (now.capacity() != capacity.capacity()) {
                problems.add(problem(path, String.valueOf(now.capacity()), "the capacity of a connection pool changes only "
                        + "at a restart (" + capacity.capacity() + " -> " + now.capacity() + ")"));
            }
        });
        next.connectionPools().keySet().stream().filter(name -> !pools.containsKey(name) || isDedicated(name)).forEach(name ->
                problems.add(problem("connections.pools." + name, null,
                        "adding a connection pool needs a restart (its DataSource is given in code)")));
        compartments.forEach((name, running) -> {
            ConnectionCompartmentConfig now = next.connectionCompartments().get(name);
            String path = "connections.compartments." + name;
            if (running.dedicated()) {
                // No file can describe it (configure builds shared ones only), so a file that does
                // not name it leaves it alone, as the registry leaves compartments registered in code.
                if (now != null) {
                    problems.add(problem(path, null, "compartment '" + name + "' has a DataSource of its own, given in code; "
                            + "a configuration cannot change it (build it from the file's pools to change it live)"));
                }
            } else if (now == null) {
                problems.add(problem(path, null, "removing a connection compartment needs a restart (code may hold it)"));
            } else {
                compartmentProblems(path, running, now, problems);
            }
        });
        next.connectionCompartments().keySet().stream().filter(name -> !compartments.containsKey(name)).forEach(name ->
                problems.add(problem("connections.compartments." + name, null,
                        "adding a connection compartment needs a restart (its pool's DataSource is given in code)")));
        return problems;
    }

    private void compartmentProblems(String path, ConnectionCompartment running, ConnectionCompartmentConfig now,
            List<ConfigProblem> problems) {
        if (!now.pool().equals(running.pool())) {
            problems.add(problem(path + ".pool", now.pool(), "a connection compartment cannot move to another pool ('"
                    + running.pool() + "' -> '" + now.pool() + "'); a restart is needed"));
            return; // its ceiling means nothing against the old pool
        }
        if (now.reserved() != running.reserved()) {
            problems.add(problem(path + ".reserved", String.valueOf(now.reserved()), "the reservation of a connection "
                    + "compartment changes only at a restart (" + running.reserved() + " -> " + now.reserved()
                    + "); its ceiling and acquireTimeout may change"));
        }
        int capacity = Objects.requireNonNull(pools.get(running.pool()), running.pool()).capacity();
        if (now.ceiling() < Math.max(1, running.reserved()) || now.ceiling() > capacity) {
            problems.add(problem(path + ".ceiling", String.valueOf(now.ceiling()), "ceiling must be between "
                    + Math.max(1, running.reserved()) + " (the reservation, at least 1) and " + capacity
                    + " (the capacity of pool '" + running.pool() + "')"));
        }
    }

    private boolean isDedicated(String pool) {
        ConnectionCompartment compartment = compartments.get(pool);
        return compartment != null && compartment.dedicated();
    }

    private static ConfigProblem problem(String path, @Nullable String value, String message) {
        return new ConfigProblem("reload", path, value, message);
    }

    /**
     * Gives the compartments the ceilings and acquire timeouts of a changed configuration, in
     * place, after checking it whole ({@link #check}): if anything cannot change, nothing does.
     * A raised ceiling lets waiting callers in at once; a lowered one takes no connection back:
     * holders keep theirs, and new callers wait (or are refused) until the compartment holds
     * fewer than the new ceiling. A new acquire timeout applies to callers that start waiting
     * from now on. To follow a configuration file, give these compartments to the registry that
     * applies it ({@link CompartmentRegistry#applyConfigTo}) rather than calling this directly.
     *
     * @param next the new configuration
     * @return one line per compartment changed, e.g. {@code connections.compartments.read: ceiling 10 -> 6}
     * @throws ConfigurationException listing every setting that cannot change in place; nothing was changed
     */
    @Override
    public List<String> reconfigure(WatertightConfig next) {
        changes.lock();
        try {
            List<ConfigProblem> problems = check(next);
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            List<String> made = new ArrayList<>();
            compartments.forEach((name, running) -> {
                if (running.dedicated()) {
                    return; // check() let it pass only because the file does not name it
                }
                // check() made sure the file names every shared compartment that runs.
                ConnectionCompartmentConfig now = Objects.requireNonNull(next.connectionCompartments().get(name), name);
                List<String> differences = new ArrayList<>();
                if (now.ceiling() != running.limit()) {
                    differences.add("ceiling " + running.share().resizeCeiling(now.ceiling()) + " -> " + now.ceiling());
                }
                if (!now.acquireTimeout().equals(running.acquireTimeout())) {
                    differences.add("acquireTimeout " + running.acquireTimeout() + " -> " + now.acquireTimeout());
                    running.acquireTimeout(now.acquireTimeout());
                }
                if (!differences.isEmpty()) {
                    made.add("connections.compartments." + name + ": " + String.join(", ", differences));
                }
            });
            return List.copyOf(made);
        } finally {
            changes.unlock();
        }
    }

    /** Stops leak detection. Connections out stay valid; the {@code DataSource}s stay open. */
    @Override
    public void close() {
        if (leakTimer != null) {
            leakTimer.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "ConnectionCompartments" + compartments.values();
    }

    /**
     * The settings of one compartment. Defaults come from the {@link Builder}: acquire timeout
     * 5 s, no leak detection, no reservation; the ceiling must be given.
     *
     * <p>Not thread-safe: a builder's part, used by the thread that builds.
     */
    public static final class Settings {
        private @Nullable Integer ceiling;
        private int reserved;
        private @Nullable Duration acquireTimeout;
        private @Nullable Duration leakThreshold;
        private @Nullable Boolean reclaimLeaks;

        private Settings() {}

        /**
         * The most connections the compartment may hold at once.
         *
         * @param ceiling from 1 to its pool's capacity
         * @return these settings
         */
        public Settings ceiling(int ceiling) {
            this.ceiling = ceiling;
            return this;
        }

        /**
         * The connections always available to the compartment, whatever its neighbours do (only
         * for compartments on a shared pool; a dedicated pool's connections are all its own).
         *
         * @param reserved from 0 to the ceiling; all reservations of a pool add up to at most its
         *     capacity
         * @return these settings
         */
        public Settings reserved(int reserved) {
            this.reserved = reserved;
            return this;
        }

        /**
         * How long a caller may wait for the compartment's quota before it is refused.
         *
         * @param acquireTimeout from 0 (never wait) to 1 hour
         * @return these settings
         */
        public Settings acquireTimeout(Duration acquireTimeout) {
            this.acquireTimeout = Objects.requireNonNull(acquireTimeout, "acquireTimeout must not be null");
            return this;
        }

        /**
         * How long a connection may be held before it is reported as a leak, with the stack that
         * borrowed it; zero turns leak detection off. Recording the stack costs some microseconds
         * per borrow, so it is off unless asked for.
         *
         * @param leakThreshold zero, or from 1 ms to 1 day
         * @return these settings
         */
        public Settings leakThreshold(Duration leakThreshold) {
            this.leakThreshold = Objects.requireNonNull(leakThreshold, "leakThreshold must not be null");
            return this;
        }

        /**
         * Whether a leaked connection is also taken away: aborted, closed and its quota given
         * back; the holder's next use fails. Off by default: the holder may still be working.
         *
         * @param reclaimLeaks whether to reclaim
         * @return these settings
         */
        public Settings reclaimLeaks(boolean reclaimLeaks) {
            this.reclaimLeaks = reclaimLeaks;
            return this;
        }
    }

    /** Describes a service's connection compartments; validated when built. Not thread-safe. */
    public static final class Builder {
        private static final Duration MAX_LEAK_THRESHOLD = Duration.ofDays(1);

        private record Pool(String name, DataSource dataSource, int capacity) {
        }

        private record Spec(String name, Pool pool, boolean dedicated, Settings settings) {
        }

        private final Map<String, Pool> pools = new LinkedHashMap<>();
        private final List<Spec> specs = new ArrayList<>();
        private Duration acquireTimeout = ConnectionCompartmentConfig.DEFAULT_ACQUIRE_TIMEOUT;
        private Duration leakThreshold = Duration.ZERO;
        private boolean reclaimLeaks;
        private Consumer<ConnectionLeak> leakListener = ConnectionCompartments::logLeak;

        private Builder() {
        }

        /**
         * Describes the pools and compartments of a configuration file's {@code connections}
         * section, over the service's {@code DataSource}s.
         *
         * @param config the configuration (its connection pools and compartments)
         * @param dataSources the {@code DataSource} of each pool, by the pool's name
         * @return this builder
         * @throws IllegalArgumentException if a pool of the configuration has no {@code DataSource}
         */
        public Builder configure(WatertightConfig config, Map<String, ? extends DataSource> dataSources) {
            for (ConnectionPoolConfig pool : config.connectionPools().values()) {
                DataSource dataSource = dataSources.get(pool.name());
                if (dataSource == null) {
                    throw new IllegalArgumentException("connection pool '" + pool.name() + "' of the configuration has no "
                            + "DataSource; the DataSources given are for " + dataSources.keySet());
                }
                pool(pool.name(), dataSource, pool.capacity());
            }
            for (ConnectionCompartmentConfig compartment : config.connectionCompartments().values()) {
                compartment(compartment.name(), compartment.pool(), settings -> settings
                        .reserved(compartment.reserved())
                        .ceiling(compartment.ceiling())
                        .acquireTimeout(compartment.acquireTimeout()));
            }
            return this;
        }

        /**
         * Describes a physical pool that compartments share.
         *
         * @param name the pool's name, used in messages and stats
         * @param dataSource the pool (HikariCP, or any {@code DataSource})
         * @param capacity how many connections the compartments may hold together, at most the
         *     pool's maximum size
         * @return this builder
         */
        public Builder pool(String name, DataSource dataSource, int capacity) {
            name(name, "pool name");
            Objects.requireNonNull(dataSource, "the DataSource of pool '" + name + "' must not be null");
            if (pools.containsKey(name) || specs.stream().anyMatch(spec -> spec.name().equals(name))) {
                throw new IllegalArgumentException("pool name '" + name + "' is already used");
            }
            if (capacity < 1) {
                throw new IllegalArgumentException("capacity of pool '" + name + "' must be at least 1, was " + capacity);
            }
            OptionalInt poolSize = HikariPools.maximumPoolSize(dataSource);
            if (poolSize.isPresent() && capacity > poolSize.getAsInt()) {
                throw new IllegalArgumentException("capacity of pool '" + name + "' must be at most its HikariCP "
                        + "maximumPoolSize " + poolSize.getAsInt() + ", was " + capacity
                        + ": the quotas would admit callers the pool cannot serve");
            }
            pools.put(name, new Pool(name, dataSource, capacity));
            return this;
        }

        /**
         * Adds a compartment on a shared pool described by {@link #pool}.
         *
         * @param name the compartment's name
         * @param pool the name of its pool
         * @param settings sets its ceiling (required), reservation and the rest
         * @return this builder
         */
        public Builder compartment(String name, String pool, Consumer<Settings> settings) {
            Pool shared = pools.get(pool);
            if (shared == null) {
                throw new IllegalArgumentException("compartment '" + name + "' names pool '" + pool
                        + "', which is not described; describe it first with pool(name, dataSource, capacity)"
                        + (pools.isEmpty() ? "" : "; the pools are " + pools.keySet()));
            }
            return add(name, shared, false, settings);
        }

        /**
         * Adds a compartment with a {@code DataSource} of its own (another database, say).
         *
         * @param name the compartment's name
         * @param dataSource its own pool
         * @param settings sets its ceiling (required) and the rest; a reservation is not allowed
         * @return this builder
         */
        public Builder compartment(String name, DataSource dataSource, Consumer<Settings> settings) {
            Objects.requireNonNull(dataSource, "the DataSource of compartment '" + name + "' must not be null");
            return add(name, new Pool(name, dataSource, Integer.MAX_VALUE), true, settings);
        }

        private Builder add(String name, Pool pool, boolean dedicated, Consumer<Settings> configure) {
            name(name, "compartment name");
            if (specs.stream().anyMatch(spec -> spec.name().equals(name)) || (dedicated && pools.containsKey(name))) {
                throw new IllegalArgumentException("compartment name '" + name + "' is already used");
            }
            Settings settings = new Settings();
            Objects.requireNonNull(configure, "the settings of compartment '" + name + "' must not be null").accept(settings);
            specs.add(new Spec(name, pool, dedicated, settings));
            return this;
        }

        /**
         * The acquire timeout of compartments that do not set their own; unless set, 5 s, as in a
         * configuration file ({@link ConnectionCompartmentConfig#DEFAULT_ACQUIRE_TIMEOUT}).
         *
         * @param acquireTimeout from 0 (never wait) to 1 hour
         * @return this builder
         */
        public Builder acquireTimeout(Duration acquireTimeout) {
            this.acquireTimeout = acquireTimeout("acquireTimeout", acquireTimeout);
            return this;
        }

        /**
         * The leak threshold of compartments that do not set their own; zero (off) unless set.
         *
         * @param leakThreshold zero, or from 1 ms to 1 day
         * @return this builder
         */
        public Builder leakThreshold(Duration leakThreshold) {
            this.leakThreshold = leakThreshold("leakThreshold", leakThreshold);
            return this;
        }

        /**
         * Whether compartments that do not say otherwise reclaim leaked connections; off unless set.
         *
         * @param reclaimLeaks whether to reclaim
         * @return this builder
         */
        public Builder reclaimLeaks(boolean reclaimLeaks) {
            this.reclaimLeaks = reclaimLeaks;
            return this;
        }

        /**
         * Who hears of leaks; by default they are logged as warnings through {@link System.Logger}.
         * A listener that throws is ignored.
         *
         * @param leakListener the listener
         * @return this builder
         */
        public Builder leakListener(Consumer<ConnectionLeak> leakListener) {
            this.leakListener = Objects.requireNonNull(leakListener, "leakListener must not be null");
            return this;
        }

        /**
         * Checks every setting and builds the compartments.
         *
         * @return the compartments, with every quota free
         * @throws IllegalArgumentException naming the setting, its value and what is allowed
         */
        public ConnectionCompartments build() {
            if (specs.isEmpty()) {
                throw new IllegalArgumentException("no connection compartment is described; add one with compartment(...)");
            }
            for (Pool pool : pools.values()) {
                if (specs.stream().noneMatch(spec -> spec.pool() == pool)) {
                    throw new IllegalArgumentException("pool '" + pool.name() + "' has no compartment; add one with "
                            + "compartment(name, \"" + pool.name() + "\", settings) or remove the pool");
                }
            }
            checkEachDataSourceOnce();
            Map<String, SharedCapacity> capacities = new LinkedHashMap<>();
            for (Pool pool : pools.values()) {
                SharedCapacity.Builder capacity = SharedCapacity.builder(pool.name(), pool.capacity());
                for (Spec spec : specs) {
                    if (spec.pool() == pool) {
                        int ceiling = ceiling(spec, pool.capacity());
                        int reserved = spec.settings().reserved;
                        if (reserved < 0 || reserved > ceiling) {
                            throw new IllegalArgumentException("reserved of compartment '" + spec.name()
                                    + "' must be between 0 and its ceiling " + ceiling + ", was " + reserved);
                        }
                        capacity.share(spec.name(), reserved, ceiling);
                    }
                }
                capacities.put(pool.name(), capacity.build());
            }
            for (Spec spec : specs) {
                if (spec.dedicated()) {
                    if (spec.settings().reserved != 0) {
                        throw new IllegalArgumentException("reserved of compartment '" + spec.name()
                                + "' must not be set, was " + spec.settings().reserved
                                + ": it has a DataSource of its own, so all its connections are its own");
                    }
                    int ceiling = ceiling(spec, Integer.MAX_VALUE);
                    OptionalInt poolSize = HikariPools.maximumPoolSize(spec.pool().dataSource());
                    if (poolSize.isPresent() && ceiling > poolSize.getAsInt()) {
                        throw new IllegalArgumentException("ceiling of compartment '" + spec.name() + "' must be at most its "
                                + "HikariCP maximumPoolSize " + poolSize.getAsInt() + ", was " + ceiling);
                    }
                    capacities.put(spec.name(), SharedCapacity.builder(spec.name(), ceiling)
                            .share(spec.name(), ceiling, ceiling).build());
                }
            }
            boolean anyLeakDetection = false;
            List<Duration[]> timings = new ArrayList<>();
            List<Boolean> reclaims = new ArrayList<>();
            for (Spec spec : specs) {
                Settings settings = spec.settings();
                Duration timeout = settings.acquireTimeout == null ? acquireTimeout
                        : acquireTimeout("acquireTimeout of compartment '" + spec.name() + "'", settings.acquireTimeout);
                Duration threshold = settings.leakThreshold == null ? leakThreshold
                        : leakThreshold("leakThreshold of compartment '" + spec.name() + "'", settings.leakThreshold);
                boolean reclaim = settings.reclaimLeaks == null ? reclaimLeaks : settings.reclaimLeaks;
                if (reclaim && threshold.isZero()) {
                    throw new IllegalArgumentException("reclaimLeaks of compartment '" + spec.name()
                            + "' needs a leakThreshold above zero, was 0 (leak detection off)");
                }
                anyLeakDetection |= !threshold.isZero();
                timings.add(new Duration[] {timeout, threshold});
                reclaims.add(reclaim);
            }
            ScheduledExecutorService leakTimer = anyLeakDetection ? newLeakTimer() : null;
            Map<String, ConnectionCompartment> compartments = new LinkedHashMap<>();
            for (int i = 0; i < specs.size(); i++) {
                Spec spec = specs.get(i);
                String poolName = spec.dedicated() ? spec.name() : spec.pool().name();
                compartments.put(spec.name(), new ConnectionCompartment(spec.name(), poolName, spec.dedicated(), spec.pool().dataSource(),
                        Objects.requireNonNull(capacities.get(poolName), poolName).share(spec.name()), timings.get(i)[0], timings.get(i)[1], reclaims.get(i),
                        leakTimer, leakListener));
            }
            return new ConnectionCompartments(compartments, capacities, leakTimer);
        }

        /** One physical pool described twice would let the quotas add up to more than it holds. */
        private void checkEachDataSourceOnce() {
            // By identity: two DataSource objects that are equal() may still be two pools.
            java.util.IdentityHashMap<DataSource, String> owners = new java.util.IdentityHashMap<>();
            for (Pool pool : pools.values()) {
                owners.put(pool.dataSource(), "pool '" + pool.name() + "'");
            }
            for (Spec spec : specs) {
                if (spec.dedicated()) {
                    String owner = owners.putIfAbsent(spec.pool().dataSource(), "compartment '" + spec.name() + "'");
                    if (owner != null) {
                        throw new IllegalArgumentException("the DataSource of compartment '" + spec.name()
                                + "' is already the DataSource of " + owner + ": put the compartment on that pool "
                                + "instead, or the quotas could add up to more than the pool holds");
                    }
                }
            }
            if (owners.size() < pools.size()) {
                throw new IllegalArgumentException("two pools were given the same DataSource: describe it once, "
                        + "or the quotas could add up to more than it holds; the pools are " + pools.keySet());
            }
        }

        private static int ceiling(Spec spec, int capacity) {
            Integer ceiling = spec.settings().ceiling;
            if (ceiling == null) {
                throw new IllegalArgumentException("ceiling of compartment '" + spec.name() + "' must be set"
                        + (capacity == Integer.MAX_VALUE ? "" : ", from 1 to the capacity " + capacity + " of pool '"
                                + spec.pool().name() + "'"));
            }
            if (ceiling < 1 || ceiling > capacity) {
                throw new IllegalArgumentException("ceiling of compartment '" + spec.name() + "' must be "
                        + (capacity == Integer.MAX_VALUE ? "at least 1"
                                : "between 1 and the capacity " + capacity + " of pool '" + spec.pool().name() + "'")
                        + ", was " + ceiling);
            }
            return ceiling;
        }

        private static void name(String name, String what) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException(what + " must not be blank, was " + (name == null ? "null" : "'" + name + "'"));
            }
        }

        /** The range of {@link ConnectionCompartmentConfig}, so that code and files accept the same. */
        private static Duration acquireTimeout(String setting, Duration value) {
            Objects.requireNonNull(value, setting + " must not be null");
            Duration min = ConnectionCompartmentConfig.MIN_ACQUIRE_TIMEOUT;
            Duration max = ConnectionCompartmentConfig.MAX_ACQUIRE_TIMEOUT;
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(setting + " must be between " + min + " and " + max + ", was " + value);
            }
            return value;
        }

        private static Duration leakThreshold(String setting, Duration value) {
            Objects.requireNonNull(value, setting + " must not be null");
            if (!value.isZero() && (value.compareTo(Duration.ofMillis(1)) < 0 || value.compareTo(MAX_LEAK_THRESHOLD) > 0)) {
                throw new IllegalArgumentException(setting + " must be zero (off) or between PT0.001S and PT24H, was " + value);
            }
            return value;
        }

        private static ScheduledExecutorService newLeakTimer() {
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
                Thread thread = new Thread(task, "watertight-jdbc-leaks");
                thread.setDaemon(true);
                return thread;
            });
            timer.setRemoveOnCancelPolicy(true); // closed connections' checks do not pile up
            return timer;
        }
    }

    private static void logLeak(ConnectionLeak leak) {
        System.getLogger(ConnectionCompartments.class.getName()).log(Level.WARNING, leak.toString(), leak.borrowedAt());
    }
}
