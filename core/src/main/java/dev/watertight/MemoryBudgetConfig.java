package dev.watertight;

import dev.watertight.internal.Settings;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one {@link MemoryBulkhead}, as a configuration file describes it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the budget's name (a cache's, for instance)
 * @param budget the budget in bytes, at least 1
 * @param parent the name of the budget this one draws from, or null
 */
public record MemoryBudgetConfig(String name, long budget, @Nullable String parent) {

    /** Checks the settings. */
    public MemoryBudgetConfig {
        Settings.name(name);
        if (budget < 1) {
            throw new IllegalArgumentException("budget must be at least 1 byte, was " + budget);
        }
        if (parent != null) {
            Settings.name(parent);
            if (parent.equals(name)) {
                throw new IllegalArgumentException("memory budget '" + name + "' cannot be its own parent");
            }
        }
    }
}
