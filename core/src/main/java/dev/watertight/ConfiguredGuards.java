package dev.watertight;

import dev.watertight.internal.BackoffRetry;
import dev.watertight.internal.GcraRateLimiter;
import dev.watertight.internal.SemaphoreBulkhead;
import dev.watertight.internal.WindowedCircuitBreaker;
import dev.watertight.internal.WorkerPool;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Builds guards from a {@link WatertightConfig}, and checks and applies a changed one to the
 * running guards. What may change in place: every number and duration (limits, queues, pool
 * sizes, budgets, breaker thresholds and windows, rates, timeouts, retries). What needs a
 * restart, because code holds the objects: removing a compartment or budget, adding or removing
 * a guard of a running compartment, the settings a guard keeps as built (see {@link #FIXED}: a
 * bulkhead's fairness, a pool's virtual threads, whether rejections record their stack, whether a
 * retry retries rejections), a memory budget's parent, connection
 * pools, their capacities and which compartments draw from them with what reservation (their
 * {@code DataSource}s belong to the service; a connection compartment's ceiling and acquire
 * timeout change in place, through the {@link ConfigFollower}s of the registry). Groups of
 * per-key compartments follow the same rules for their template (see
 * {@link ConfiguredKeyedGroup}); health thresholds always change in place.
 */
final class ConfiguredGuards {
    /**
     * The settings of each guard that its {@code reconfigure} keeps as built. {@link #check}
     * refuses a change to one (a restart is needed), and {@link #changed} never lists one. Every
     * other number, flag, duration and backoff of these records changes in place.
     */
    private static final Map<Class<?>, Set<String>> FIXED = Map.of(
            RetryConfig.class, Set.of("retryRejections"),
            CircuitBreakerConfig.class, Set.of("writableStackTrace"),
            RateLimiterConfig.class, Set.of("writableStackTrace"),
            BulkheadConfig.class, Set.of("fair", "writableStackTrace"),
            ThreadPoolBulkheadConfig.class, Set.of("virtualThreads", "writableStackTrace"));

    private ConfiguredGuards() {}

    /** Builds a compartment's guards, each with the registry's listener added to its own. */
    static Compartment build(CompartmentConfig config, CompartmentListener listener) {
        return build(config, listener, config.name());
    }

    /**
     * Builds a compartment of another name than its guards': a key's compartment of a group,
     * whose guards bear the group's name.
     */
    static Compartment build(CompartmentConfig config, CompartmentListener listener, String compartmentName) {
        Compartment.Builder builder = Compartment.builder(compartmentName);
        if (config.retry() != null) {
            builder.retry(new BackoffRetry(config.retry().withListener(listener)));
        }
        if (config.circuitBreaker() != null) {
            builder.circuitBreaker(new WindowedCircuitBreaker(
                    config.circuitBreaker().withListener(listener)));
        }
        if (config.rateLimiter() != null) {
            builder.rateLimiter(new GcraRateLimiter(config.rateLimiter().withListener(listener)));
        }
        if (config.bulkhead() != null) {
            builder.bulkhead(new SemaphoreBulkhead(config.bulkhead().withListener(listener)));
        }
        if (config.threadPool() != null) {
            builder.threadPool(new WorkerPool(config.threadPool().withListener(listener)));
        }
        if (config.timeout() != null) {
            builder.timeout(Timeout.builder(config.name()).timeout(config.timeout()).listener(listener).build());
        }
        if (config.cpuCores() != null) {
            builder.cpuBudget(CpuBudget.builder(config.name()).cores(config.cpuCores()).build());
        }
        return builder.build();
    }

    /** Builds memory budgets in an order where each parent comes before its children. */
    static Map<String, MemoryBulkhead> buildMemory(Map<String, MemoryBudgetConfig> configs,
            Map<String, MemoryBulkhead> existing) {
        Map<String, MemoryBulkhead> built = new LinkedHashMap<>(existing);
        List<MemoryBudgetConfig> pending = new ArrayList<>(configs.values());
        pending.removeIf(config -> existing.containsKey(config.name()));
        while (!pending.isEmpty()) {
            int before = pending.size();
            pending.removeIf(config -> {
                if (config.parent() != null && !built.containsKey(config.parent())) {
                    return false; // its parent first
                }
                MemoryBulkhead.Builder builder = MemoryBulkhead.builder(config.name()).budget(config.budget());
                if (config.parent() != null) {
                    builder.parent(Objects.requireNonNull(built.get(config.parent()), config.parent()));
                }
                built.put(config.name(), builder.build());
                return true;
            });
            if (pending.size() == before) {
                throw new IllegalArgumentException("memory budgets " + pending.stream().map(MemoryBudgetConfig::name).toList()
                        + " name each other as parents in a cycle");
            }
        }
        return built;
    }

    /**
     * What a running configuration cannot take from the next one.
     *
     * @param running what was applied last
     * @param next the new configuration
     * @param codeRegistered names of compartments registered in code (the file may not reuse them)
     * @param codeKeyed names of groups of per-key compartments registered in code (likewise)
     * @return the problems, empty when the next configuration can be applied in place
     */
    static List<ConfigProblem> check(WatertightConfig running, WatertightConfig next, Set<String> codeRegistered,
            Set<String> codeKeyed) {
        List<ConfigProblem> problems = new ArrayList<>();
        running.compartments().forEach((name, was) -> {
            CompartmentConfig now = next.compartments().get(name);
            String path = "compartments." + name;
            if (now == null) {
                problems.add(restart(path, "removing a running compartment needs a restart (code may hold it)"));
            } else if (!sameGuards(was, now)) {
                problems.add(restart(path, "the guards of a running compartment cannot change: it has " + was.guards()
                        + ", the new file gives " + now.guards() + "; a restart is needed"));
            } else {
                fixedSettingProblems(path, was, now, problems);
            }
        });
        next.compartments().keySet().stream().filter(codeRegistered::contains).forEach(name ->
                problems.add(restart("compartments." + name, "a compartment named '" + name
                        + "' is already registered in code")));
        running.memory().forEach((name, was) -> {
            MemoryBudgetConfig now = next.memory().get(name);
            String path = "memory." + name;
            if (now == null) {
                problems.add(restart(path, "removing a memory budget needs a restart (code may hold it)"));
            } else if (!Objects.equals(was.parent(), now.parent())) {
                problems.add(restart(path + ".parent", "the parent of a memory budget cannot change ("
                        + was.parent() + " -> " + now.parent() + "); a restart is needed"));
            }
        });
        running.keyed().forEach((name, was) -> {
            KeyedCompartmentsConfig now = next.keyed().get(name);
            String path = "keyed." + name;
            if (now == null) {
                problems.add(restart(path, "removing a running group of per-key compartments needs a restart (code may hold it)"));
            } else if (!sameGuards(was.template(), now.template())) {
                problems.add(restart(path + ".template", "the guards of a running group's template cannot change: it has "
                        + was.template().guards() + ", the new file gives " + now.template().guards()
                        + "; a restart is needed"));
            } else {
                fixedSettingProblems(path + ".template", was.template(), now.template(), problems);
            }
        });
        next.keyed().keySet().stream().filter(codeKeyed::contains).forEach(name ->
                problems.add(restart("keyed." + name, "a group of per-key compartments named '" + name
                        + "' is already registered in code")));
        if (running == WatertightConfig.EMPTY) {
            return problems; // the first configuration: nothing runs yet
        }
        connectionProblems(running, next, problems);
        return problems;
    }

    /**
     * What the connections section cannot change in place: the connection compartments' ceilings
     * and acquire timeouts may change; pools, their capacities, reservations, and which pool a
     * compartment draws from are fixed, since the {@code DataSource}s are given in code.
     */
    private static void connectionProblems(WatertightConfig running, WatertightConfig next, List<ConfigProblem> problems) {
        running.connectionPools().forEach((name, was) -> {
            ConnectionPoolConfig now = next.connectionPools().get(name);
            String path = "connections.pools." + name;
            if (now == null) {
                problems.add(restart(path, "removing a connection pool needs a restart (its DataSource is given in code)"));
            } else if (was.capacity() != now.capacity()) {
                problems.add(new ConfigProblem("reload", path, String.valueOf(now.capacity()), "the capacity of a connection "
                        + "pool changes only at a restart (" + was.capacity() + " -> " + now.capacity() + ")"));
            }
        });
        next.connectionPools().keySet().stream().filter(name -> !running.connectionPools().containsKey(name)).forEach(name ->
                problems.add(restart("connections.pools." + name, "adding a connection pool needs a restart (its "
                        + "DataSource is given in code)")));
        running.connectionCompartments().forEach((name, was) -> {
            ConnectionCompartmentConfig now = next.connectionCompartments().get(name);
            String path = "connections.compartments." + name;
            if (now == null) {
                problems.add(restart(path, "removing a connection compartment needs a restart (code may hold it)"));
                return;
            }
            if (!was.pool().equals(now.pool())) {
                problems.add(new ConfigProblem("reload", path + ".pool", now.pool(), "a connection compartment cannot move to "
                        + "another pool ('" + was.pool() + "' -> '" + now.pool() + "'); a restart is needed"));
            }
            if (was.reserved() != now.reserved()) {
                problems.add(new ConfigProblem("reload", path + ".reserved", String.valueOf(now.reserved()), "the reservation "
                        + "of a connection compartment changes only at a restart (" + was.reserved() + " -> "
                        + now.reserved() + "); its ceiling and acquireTimeout may change"));
            }
        });
        next.connectionCompartments().keySet().stream().filter(name -> !running.connectionCompartments().containsKey(name))
                .forEach(name -> problems.add(restart("connections.compartments." + name,
                        "adding a connection compartment needs a restart (its pool's DataSource is given in code)")));
    }

    /**
     * A change to a setting that a running guard keeps from when it was built: the guard was made
     * for it (a fair queue, a pool of virtual threads) or hands it to objects already made.
     */
    private static void fixedSettingProblems(String path, CompartmentConfig was, CompartmentConfig now,
            List<ConfigProblem> problems) {
        Map<String, @Nullable Record> before = guardSettings(was);
        Map<String, @Nullable Record> after = guardSettings(now);
        before.forEach((guard, running) -> {
            if (running == null) {
                return; // no such guard (the guards were checked to be the same)
            }
            Set<String> fixed = FIXED.getOrDefault(running.getClass(), Set.of());
            for (RecordComponent component : running.getClass().getRecordComponents()) {
                if (!fixed.contains(component.getName())) {
                    continue;
                }
                Object is = value(component, running);
                Object given = value(component, Objects.requireNonNull(after.get(guard), guard));
                if (!Objects.equals(is, given)) {
                    problems.add(restart(path + "." + guard + "." + component.getName(), component.getName()
                            + " of a running " + guard + " cannot change (" + is + " -> " + given
                            + "); a restart is needed"));
                }
            }
        });
    }

    /**
     * Whether both have the same kinds of guard. (Unlike {@link CompartmentConfig#guards()}, a
     * pool of virtual threads is of the same kind as one of platform threads: which threads it
     * runs is a setting, refused by {@link #fixedSettingProblems} with its own path.)
     */
    private static boolean sameGuards(CompartmentConfig was, CompartmentConfig now) {
        Map<String, @Nullable Record> before = guardSettings(was);
        Map<String, @Nullable Record> after = guardSettings(now);
        for (String guard : before.keySet()) {
            if ((before.get(guard) == null) != (after.get(guard) == null)) {
                return false;
            }
        }
        return (was.timeout() == null) == (now.timeout() == null) && (was.cpuCores() == null) == (now.cpuCores() == null);
    }

    /** A compartment's guard settings by the name a file gives them; null for a guard it does not have. */
    private static Map<String, @Nullable Record> guardSettings(CompartmentConfig config) {
        Map<String, @Nullable Record> guards = new LinkedHashMap<>();
        guards.put("retry", config.retry());
        guards.put("circuitBreaker", config.circuitBreaker());
        guards.put("rateLimiter", config.rateLimiter());
        guards.put("bulkhead", config.bulkhead());
        guards.put("threadPool", config.threadPool());
        return guards;
    }

    private static ConfigProblem restart(String path, String message) {
        return new ConfigProblem("reload", path, null, message);
    }

    /**
     * Applies the settings that changed to the running guards, in place.
     *
     * @return one line per changed guard, e.g. {@code compartments.user-ops.threadPool: threads 5 -> 8}
     */
    static List<String> apply(WatertightConfig running, WatertightConfig next,
            Map<String, Compartment> compartments, Map<String, MemoryBulkhead> memory) {
        List<String> changes = new ArrayList<>();
        running.compartments().forEach((name, was) -> {
            // check() made sure both configurations have the same compartments with the same guards.
            CompartmentConfig now = Objects.requireNonNull(next.compartments().get(name), name);
            Compartment compartment = Objects.requireNonNull(compartments.get(name), name);
            String path = "compartments." + name;
            if (now.retry() != null && changed(changes, path + ".retry", was.retry(), now.retry())) {
                compartment.retry().orElseThrow().reconfigure(now.retry());
            }
            if (now.circuitBreaker() != null && changed(changes, path + ".circuitBreaker", was.circuitBreaker(), now.circuitBreaker())) {
                compartment.circuitBreaker().orElseThrow().reconfigure(now.circuitBreaker());
            }
            if (now.rateLimiter() != null && changed(changes, path + ".rateLimiter", was.rateLimiter(), now.rateLimiter())) {
                compartment.rateLimiter().orElseThrow().reconfigure(now.rateLimiter());
            }
            if (now.bulkhead() != null && changed(changes, path + ".bulkhead", was.bulkhead(), now.bulkhead())) {
                compartment.bulkhead().orElseThrow().reconfigure(now.bulkhead());
            }
            if (now.threadPool() != null && changed(changes, path + ".threadPool", was.threadPool(), now.threadPool())) {
                compartment.threadPool().orElseThrow().reconfigure(now.threadPool());
            }
            if (now.timeout() != null && !Objects.equals(was.timeout(), now.timeout())) {
                changes.add(path + ".timeout: " + was.timeout() + " -> " + now.timeout());
                compartment.timeout().orElseThrow().reconfigure(now.timeout());
            }
            if (now.cpuCores() != null && !Objects.equals(was.cpuCores(), now.cpuCores())) {
                changes.add(path + ".cpuCores: " + was.cpuCores() + " -> " + now.cpuCores());
                compartment.cpuBudget().orElseThrow().resize(now.cpuCores());
            }
        });
        running.memory().forEach((name, was) -> {
            MemoryBudgetConfig now = Objects.requireNonNull(next.memory().get(name), name);
            if (was.budget() != now.budget()) {
                changes.add("memory." + name + ": budget " + was.budget() + " -> " + now.budget());
                Objects.requireNonNull(memory.get(name), name).resize(now.budget());
            }
        });
        return changes;
    }

    /**
     * Gives every guard of a running compartment the settings of {@code now}, whether or not they
     * changed (reconfiguring a guard to the settings it has changes nothing); for a key's
     * compartment, whose guards were built from some version of its group's template.
     */
    static void reconfigure(Compartment compartment, CompartmentConfig now) {
        if (now.retry() != null) {
            compartment.retry().orElseThrow().reconfigure(now.retry());
        }
        if (now.circuitBreaker() != null) {
            compartment.circuitBreaker().orElseThrow().reconfigure(now.circuitBreaker());
        }
        if (now.rateLimiter() != null) {
            compartment.rateLimiter().orElseThrow().reconfigure(now.rateLimiter());
        }
        if (now.bulkhead() != null) {
            compartment.bulkhead().orElseThrow().reconfigure(now.bulkhead());
        }
        if (now.threadPool() != null) {
            compartment.threadPool().orElseThrow().reconfigure(now.threadPool());
        }
        if (now.timeout() != null) {
            compartment.timeout().orElseThrow().reconfigure(now.timeout());
        }
        if (now.cpuCores() != null) {
            compartment.cpuBudget().orElseThrow().resize(now.cpuCores());
        }
    }

    /**
     * What changed in a group's template, one line per guard, e.g.
     * {@code keyed.tenants.template.bulkhead: maxConcurrent 5 -> 8}; empty if nothing did.
     */
    static List<String> templateChanges(String path, CompartmentConfig was, CompartmentConfig now) {
        List<String> changes = new ArrayList<>();
        changed(changes, path + ".retry", was.retry(), now.retry());
        changed(changes, path + ".circuitBreaker", was.circuitBreaker(), now.circuitBreaker());
        changed(changes, path + ".rateLimiter", was.rateLimiter(), now.rateLimiter());
        changed(changes, path + ".bulkhead", was.bulkhead(), now.bulkhead());
        changed(changes, path + ".threadPool", was.threadPool(), now.threadPool());
        if (!Objects.equals(was.timeout(), now.timeout())) {
            changes.add(path + ".timeout: " + was.timeout() + " -> " + now.timeout());
        }
        if (!Objects.equals(was.cpuCores(), now.cpuCores())) {
            changes.add(path + ".cpuCores: " + was.cpuCores() + " -> " + now.cpuCores());
        }
        return changes;
    }

    /** What changed in the health section, one line per set of thresholds that changed. */
    static List<String> healthChanges(HealthConfig was, HealthConfig now) {
        List<String> changes = new ArrayList<>();
        thresholdChanges(changes, "health", was.defaults(), now.defaults());
        now.compartments().forEach((name, thresholds) -> {
            HealthThresholds before = was.compartments().get(name);
            if (before == null) {
                changes.add("health.compartments." + name + ": own thresholds " + thresholds);
            } else {
                thresholdChanges(changes, "health.compartments." + name, before, thresholds);
            }
        });
        was.compartments().keySet().stream().filter(name -> !now.compartments().containsKey(name)).forEach(name ->
                changes.add("health.compartments." + name + ": own thresholds removed, judged by the defaults"));
        return changes;
    }

    private static void thresholdChanges(List<String> changes, String path, HealthThresholds was, HealthThresholds now) {
        List<String> differences = new ArrayList<>();
        difference(differences, "window", was.window(), now.window());
        difference(differences, "utilization", pair(was.utilizationDegraded(), was.utilizationUnhealthy()),
                pair(now.utilizationDegraded(), now.utilizationUnhealthy()));
        difference(differences, "queueFill", pair(was.queueFillDegraded(), was.queueFillUnhealthy()),
                pair(now.queueFillDegraded(), now.queueFillUnhealthy()));
        difference(differences, "rejectionRate", pair(was.rejectionRateDegraded(), was.rejectionRateUnhealthy()),
                pair(now.rejectionRateDegraded(), now.rejectionRateUnhealthy()));
        difference(differences, "failureRate", pair(was.failureRateDegraded(), was.failureRateUnhealthy()),
                pair(now.failureRateDegraded(), now.failureRateUnhealthy()));
        difference(differences, "minimumCalls", was.minimumCalls(), now.minimumCalls());
        difference(differences, "recoveryRatio", was.recoveryRatio(), now.recoveryRatio());
        difference(differences, "recoverAfter", was.recoverAfter(), now.recoverAfter());
        if (!differences.isEmpty()) {
            changes.add(path + ": " + String.join(", ", differences));
        }
    }

    private static String pair(double degradedAt, double unhealthyAt) {
        return degradedAt + "/" + unhealthyAt;
    }

    private static void difference(List<String> differences, String setting, Object was, Object now) {
        if (!was.equals(now)) {
            differences.add(setting + " " + was + " -> " + now);
        }
    }

    /** Whether the settings that can change differ; if so, adds a line saying how. */
    private static boolean changed(List<String> changes, String path, @Nullable Record was, @Nullable Record now) {
        if (was == null || now == null) {
            return false; // no such guard (check() made sure both or neither have it)
        }
        List<String> differences = new ArrayList<>();
        Set<String> fixed = FIXED.getOrDefault(was.getClass(), Set.of());
        for (RecordComponent component : was.getClass().getRecordComponents()) {
            Class<?> type = component.getType();
            boolean tunable = (type.isPrimitive() || type == Duration.class || type == Backoff.class)
                    && !fixed.contains(component.getName());
            if (!tunable) {
                continue; // names, listeners, predicates, time sources; fixed settings, which check() refused
            }
            Object before = value(component, was);
            Object after = value(component, now);
            if (!Objects.equals(before, after)) {
                differences.add(component.getName() + " " + before + " -> " + after);
            }
        }
        if (differences.isEmpty()) {
            return false;
        }
        changes.add(path + ": " + String.join(", ", differences));
        return true;
    }

    private static @Nullable Object value(RecordComponent component, Record record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (ReflectiveOperationException unexpected) {
            throw new IllegalStateException("cannot read " + component.getName() + " of " + record, unexpected);
        }
    }
}
