package dev.watertight;

import dev.watertight.internal.GuardLayers;
import dev.watertight.internal.Layer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * One kind of guard a {@link Compartment} may have, described once: its name, its key in a
 * configuration file and the settings the file may give it, its places in the compartment's one
 * order, how it is built from its settings record and how that record is applied to a running
 * guard, which of its settings stay as built, how its stats, its MXBean and its meters are read.
 * The compartment's layers, the registry's build, check and reload, the file reader of
 * {@code watertight-config}, {@link WatertightJmx} and {@code watertight-micrometer} are all
 * driven by {@link #all()}: adding a guard kind is its own files and one entry here.
 *
 * <p><b>The order.</b> Outermost first, as {@link Compartment} documents it: shedding under heap
 * pressure and the CPU budget's admission, then retry, circuit breaker, rate limiter, bulkhead or
 * thread pool, timeout, and innermost the CPU budget's charge and the resource meter around the
 * task. An asynchronous call takes the same order except for the timeout, which is applied to the
 * future of the isolation inside it (see {@link Timeout}).
 *
 * <p>Immutable and thread-safe: the kinds are constants.
 *
 * @param <G> the guard's type, such as {@link Bulkhead}
 * @param <C> its settings record, such as {@link BulkheadConfig} ({@link Void} for a guard given only in code)
 * @param <S> its stats record, such as {@link BulkheadStats} ({@link Void} for a guard without stats)
 */
public final class GuardKind<G, C, S> {

    /** Sheds work under heap pressure by its criticality: given in code ({@link Compartment.Builder#shedUnder}). */
    public static final GuardKind<HeapPressure, Void, Void> HEAP_PRESSURE = define("shedUnder", HeapPressure.class)
            .place(0, 0, (guard, stack, inner) -> GuardLayers.shedding(guard, stack.name(), stack.criticality(), inner),
                    (guard, stack) -> "shed under heap pressure (" + stack.criticality() + ")")
            .done();

    /** A CPU rate: admitted outermost, charged innermost. In a file, {@code cpuCores: 0.5}. */
    public static final GuardKind<CpuBudget, CpuBudgetConfig, CpuBudgetStats> CPU_BUDGET =
            define("cpuBudget", CpuBudget.class, CpuBudgetConfig.class, CpuBudgetStats.class)
            .fileKey("cpuCores", "cores")
            .place(1, 1, (guard, stack, inner) -> GuardLayers.cpuAdmission(guard, inner),
                    (guard, stack) -> "cpu budget " + guard.cores() + " cores")
            .place(90, -1, (guard, stack, inner) -> GuardLayers.cpuCharge(guard, inner), null)
            .config(CpuBudget::of, CpuBudget::reconfigure, (config, listener) -> config)
            .stats(CpuBudget::stats)
            .reads(CpuBudget::builder, CpuBudget.Builder::config)
            .setting(Setting.decimal("cores", CpuBudgetConfig::cores, CpuBudget.Builder::cores))
            .setting(Setting.duration("window", CpuBudgetConfig::window, CpuBudget.Builder::window))
            .setting(Setting.duration("maxWait", CpuBudgetConfig::maxWait, CpuBudget.Builder::maxWait))
            .setting(Setting.fixed("writableStackTrace", CpuBudgetConfig::writableStackTrace))
            .done();

    /** Retries, within a retry budget. */
    public static final GuardKind<Retry, RetryConfig, RetryStats> RETRY =
            define("retry", Retry.class, RetryConfig.class, RetryStats.class)
            .fileKey("retry", null)
            .place(10, 10, (guard, stack, inner) -> GuardLayers.retrying(guard, inner),
                    (guard, stack) -> "retry '" + guard.name() + "'")
            .config(Retry::of, Retry::reconfigure, RetryConfig::withListener)
            .stats(Retry::stats)
            .reads(Retry::builder, Retry.Builder::config)
            .setting(Setting.wholeNumber("maxAttempts", RetryConfig::maxAttempts, Retry.Builder::maxAttempts))
            .setting(Setting.backoff("backoff", RetryConfig::backoff, Retry.Builder::backoff))
            .setting(Setting.fixed("retryRejections", RetryConfig::retryRejections))
            .done();

    /** Stops calling a dependency that keeps failing. */
    public static final GuardKind<CircuitBreaker, CircuitBreakerConfig, CircuitBreakerStats> CIRCUIT_BREAKER =
            define("circuitBreaker", CircuitBreaker.class, CircuitBreakerConfig.class, CircuitBreakerStats.class)
            .fileKey("circuitBreaker", null)
            .title("circuit breaker")
            .place(20, 20, (guard, stack, inner) -> GuardLayers.broken(guard, inner),
                    (guard, stack) -> "circuit breaker '" + guard.name() + "'")
            .config(CircuitBreaker::of, CircuitBreaker::reconfigure,
                    CircuitBreakerConfig::withListener)
            .stats(CircuitBreaker::stats)
            .reads(CircuitBreaker::builder, CircuitBreaker.Builder::config)
            .setting(Setting.decimal("failureRateThreshold", CircuitBreakerConfig::failureRateThreshold,
                    CircuitBreaker.Builder::failureRateThreshold))
            .setting(Setting.decimal("slowCallRateThreshold", CircuitBreakerConfig::slowCallRateThreshold,
                    CircuitBreaker.Builder::slowCallRateThreshold))
            .setting(Setting.duration("slowCallDuration", CircuitBreakerConfig::slowCallDuration,
                    CircuitBreaker.Builder::slowCallDuration))
            .setting(Setting.wholeNumber("slidingWindowSize", CircuitBreakerConfig::slidingWindowSize,
                    CircuitBreaker.Builder::slidingWindowSize))
            .setting(Setting.duration("slidingWindowDuration", CircuitBreakerConfig::slidingWindowDuration,
                    CircuitBreaker.Builder::slidingWindowDuration))
            .setting(Setting.wholeNumber("minimumCalls", CircuitBreakerConfig::minimumCalls,
                    CircuitBreaker.Builder::minimumCalls))
            .setting(Setting.wholeNumber("consecutiveFailures", CircuitBreakerConfig::consecutiveFailures,
                    CircuitBreaker.Builder::consecutiveFailures))
            .setting(Setting.duration("openDuration", CircuitBreakerConfig::openDuration,
                    CircuitBreaker.Builder::openDuration))
            .setting(Setting.decimal("openDurationMultiplier", CircuitBreakerConfig::openDurationMultiplier,
                    CircuitBreaker.Builder::openDurationMultiplier))
            .setting(Setting.duration("maxOpenDuration", CircuitBreakerConfig::maxOpenDuration,
                    CircuitBreaker.Builder::maxOpenDuration))
            .setting(Setting.wholeNumber("halfOpenProbes", CircuitBreakerConfig::halfOpenProbes,
                    CircuitBreaker.Builder::halfOpenProbes))
            .setting(Setting.duration("halfOpenDeadline", CircuitBreakerConfig::halfOpenDeadline,
                    CircuitBreaker.Builder::halfOpenDeadline))
            .setting(Setting.fixed("writableStackTrace", CircuitBreakerConfig::writableStackTrace))
            .jmx("CircuitBreaker", CircuitBreaker::name, WatertightJmx::bean)
            .meter(Meter.gauge("watertight.circuitbreaker.failure.rate", CircuitBreakerStats::failureRate,
                    "Failure rate of the window, percent").unit("percent"))
            .meter(Meter.gauge("watertight.circuitbreaker.slow.call.rate", CircuitBreakerStats::slowCallRate,
                    "Slow-call rate of the window, percent").unit("percent"))
            .meter(Meter.counter("watertight.circuitbreaker.not.permitted", CircuitBreakerStats::notPermitted,
                    "Calls refused while open"))
            .meters(stateGauges())
            .done();

    /** Bounds the rate of calls. */
    public static final GuardKind<RateLimiter, RateLimiterConfig, RateLimiterStats> RATE_LIMITER =
            define("rateLimiter", RateLimiter.class, RateLimiterConfig.class, RateLimiterStats.class)
            .fileKey("rateLimiter", null)
            .title("rate limiter")
            .place(30, 30, (guard, stack, inner) -> GuardLayers.limited(guard, inner),
                    (guard, stack) -> "rate limiter '" + guard.name() + "'")
            .config(RateLimiter::of, RateLimiter::reconfigure,
                    RateLimiterConfig::withListener)
            .stats(RateLimiter::stats)
            .reads(RateLimiter::builder, RateLimiter.Builder::config)
            .setting(Setting.wholeNumber("permitsPerPeriod", RateLimiterConfig::permitsPerPeriod,
                    RateLimiter.Builder::permitsPerPeriod))
            .setting(Setting.duration("period", RateLimiterConfig::period, RateLimiter.Builder::period))
            .setting(Setting.wholeNumber("burst", RateLimiterConfig::burst, RateLimiter.Builder::burst))
            .setting(Setting.duration("maxWait", RateLimiterConfig::maxWait, RateLimiter.Builder::maxWait))
            .setting(Setting.fixed("writableStackTrace", RateLimiterConfig::writableStackTrace))
            .jmx("RateLimiter", RateLimiter::name, WatertightJmx::bean)
            .meter(Meter.counter("watertight.ratelimiter.calls", RateLimiterStats::granted, "Permits granted")
                    .tag("outcome", "granted"))
            .meter(Meter.counter("watertight.ratelimiter.calls", RateLimiterStats::rejected, "Calls refused")
                    .tag("outcome", "rejected"))
            .meter(Meter.gauge("watertight.ratelimiter.available", RateLimiterStats::availablePermits,
                    "Permits available now"))
            .meter(Meter.gauge("watertight.ratelimiter.waiting", RateLimiterStats::waiting, "Callers waiting now"))
            .done();

    /** Limits concurrent calls on the callers' own threads. */
    public static final GuardKind<Bulkhead, BulkheadConfig, BulkheadStats> BULKHEAD =
            define("bulkhead", Bulkhead.class, BulkheadConfig.class, BulkheadStats.class)
            .fileKey("bulkhead", null)
            .place(40, 50, (guard, stack, inner) -> GuardLayers.isolated(guard, inner),
                    (guard, stack) -> "bulkhead '" + guard.name() + "' (" + guard.maxConcurrent() + ")")
            .excludes("threadPool")
            .config(Bulkhead::of, Bulkhead::reconfigure, BulkheadConfig::withListener)
            .stats(Bulkhead::stats)
            .reads(Bulkhead::builder, Bulkhead.Builder::config)
            .setting(Setting.wholeNumber("maxConcurrent", BulkheadConfig::maxConcurrent, Bulkhead.Builder::maxConcurrent))
            .setting(Setting.duration("maxWait", BulkheadConfig::maxWait, Bulkhead.Builder::maxWait))
            .setting(Setting.bool("fair", BulkheadConfig::fair, Bulkhead.Builder::fair).stayingAsBuilt())
            .setting(Setting.fixed("writableStackTrace", BulkheadConfig::writableStackTrace))
            .jmx("Bulkhead", Bulkhead::name, WatertightJmx::bean)
            .timings(Bulkhead::recordTimings, "watertight.bulkhead.wait", "Time calls waited for a permit",
                    "watertight.bulkhead.execution", "Time calls held a permit")
            .meter(Meter.counter("watertight.bulkhead.calls", BulkheadStats::accepted, "Calls admitted")
                    .tag("outcome", "accepted"))
            .meter(Meter.counter("watertight.bulkhead.calls", BulkheadStats::rejected, "Calls refused")
                    .tag("outcome", "rejected"))
            .meter(Meter.counter("watertight.bulkhead.calls", BulkheadStats::succeeded, "Calls that returned")
                    .tag("outcome", "succeeded"))
            .meter(Meter.counter("watertight.bulkhead.calls", BulkheadStats::failed, "Calls that threw")
                    .tag("outcome", "failed"))
            .meter(Meter.gauge("watertight.bulkhead.in.use", BulkheadStats::inUse, "Permits held now"))
            .meter(Meter.gauge("watertight.bulkhead.waiting", BulkheadStats::waiting, "Callers waiting now"))
            .meter(Meter.gauge("watertight.bulkhead.limit", BulkheadStats::maxConcurrent, "The limit"))
            .done();

    /** Runs calls on threads of their own, instead of a bulkhead. */
    public static final GuardKind<ThreadPoolBulkhead, ThreadPoolBulkheadConfig, ThreadPoolStats> THREAD_POOL =
            define("threadPool", ThreadPoolBulkhead.class, ThreadPoolBulkheadConfig.class, ThreadPoolStats.class)
            .fileKey("threadPool", null)
            .place(40, 50, (guard, stack, inner) -> GuardLayers.pooled(guard, inner),
                    (guard, stack) -> "thread pool '" + guard.name() + "' (" + guard.config().threads() + " threads)")
            .title("thread pool")
            .excludes("bulkhead")
            .config(ThreadPoolBulkhead::of, ThreadPoolBulkhead::reconfigure,
                    ThreadPoolBulkheadConfig::withListener)
            .label(config -> config.virtualThreads() ? "threadPool (virtual threads)" : "threadPool")
            .stats(ThreadPoolBulkhead::stats)
            .reads(ThreadPoolBulkhead::builder, ThreadPoolBulkhead.Builder::config)
            .setting(Setting.wholeNumber("threads", ThreadPoolBulkheadConfig::threads, ThreadPoolBulkhead.Builder::threads))
            .setting(Setting.wholeNumber("queueCapacity", ThreadPoolBulkheadConfig::queueCapacity,
                    ThreadPoolBulkhead.Builder::queueCapacity))
            .setting(Setting.duration("timeout", ThreadPoolBulkheadConfig::timeout, ThreadPoolBulkhead.Builder::timeout))
            .setting(Setting.bool("virtualThreads", ThreadPoolBulkheadConfig::virtualThreads,
                    ThreadPoolBulkhead.Builder::virtualThreads).stayingAsBuilt())
            .setting(Setting.duration("shutdownGrace", ThreadPoolBulkheadConfig::shutdownGrace,
                    ThreadPoolBulkhead.Builder::shutdownGrace))
            .setting(Setting.fixed("writableStackTrace", ThreadPoolBulkheadConfig::writableStackTrace))
            .jmx("ThreadPoolBulkhead", ThreadPoolBulkhead::name, WatertightJmx::bean)
            .timings(ThreadPoolBulkhead::recordTimings, "watertight.threadpool.queue.wait", "Time tasks waited to start",
                    "watertight.threadpool.execution", "Time tasks ran")
            .meter(Meter.counter("watertight.threadpool.tasks", ThreadPoolStats::submitted, "Tasks admitted")
                    .tag("outcome", "submitted"))
            .meter(Meter.counter("watertight.threadpool.tasks", ThreadPoolStats::succeeded, "Tasks that returned")
                    .tag("outcome", "succeeded"))
            .meter(Meter.counter("watertight.threadpool.tasks", ThreadPoolStats::failed, "Tasks that threw")
                    .tag("outcome", "failed"))
            .meter(Meter.counter("watertight.threadpool.tasks", ThreadPoolStats::rejected, "Tasks refused")
                    .tag("outcome", "rejected"))
            .meter(Meter.counter("watertight.threadpool.tasks", ThreadPoolStats::timedOut, "Tasks past their timeout")
                    .tag("outcome", "timed.out"))
            .meter(Meter.counter("watertight.threadpool.tasks", ThreadPoolStats::cancelled, "Tasks cancelled")
                    .tag("outcome", "cancelled"))
            .meter(Meter.gauge("watertight.threadpool.active", ThreadPoolStats::activeThreads, "Threads running a task"))
            .meter(Meter.gauge("watertight.threadpool.queued", ThreadPoolStats::queued, "Tasks waiting in the queue"))
            .meter(Meter.gauge("watertight.threadpool.queue.capacity", ThreadPoolStats::queueCapacity, "The queue's bound"))
            .meter(Meter.gauge("watertight.threadpool.threads", ThreadPoolStats::threads, "The pool's threads"))
            .done();

    /** Bounds how long a call may take. In a file, {@code timeout: 2s}. */
    public static final GuardKind<Timeout, TimeoutConfig, TimeoutStats> TIMEOUT =
            define("timeout", Timeout.class, TimeoutConfig.class, TimeoutStats.class)
            .fileKey("timeout", "timeout")
            .place(50, 45, (guard, stack, inner) -> GuardLayers.timed(guard, inner),
                    (guard, stack) -> "timeout " + guard.timeout().toMillis() + " ms")
            .config(Timeout::of, Timeout::reconfigure, TimeoutConfig::withListener)
            .stats(Timeout::stats)
            .reads(Timeout::builder, Timeout.Builder::config)
            .setting(Setting.duration("timeout", TimeoutConfig::timeout, Timeout.Builder::timeout))
            .done();

    /** Accounts the CPU time and bytes allocated by synchronous calls: given in code ({@link Compartment.Builder#meter}). */
    public static final GuardKind<ResourceMeter, Void, ResourceStats> RESOURCE_METER =
            define("meter", ResourceMeter.class)
            .withStats(ResourceStats.class, ResourceMeter::stats)
            .place(95, -1, (guard, stack, inner) -> GuardLayers.metered(guard, inner), (guard, stack) -> "resource meter")
            .done();

    /**
     * Every kind, in the order a configuration file and its messages list them (the stack's
     * order is each kind's place, see the class comment).
     */
    private static final List<GuardKind<?, ?, ?>> ALL = List.of(
            THREAD_POOL, BULKHEAD, CIRCUIT_BREAKER, RATE_LIMITER, RETRY, TIMEOUT, CPU_BUDGET, HEAP_PRESSURE, RESOURCE_METER);

    private final String name;
    private final Class<G> type;
    private final @Nullable String fileKey;
    private final @Nullable String scalarSetting;
    private final List<Placement<G>> placements;
    private final @Nullable String excludes;
    private final String title;
    private final @Nullable Class<C> configType;
    private final @Nullable Class<S> statsType;
    private final @Nullable Function<C, G> build;
    private final @Nullable BiConsumer<G, C> reconfigure;
    private final @Nullable BiFunction<C, CompartmentListener, C> withListener;
    private final @Nullable Function<C, String> label;
    private final @Nullable Function<G, S> stats;
    private final @Nullable Function<String, Object> newBuilder;
    private final @Nullable Function<Object, C> builderConfig;
    private final List<Setting<C>> settings;
    private final @Nullable String jmxType;
    private final @Nullable Function<G, Object> mxBean;
    private final @Nullable Function<G, String> guardName;
    private final @Nullable Timings<G> timings;
    private final List<Meter<S>> meters;

    private GuardKind(Definition<G, C, S> definition) {
        this.name = definition.name;
        this.type = definition.type;
        this.fileKey = definition.fileKey;
        this.scalarSetting = definition.scalarSetting;
        this.placements = List.copyOf(definition.placements);
        this.excludes = definition.excludes;
        this.title = definition.title == null ? definition.name : definition.title;
        this.statsType = definition.statsType;
        this.configType = definition.configType;
        this.build = definition.build;
        this.reconfigure = definition.reconfigure;
        this.withListener = definition.withListener;
        this.label = definition.label;
        this.stats = definition.stats;
        this.newBuilder = definition.newBuilder;
        this.builderConfig = definition.builderConfig;
        this.settings = List.copyOf(definition.settings);
        this.jmxType = definition.jmxType;
        this.mxBean = definition.mxBean;
        this.guardName = definition.guardName;
        this.timings = definition.timings;
        this.meters = List.copyOf(definition.meters);
    }

    /** {@return every kind of guard, in the order a configuration file and its messages list them} */
    public static List<GuardKind<?, ?, ?>> all() {
        return ALL;
    }

    /**
     * The kind a configuration file names by this key.
     *
     * @param fileKey the key, e.g. {@code bulkhead} or {@code cpuCores}
     * @return the kind, or empty if no kind has that key
     */
    public static Optional<GuardKind<?, ?, ?>> byFileKey(String fileKey) {
        return ALL.stream().filter(kind -> fileKey.equals(kind.fileKey)).findFirst();
    }

    /** {@return the kinds a configuration file may give, in its order} */
    public static List<GuardKind<?, ?, ?>> inFiles() {
        return ALL.stream().filter(kind -> kind.fileKey != null).toList();
    }

    /** {@return the kind's name, as a compartment's builder, its settings and its stats name it: {@code bulkhead}} */
    public String name() {
        return name;
    }

    /** {@return the guard's type, such as {@code Bulkhead.class}} */
    public Class<G> type() {
        return type;
    }

    /** {@return its key in a configuration file, e.g. {@code cpuCores}; empty for a guard given only in code} */
    public Optional<String> fileKey() {
        return Optional.ofNullable(fileKey);
    }

    /**
     * The setting a file gives as the kind's whole value ({@code timeout: 2s} is the timeout's
     * {@code timeout}); empty when a file gives the kind a mapping of settings.
     *
     * @return the setting's name, or empty
     */
    public Optional<String> scalarSetting() {
        return Optional.ofNullable(scalarSetting);
    }

    /** {@return the settings a file may give this kind, in the order its messages list them} */
    public List<Setting<C>> fileSettings() {
        return settings.stream().filter(Setting::inFile).toList();
    }

    /** {@return every setting of the kind's record that a reload compares, file settings and settings that stay as built} */
    public List<Setting<C>> settings() {
        return settings;
    }

    /** {@return the kind of guard a compartment may not have beside this one, such as the thread pool for a bulkhead} */
    public Optional<String> excludes() {
        return Optional.ofNullable(excludes);
    }

    /**
     * Starts reading this kind's settings for one compartment: each setting a file gives is
     * handed to the guard's own builder, which checks it and names it in its refusal.
     *
     * @param compartment the compartment's name
     * @return the reading
     * @throws UnsupportedOperationException for a guard given only in code
     */
    public Reading<C> read(String compartment) {
        Function<String, Object> start = newBuilder;
        Function<Object, C> finish = builderConfig;
        if (start == null || finish == null) {
            throw new UnsupportedOperationException("a " + name + " is given only in code, never read from a file");
        }
        return new Reading<>(this, start.apply(compartment), finish);
    }

    /** {@return the meters that publish this kind's stats, in the order they are registered} */
    public List<Meter<S>> meters() {
        return meters;
    }

    /** {@return how call timings are attached to a guard of this kind, if it measures its calls' waits} */
    public Optional<Timings<G>> timings() {
        return Optional.ofNullable(timings);
    }

    /**
     * The guard of this kind a compartment has.
     *
     * @param compartment the compartment
     * @return its guard, or empty
     */
    public Optional<G> guardOf(Compartment compartment) {
        return compartment.guard(this);
    }

    /**
     * The settings of this kind a compartment's configuration gives.
     *
     * @param config the compartment's configuration
     * @return the settings, or empty
     */
    public Optional<C> configOf(CompartmentConfig config) {
        return config.get(this);
    }

    /**
     * This kind's stats in a compartment's snapshot.
     *
     * @param stats the snapshot
     * @return the stats, or empty
     */
    public Optional<S> statsOf(CompartmentStats stats) {
        return stats.get(this);
    }

    @Override
    public String toString() {
        return "GuardKind[" + name + "]";
    }

    // ---- What the compartment, the registry and JMX use, inside this package. ----

    List<Placement<G>> placements() {
        return placements;
    }

    /**
     * A snapshot of a guard's stats, as its {@code stats()} method gives it.
     *
     * @param guard a guard of this kind
     * @return the snapshot, or null for a kind without stats
     */
    public @Nullable S snapshot(G guard) {
        Function<G, S> read = stats;
        return read == null ? null : read.apply(guard);
    }

    /** {@return the kind in words, for messages: {@code thread pool}} */
    public String title() {
        return title;
    }

    /** The stats, checked to be this kind's record. */
    S castStats(Object stats) {
        Class<S> typeOfStats = statsType;
        if (typeOfStats == null || !typeOfStats.isInstance(stats)) {
            throw new IllegalArgumentException("the stats of a " + name + " must be a "
                    + (typeOfStats == null ? "(none)" : typeOfStats.getSimpleName()) + ", was a " + stats.getClass().getName());
        }
        return typeOfStats.cast(stats);
    }

    /** Whether settings of this kind can be given to a compartment's configuration. */
    boolean configurable() {
        return configType != null;
    }

    /** The settings, checked to be this kind's record. */
    C castConfig(Object config) {
        Class<C> typeOfConfig = configType;
        if (typeOfConfig == null) {
            throw new IllegalArgumentException("a " + name + " is given only in code and has no settings record");
        }
        if (!typeOfConfig.isInstance(config)) {
            throw new IllegalArgumentException("the settings of a " + name + " must be a " + typeOfConfig.getSimpleName()
                    + ", was a " + config.getClass().getName());
        }
        return typeOfConfig.cast(config);
    }

    /** The place of the kind's outermost layer: the order a compartment's configuration lists its guards in. */
    int rank() {
        return placements.isEmpty() ? Integer.MAX_VALUE : placements.get(0).rank();
    }

    /** A guard built from its settings, with one more listener. */
    G build(C config, CompartmentListener listener) {
        return Objects.requireNonNull(build, name).apply(Objects.requireNonNull(withListener, name).apply(config, listener));
    }

    /** Applies changed settings to a running guard. */
    void reconfigure(G guard, C config) {
        Objects.requireNonNull(reconfigure, name).accept(guard, config);
    }

    /** How the configuration's list of guard kinds names this one. */
    String label(C config) {
        Function<C, String> named = label;
        return named == null ? name : named.apply(config);
    }

    @Nullable String jmxType() {
        return jmxType;
    }

    /**
     * The name a guard of this kind is published under, in JMX and in metrics: its own name.
     *
     * @param guard a guard of this kind
     * @return its name
     * @throws UnsupportedOperationException for a kind that publishes nothing of its own
     */
    public String guardName(G guard) {
        Function<G, String> named = guardName;
        if (named == null) {
            throw new UnsupportedOperationException("a " + name + " is not published under a name of its own");
        }
        return named.apply(guard);
    }

    @Nullable Object mxBean(G guard) {
        Function<G, Object> make = mxBean;
        return make == null ? null : make.apply(guard);
    }

    /** The guard given to a compartment's builder, checked to be of this kind. */
    G cast(Object guard) {
        return type.cast(guard);
    }

    // ---- The parts of a description. ----

    /**
     * One setting of a kind's record: its name (the builder's method, the record's component, the
     * file's key), the type of value a file gives, how it is read from the record and handed to
     * the builder, and whether a running guard keeps it as built (a reload that changes it needs a
     * restart).
     *
     * <p>Immutable and thread-safe.
     *
     * @param <C> the settings record
     */
    public static final class Setting<C> {
        private final String name;
        private final ValueType type;
        private final Function<C, @Nullable Object> value;
        private final @Nullable BiConsumer<Object, Object> write;
        private final boolean stayingAsBuilt;

        private Setting(String name, ValueType type, Function<C, @Nullable Object> value,
                @Nullable BiConsumer<Object, Object> write, boolean stayingAsBuilt) {
            this.name = name;
            this.type = type;
            this.value = value;
            this.write = write;
            this.stayingAsBuilt = stayingAsBuilt;
        }

        @SuppressWarnings("unchecked") // the builder handed in is the one the kind's reading made
        static <C, B> Setting<C> wholeNumber(String name, Function<C, Integer> read, BiConsumer<B, Integer> write) {
            return new Setting<>(name, ValueType.WHOLE_NUMBER, read::apply,
                    (builder, value) -> write.accept((B) builder, (Integer) value), false);
        }

        @SuppressWarnings("unchecked") // the builder handed in is the one the kind's reading made
        static <C, B> Setting<C> decimal(String name, Function<C, Double> read, BiConsumer<B, Double> write) {
            return new Setting<>(name, ValueType.DECIMAL, read::apply,
                    (builder, value) -> write.accept((B) builder, (Double) value), false);
        }

        @SuppressWarnings("unchecked") // the builder handed in is the one the kind's reading made
        static <C, B> Setting<C> bool(String name, Function<C, Boolean> read, BiConsumer<B, Boolean> write) {
            return new Setting<>(name, ValueType.BOOLEAN, read::apply,
                    (builder, value) -> write.accept((B) builder, (Boolean) value), false);
        }

        @SuppressWarnings("unchecked") // the builder handed in is the one the kind's reading made
        static <C, B> Setting<C> duration(String name, Function<C, @Nullable Duration> read,
                BiConsumer<B, Duration> write) {
            return new Setting<>(name, ValueType.DURATION, read::apply,
                    (builder, value) -> write.accept((B) builder, (Duration) value), false);
        }

        @SuppressWarnings("unchecked") // the builder handed in is the one the kind's reading made
        static <C, B> Setting<C> backoff(String name, Function<C, Backoff> read, BiConsumer<B, Backoff> write) {
            return new Setting<>(name, ValueType.BACKOFF, read::apply,
                    (builder, value) -> write.accept((B) builder, (Backoff) value), false);
        }

        /** A setting a file does not give, which stays as built. */
        static <C> Setting<C> fixed(String name, Function<C, Boolean> read) {
            return new Setting<>(name, ValueType.BOOLEAN, read::apply, null, true);
        }

        /** This setting, kept by a running guard as built. */
        Setting<C> stayingAsBuilt() {
            return new Setting<>(name, type, value, write, true);
        }

        /** {@return its name: the builder's method, the record's component and the file's key} */
        public String name() {
            return name;
        }

        /** {@return the type of value a file gives it} */
        public ValueType type() {
            return type;
        }

        /** {@return whether a file may give it} */
        public boolean inFile() {
            return write != null;
        }

        /** {@return whether a running guard keeps it as built, so that changing it needs a restart} */
        public boolean staysAsBuilt() {
            return stayingAsBuilt;
        }

        /**
         * Its value in a settings record.
         *
         * @param config the record
         * @return the value, or null where the record allows none
         */
        public @Nullable Object valueIn(C config) {
            return value.apply(config);
        }

        void write(Object builder, Object given) {
            Objects.requireNonNull(write, name).accept(builder, given);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * The type of value a file gives a setting; {@code watertight-config} reads each from text.
     *
     * <p>Immutable and thread-safe, as every enum.
     */
    public enum ValueType {
        /** An {@link Integer}. */
        WHOLE_NUMBER,
        /** A {@link Double}. */
        DECIMAL,
        /** A {@link Boolean}. */
        BOOLEAN,
        /** A {@link Duration}. */
        DURATION,
        /** A {@link Backoff}: {@code none}, a fixed duration, or an exponential one. */
        BACKOFF
    }

    /**
     * The settings of one guard as a file gives them: each is handed to the guard's builder,
     * which refuses a bad value naming the setting; {@link #config()} then checks them together.
     *
     * <p>Not thread-safe: one reader uses it.
     *
     * @param <C> the settings record
     */
    public static final class Reading<C> {
        private final GuardKind<?, C, ?> kind;
        private final Object builder;
        private final Function<Object, C> finish;

        private Reading(GuardKind<?, C, ?> kind, Object builder, Function<Object, C> finish) {
            this.kind = kind;
            this.builder = builder;
            this.finish = finish;
        }

        /**
         * Hands one setting to the builder.
         *
         * @param setting the setting, one of the kind's {@link #fileSettings()}
         * @param value its value, of the setting's {@link ValueType}
         * @throws IllegalArgumentException naming the setting, the value and what is allowed
         * @throws IllegalStateException if the value does not fit with the settings given before
         */
        public void set(Setting<C> setting, Object value) {
            if (!kind.settings.contains(setting) || !setting.inFile()) {
                throw new IllegalArgumentException(setting + " is not a setting a file gives a " + kind.name);
            }
            setting.write(builder, value);
        }

        /**
         * The settings, checked together by the builder.
         *
         * @return the record
         * @throws IllegalArgumentException if they do not fit together
         */
        public C config() {
            return finish.apply(builder);
        }
    }

    /**
     * A meter that publishes one number of a kind's stats, whatever metrics library publishes
     * it: its name, its type, the tags it adds to the guard's own, how it reads the stats, its
     * description and its unit.
     *
     * <p>Immutable and thread-safe.
     *
     * @param <S> the stats record
     * @param name the meter's name, e.g. {@code watertight.bulkhead.calls}
     * @param counter true for a counter (a number that only grows), false for a gauge
     * @param tags tag names and values, in pairs, added to the guard's {@code name} and {@code compartment}
     * @param value reads the number
     * @param description what it counts or shows
     * @param unit its base unit, or null
     */
    public record Meter<S>(String name, boolean counter, List<String> tags, ToDoubleFunction<S> value,
            String description, @Nullable String unit) {

        /** Copies the tags. */
        public Meter {
            tags = List.copyOf(tags);
            if (tags.size() % 2 != 0) {
                throw new IllegalArgumentException("tags of meter " + name + " must be names and values in pairs");
            }
        }

        static <S> Meter<S> counter(String name, ToDoubleFunction<S> value, String description) {
            return new Meter<>(name, true, List.of(), value, description, null);
        }

        static <S> Meter<S> gauge(String name, ToDoubleFunction<S> value, String description) {
            return new Meter<>(name, false, List.of(), value, description, null);
        }

        Meter<S> tag(String tag, String tagValue) {
            List<String> more = new ArrayList<>(tags);
            more.add(tag);
            more.add(tagValue);
            return new Meter<>(name, counter, more, value, description, unit);
        }

        Meter<S> unit(String baseUnit) {
            return new Meter<>(name, counter, tags, value, description, baseUnit);
        }
    }

    /**
     * How call timings are attached to a guard that measures its calls' waits and executions,
     * and the names of the two timers that publish them.
     *
     * <p>Immutable and thread-safe.
     *
     * @param <G> the guard's type
     * @param attach attaches timings to a guard
     * @param waitMeter the timer of the waits
     * @param waitDescription what it times
     * @param executionMeter the timer of the executions
     * @param executionDescription what it times
     */
    public record Timings<G>(BiFunction<G, CallTimings, CallTimings.Recording> attach, String waitMeter,
            String waitDescription, String executionMeter, String executionDescription) {}

    /** A guard's layer at one place of the stack, and how {@code toString()} shows it there. */
    record Placement<G>(int rank, int asyncRank, LayerFactory<G> factory, @Nullable Describer<G> describer) {}

    /** Makes a guard's layer around the layer inside it. */
    @FunctionalInterface
    interface LayerFactory<G> {
        Layer wrap(G guard, StackContext stack, Layer inner);
    }

    /** How a layer is shown in a compartment's {@code toString()}. */
    @FunctionalInterface
    interface Describer<G> {
        String describe(G guard, StackContext stack);
    }

    /** What a layer may need of its compartment: its name and its criticality. */
    record StackContext(String name, Criticality criticality) {}

    private static List<Meter<CircuitBreakerStats>> stateGauges() {
        List<Meter<CircuitBreakerStats>> gauges = new ArrayList<>();
        for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
            gauges.add(Meter.<CircuitBreakerStats>gauge("watertight.circuitbreaker.state", now -> now.state() == state ? 1 : 0,
                    "1 for the breaker's current state, 0 for the others").tag("state", state.name().toLowerCase(Locale.ROOT)));
        }
        return gauges;
    }

    // ---- The definitions above read as a table; this builder is what makes them. ----

    private static <G> Definition<G, Void, Void> define(String name, Class<G> type) {
        return new Definition<>(name, type);
    }

    private static <G, C, S> Definition<G, C, S> define(String name, Class<G> type, Class<C> config, Class<S> stats) {
        Definition<G, C, S> definition = new Definition<>(name, type);
        definition.configType = config;
        definition.statsType = stats;
        return definition;
    }

    /** Collects one kind's description; not thread-safe, used once in a static initializer. */
    private static final class Definition<G, C, S> {
        private final String name;
        private final Class<G> type;
        private @Nullable String fileKey;
        private @Nullable String scalarSetting;
        private final List<Placement<G>> placements = new ArrayList<>();
        private @Nullable String excludes;
        private @Nullable String title;
        private @Nullable Class<C> configType;
        private @Nullable Class<S> statsType;
        private @Nullable Function<C, G> build;
        private @Nullable BiConsumer<G, C> reconfigure;
        private @Nullable BiFunction<C, CompartmentListener, C> withListener;
        private @Nullable Function<C, String> label;
        private @Nullable Function<G, S> stats;
        private @Nullable Function<String, Object> newBuilder;
        private @Nullable Function<Object, C> builderConfig;
        private final List<Setting<C>> settings = new ArrayList<>();
        private @Nullable String jmxType;
        private @Nullable Function<G, Object> mxBean;
        private @Nullable Function<G, String> guardName;
        private @Nullable Timings<G> timings;
        private final List<Meter<S>> meters = new ArrayList<>();

        Definition(String name, Class<G> type) {
            this.name = name;
            this.type = type;
        }

        Definition<G, C, S> fileKey(String key, @Nullable String scalar) {
            this.fileKey = key;
            this.scalarSetting = scalar;
            return this;
        }

        Definition<G, C, S> place(int rank, int asyncRank, LayerFactory<G> factory, @Nullable Describer<G> describer) {
            placements.add(new Placement<>(rank, asyncRank, factory, describer));
            return this;
        }

        Definition<G, C, S> title(String words) {
            this.title = words;
            return this;
        }

        Definition<G, C, S> excludes(String other) {
            this.excludes = other;
            return this;
        }

        Definition<G, C, S> config(Function<C, G> make, BiConsumer<G, C> apply,
                BiFunction<C, CompartmentListener, C> listened) {
            this.build = make;
            this.reconfigure = apply;
            this.withListener = listened;
            return this;
        }

        Definition<G, C, S> label(Function<C, String> named) {
            this.label = named;
            return this;
        }

        Definition<G, C, S> stats(Function<G, S> read) {
            this.stats = read;
            return this;
        }

        @SuppressWarnings("unchecked") // a kind given only in code has no settings: S is all it adds
        <T> Definition<G, C, T> withStats(Class<T> type, Function<G, T> read) {
            Definition<G, C, T> typed = (Definition<G, C, T>) (Definition<G, C, ?>) this;
            typed.statsType = type;
            typed.stats = read;
            return typed;
        }

        @SuppressWarnings("unchecked") // the builder is made here and handed back to its own config()
        <B> Definition<G, C, S> reads(Function<String, B> start, Function<B, C> finish) {
            this.newBuilder = start::apply;
            this.builderConfig = builder -> finish.apply((B) builder);
            return this;
        }

        Definition<G, C, S> setting(Setting<C> setting) {
            settings.add(setting);
            return this;
        }

        Definition<G, C, S> jmx(String typeName, Function<G, String> nameOf, Function<G, Object> bean) {
            this.jmxType = typeName;
            this.guardName = nameOf;
            this.mxBean = bean;
            return this;
        }

        Definition<G, C, S> timings(BiFunction<G, CallTimings, CallTimings.Recording> attach, String waitMeter,
                String waitDescription, String executionMeter, String executionDescription) {
            this.timings = new Timings<>(attach, waitMeter, waitDescription, executionMeter, executionDescription);
            return this;
        }

        Definition<G, C, S> meter(Meter<S> meter) {
            meters.add(meter);
            return this;
        }

        Definition<G, C, S> meters(List<Meter<S>> more) {
            meters.addAll(more);
            return this;
        }

        GuardKind<G, C, S> done() {
            return new GuardKind<>(this);
        }
    }
}
