package dev.watertight;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Everything a service's configuration file describes: its compartments, its memory budgets,
 * its connection pools with their compartments, its groups of per-key compartments and the
 * thresholds its health is judged by. Immutable; each map keeps the order of the
 * file and is keyed by name.
 *
 * <p>{@code watertight-config} reads it from YAML; {@link CompartmentRegistry#create(WatertightConfig)}
 * builds the guards; {@link CompartmentRegistry#apply(WatertightConfig)} applies a changed one in
 * place.
 *
 * @param compartments the compartments, by name
 * @param memory the memory budgets, by name
 * @param connectionPools the connection pools, by name
 * @param connectionCompartments the connection compartments, by name
 * @param keyed the groups of per-key compartments, by name
 * @param health the health thresholds ({@link HealthConfig#DEFAULTS} when the file gives none)
 */
public record WatertightConfig(
        Map<String, CompartmentConfig> compartments,
        Map<String, MemoryBudgetConfig> memory,
        Map<String, ConnectionPoolConfig> connectionPools,
        Map<String, ConnectionCompartmentConfig> connectionCompartments,
        Map<String, KeyedCompartmentsConfig> keyed,
        HealthConfig health) {

    /** An empty configuration. */
    public static final WatertightConfig EMPTY = new WatertightConfig(Map.of(), Map.of(), Map.of(), Map.of());

    /**
     * A configuration without groups of per-key compartments, judged by the default health
     * thresholds.
     *
     * @param compartments the compartments, by name
     * @param memory the memory budgets, by name
     * @param connectionPools the connection pools, by name
     * @param connectionCompartments the connection compartments, by name
     */
    public WatertightConfig(
            Map<String, CompartmentConfig> compartments,
            Map<String, MemoryBudgetConfig> memory,
            Map<String, ConnectionPoolConfig> connectionPools,
            Map<String, ConnectionCompartmentConfig> connectionCompartments) {
        this(compartments, memory, connectionPools, connectionCompartments, Map.of(), HealthConfig.DEFAULTS);
    }

    /** Copies the maps and checks that names match keys and that references resolve. */
    public WatertightConfig {
        compartments = copy("compartments", compartments, CompartmentConfig::name);
        memory = copy("memory", memory, MemoryBudgetConfig::name);
        connectionPools = copy("connectionPools", connectionPools, ConnectionPoolConfig::name);
        connectionCompartments = copy("connectionCompartments", connectionCompartments, ConnectionCompartmentConfig::name);
        keyed = copy("keyed", keyed, KeyedCompartmentsConfig::name);
        Objects.requireNonNull(health, "health must not be null");
        List<String> unresolved = new ArrayList<>();
        for (MemoryBudgetConfig budget : memory.values()) {
            if (budget.parent() != null && !memory.containsKey(budget.parent())) {
                unresolved.add("memory budget '" + budget.name() + "' names parent '" + budget.parent()
                        + "', which is not a memory budget");
            }
        }
        for (ConnectionCompartmentConfig compartment : connectionCompartments.values()) {
            if (!connectionPools.containsKey(compartment.pool())) {
                unresolved.add("connection compartment '" + compartment.name() + "' names pool '"
                        + compartment.pool() + "', which is not a connection pool");
            }
        }
        if (!unresolved.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", unresolved));
        }
    }

    private static <V> Map<String, V> copy(String what, Map<String, V> map, Function<V, String> name) {
        Objects.requireNonNull(map, what + " must not be null");
        Map<String, V> copy = new LinkedHashMap<>();
        map.forEach((key, value) -> {
            Objects.requireNonNull(value, what + " '" + key + "' must not be null");
            if (!key.equals(name.apply(value))) {
                throw new IllegalArgumentException(what + " key '" + key + "' holds the settings of '"
                        + name.apply(value) + "'");
            }
            copy.put(key, value);
        });
        return Collections.unmodifiableMap(copy);
    }
}
