package dev.watertight;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a {@link MemoryBulkhead}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the compartment's name
 * @param parent the parent's name, or null
 * @param budget the budget, in bytes
 * @param reserved the bytes reserved now
 * @param peak the most bytes reserved at once since it was built
 * @param refusals reservations refused (tries that found no room, waits that ran out, growths
 *     refused)
 */
public record MemoryBulkheadStats(String name, @Nullable String parent, long budget, long reserved, long peak, long refusals) {

    /** {@return the share of the budget reserved now, from 0 to 1} */
    public double utilization() {
        return (double) reserved / budget;
    }
}
