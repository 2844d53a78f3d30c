package dev.watertight.demo;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.watertight.caffeine.BudgetedCache;

/**
 * A cache of JSON documents by key, as the handlers see it: with compartments a
 * {@link BudgetedCache} charged to its memory budget, in a shared service a plain Caffeine cache
 * bounded by entry count, as most services have. Thread-safe.
 */
interface TextCache {

    /** The cached value, or null. */
    String get(String key);

    /** Caches a value, if the cache has room for it. */
    void put(String key, String value);

    /** A cache that charges every entry to its compartment's memory budget. */
    static TextCache budgeted(BudgetedCache<String, String> cache) {
        return new TextCache() {
            @Override
            public String get(String key) {
                return cache.getIfPresent(key);
            }

            @Override
            public void put(String key, String value) {
                cache.put(key, value);
            }
        };
    }

    /** A cache bounded by its number of entries only. */
    static TextCache bounded(long maxEntries) {
        Cache<String, String> cache = Caffeine.newBuilder().maximumSize(maxEntries).build();
        return new TextCache() {
            @Override
            public String get(String key) {
                return cache.getIfPresent(key);
            }

            @Override
            public void put(String key, String value) {
                cache.put(key, value);
            }
        };
    }
}
