package dev.watertight;

import java.util.List;

/**
 * A part of a service built from a {@link WatertightConfig} outside a {@link CompartmentRegistry}
 * (the connection compartments of {@code watertight-jdbc}, over {@code DataSource}s the service
 * owns) that follows the registry's configuration. Given to
 * {@link CompartmentRegistry#applyConfigTo}, it is checked together with the registry's own guards
 * on every {@link CompartmentRegistry#apply}, and nothing changes in either unless both can take
 * the new configuration.
 *
 * <p>Implementations must be thread-safe; the registry calls them under its own lock.
 */
public interface ConfigFollower {

    /**
     * What this part cannot take from the next configuration; changes nothing.
     *
     * @param next the new configuration
     * @return the problems, each naming its key path; empty when {@link #reconfigure} would succeed
     */
    List<ConfigProblem> check(WatertightConfig next);

    /**
     * Takes the next configuration: checks it, then changes what it can in place.
     *
     * @param next the new configuration
     * @return one line per change made, e.g. {@code connections.compartments.read: ceiling 10 -> 6}
     * @throws ConfigurationException with every problem {@link #check} finds; nothing was changed
     */
    List<String> reconfigure(WatertightConfig next);
}
