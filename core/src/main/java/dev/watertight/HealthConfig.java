package dev.watertight;

import dev.watertight.internal.Settings;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The health section of a configuration: the {@link HealthThresholds} of every compartment,
 * and those of the compartments that have their own. A {@link HealthMonitor} is built with it
 * ({@link HealthMonitor.Builder#thresholds(HealthConfig)}) and takes a changed one at run time
 * ({@link HealthMonitor#reconfigure(HealthConfig)}). Immutable.
 *
 * @param defaults the thresholds of every compartment without thresholds of its own
 * @param compartments the thresholds of single compartments, by compartment name, in the order
 *     of the file
 */
public record HealthConfig(HealthThresholds defaults, Map<String, HealthThresholds> compartments) {

    /** The default thresholds for every compartment, none with its own. */
    public static final HealthConfig DEFAULTS = new HealthConfig(HealthThresholds.defaults(), Map.of());

    /** Copies the map and checks that nothing is missing. */
    public HealthConfig {
        Objects.requireNonNull(defaults, "defaults must not be null");
        Objects.requireNonNull(compartments, "compartments must not be null");
        Map<String, HealthThresholds> copy = new LinkedHashMap<>();
        compartments.forEach((name, thresholds) -> copy.put(Settings.name(name),
                Objects.requireNonNull(thresholds, "the health thresholds of '" + name + "' must not be null")));
        compartments = Collections.unmodifiableMap(copy);
    }

    /**
     * The thresholds a compartment is judged by.
     *
     * @param compartment the compartment's name
     * @return its own thresholds, or the defaults
     */
    public HealthThresholds thresholds(String compartment) {
        return compartments.getOrDefault(compartment, defaults);
    }
}
