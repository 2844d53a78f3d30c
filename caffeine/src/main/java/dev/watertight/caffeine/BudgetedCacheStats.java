package dev.watertight.caffeine;

/**
 * A snapshot of a {@link BudgetedCache}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the cache's name: its memory bulkhead's
 * @param budget the bulkhead's budget, in bytes
 * @param reservedBytes the bytes the bulkhead holds now: the charges of the entries cached (and of
 *     any being inserted at this instant), plus whatever else was reserved from that bulkhead
 * @param entries the entries cached, as Caffeine estimates it (expired entries not yet cleaned
 *     up are counted)
 * @param hits lookups that found an entry; counted only if the cache was built with
 *     {@link BudgetedCache.Builder#recordStats()}, else zero
 * @param misses lookups that found none; counted only with {@code recordStats()}, else zero
 * @param evictions entries removed by the cache itself, to keep within its budget or because
 *     they expired; always counted
 * @param refusals entries not cached because the budget, or a parent's, had no room for them
 *     even after pending evictions ran; always counted
 */
public record BudgetedCacheStats(String name, long budget, long reservedBytes, long entries, long hits, long misses,
        long evictions, long refusals) {

    /** {@return the share of the budget reserved now, from 0 to 1} */
    public double utilization() {
        return (double) reservedBytes / budget;
    }

    /** {@return the share of lookups that found an entry, from 0 to 1; zero before any lookup} */
    public double hitRate() {
        long lookups = hits + misses;
        return lookups == 0 ? 0 : (double) hits / lookups;
    }
}
