package dev.watertight;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Builds guards from a {@link WatertightConfig}, and checks and applies a changed one to the
 * running guards. What may change in place: every number and duration (limits, queues, pool
 * sizes, budgets, breaker thresholds and windows, rates, timeouts, retries). What needs a
 * restart, because code holds the objects: removing a compartment or budget, adding or removing
 * a guard of a running compartment, the settings a guard keeps as built (those each {@link GuardKind} says stay as built: a
 * bulkhead's fairness, a pool's virtual threads, whether rejections record their stack, whether a
 * retry retries rejections), a memory budget's parent, connection
 * pools, their capacities and which compartments draw from them with what reservation (their
 * {@code DataSource}s belong to the service; a connection compartment's ceiling and acquire
 * timeout change in place, through the {@link ConfigFollower}s of the registry). Groups of
 * per-key compartments follow the same rules for their template (see
 * {@link ConfiguredKeyedGroup}); health thresholds always change in place.
 */
final class ConfiguredGuards {
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
        config.settings().forEach((kind, settings) -> addGuard(builder, kind, settings, listener));
        return builder.build();
    }

    private static <G, C> void addGuard(Compartment.Builder builder, GuardKind<G, C, ?> kind, Object settings,
            CompartmentListener listener) {
        builder.guard(kind, kind.build(kind.castConfig(settings), listener));
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
        was.settings().forEach((kind, running) -> {
            Object given = now.settings().get(kind);
            if (given != null) {
                fixedSettingProblems(path, kind, running, given, problems);
            }
        });
    }

    private static <C> void fixedSettingProblems(String path, GuardKind<?, C, ?> kind, Object running, Object given,
            List<ConfigProblem> problems) {
        C was = kind.castConfig(running);
        C now = kind.castConfig(given);
        for (GuardKind.Setting<C> setting : kind.settings()) {
            Object is = setting.valueIn(was);
            Object next = setting.valueIn(now);
            if (setting.staysAsBuilt() && !Objects.equals(is, next)) {
                problems.add(restart(path + "." + kind.name() + "." + setting.name(), setting.name() + " of a running "
                        + kind.name() + " cannot change (" + is + " -> " + next + "); a restart is needed"));
            }
        }
    }

    /**
     * Whether both have the same kinds of guard. (Unlike {@link CompartmentConfig#guards()}, a
     * pool of virtual threads is of the same kind as one of platform threads: which threads it
     * runs is a setting, refused by {@link #fixedSettingProblems} with its own path.)
     */
    private static boolean sameGuards(CompartmentConfig was, CompartmentConfig now) {
        return was.settings().keySet().equals(now.settings().keySet());
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
            now.settings().forEach((kind, given) -> {
                Object before = was.settings().get(kind);
                if (before != null && changed(changes, "compartments." + name, kind, before, given)) {
                    reconfigure(compartment, kind, given);
                }
            });
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
     * Applies every guard's settings to a compartment built from an earlier version of them: a
     * group's key compartment, whose guards were built from some version of its group's template.
     */
    static void reconfigure(Compartment compartment, CompartmentConfig now) {
        now.settings().forEach((kind, given) -> reconfigure(compartment, kind, given));
    }

    private static <G, C> void reconfigure(Compartment compartment, GuardKind<G, C, ?> kind, Object given) {
        kind.reconfigure(kind.guardOf(compartment).orElseThrow(), kind.castConfig(given));
    }

    /**
     * What changed in a group's template, one line per guard, e.g.
     * {@code keyed.tenants.template.bulkhead: maxConcurrent 5 -> 8}; empty if nothing did.
     */
    static List<String> templateChanges(String path, CompartmentConfig was, CompartmentConfig now) {
        List<String> changes = new ArrayList<>();
        now.settings().forEach((kind, given) -> {
            Object before = was.settings().get(kind);
            if (before != null) {
                changed(changes, path, kind, before, given);
            }
        });
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

    /**
     * Whether the settings that can change differ; if so, adds a line saying how: the settings by
     * name ({@code threadPool: threads 5 -> 8}), or the value alone for a kind a file gives as one
     * value ({@code timeout: PT2S -> PT3S}).
     */
    private static <C> boolean changed(List<String> changes, String path, GuardKind<?, C, ?> kind, Object before,
            Object after) {
        C was = kind.castConfig(before);
        C now = kind.castConfig(after);
        String scalar = kind.scalarSetting().orElse(null);
        List<String> differences = new ArrayList<>();
        for (GuardKind.Setting<C> setting : kind.settings()) {
            Object is = setting.valueIn(was);
            Object next = setting.valueIn(now);
            if (!setting.staysAsBuilt() && !Objects.equals(is, next)) { // those that stay were refused by check()
                differences.add(setting.name().equals(scalar) ? is + " -> " + next : setting.name() + " " + is + " -> " + next);
            }
        }
        if (differences.isEmpty()) {
            return false;
        }
        changes.add(path + "." + kind.fileKey().orElse(kind.name()) + ": " + String.join(", ", differences));
        return true;
    }
}
