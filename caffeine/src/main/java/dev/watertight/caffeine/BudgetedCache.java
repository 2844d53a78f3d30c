package dev.watertight.caffeine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.watertight.MemoryBulkhead;
import dev.watertight.TimeSource;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A cache that holds no more than its compartment's memory budget: Caffeine's eviction (W-TinyLFU)
 * and expiry, with every entry's bytes charged to a {@link MemoryBulkhead} while it is cached.
 * Caches under one parent bulkhead really isolate: a cache flooded with entries evicts its own
 * entries, never its neighbours', and never holds more than its budget, nor all of them more than
 * the parent's.
 *
 * <pre>{@code
 * MemoryBulkhead caches = MemoryBulkhead.builder("caches").budget(350 * MB).build();
 * BudgetedCache<String, String> users = BudgetedCache.builder(
 *                 MemoryBulkhead.builder("user-cache").budget(100 * MB).parent(caches).build(),
 *                 SizeEstimator.strings())
 *         .expireAfterWrite(Duration.ofMinutes(10))
 *         .recordStats()
 *         .build();
 *
 * users.put(id, json);                           // false if the budget had no room: not cached
 * String user = users.get(id, this::loadUser);   // loaded and cached, or loaded only
 * }</pre>
 *
 * <p><b>Charging.</b> An entry is charged {@code sizeOf(key, value)} plus
 * {@link #ENTRY_OVERHEAD_BYTES} for the cache's own bookkeeping, so that no entry is free: a
 * Caffeine entry of weight zero is never evicted, and a cache of free entries would grow without
 * bound. Each entry is wrapped with the bytes charged for it and a state, one of <em>pending</em>
 * (inserted, not yet charged), <em>charged</em>, or <em>removed</em>. A put inserts the entry
 * pending, lets Caffeine evict what no longer fits, then reserves the entry's bytes with
 * {@link MemoryBulkhead#tryReserve} and moves it to charged. Caffeine's removal listener, run on
 * the thread that removes the entry, moves it to removed and releases its bytes if it was
 * charged. Both transitions are atomic on the one state field, so whichever of the two comes
 * second sees the other: bytes reserved for an entry that was removed meanwhile are released by
 * the inserting thread, and every charge is released exactly once, whatever removed the entry
 * (an invalidation, a replacement, eviction, expiry).
 *
 * <p><b>Why insert before charging.</b> Caffeine's {@code maximumWeight} is the bulkhead's budget,
 * and Caffeine evicts only once its weighted size exceeds that maximum. If the budget were charged
 * first, a full cache would be refused every new entry, so it would never exceed its maximum and
 * never evict: it would keep its first entries forever. Inserting first lets Caffeine's policy
 * choose what to keep; the bytes are charged as soon as its maintenance has made room (Caffeine
 * runs it on the writing thread: the executor is the caller's). A pending entry is one the
 * inserting thread holds anyway, so the heap holds no more than the budget beyond what callers
 * have in hand. If the charge is refused (the parent is full, or concurrent writers got the room
 * first even after {@link #cleanUp()} ran the pending evictions), the entry is taken out again and
 * counted as a refusal; the key is then absent, so a put that is refused never leaves an older
 * value behind to be served as current. A newcomer that W-TinyLFU turns away (seen no more often
 * than the entry it would displace) is evicted by the put's own maintenance before it is charged:
 * the put returns false, and that is an eviction, not a refusal.
 *
 * <p><b>Concurrency.</b> The state is a volatile int changed only by compare-and-set (pending to
 * charged, by the inserting thread) and get-and-set (to removed, by the listener); both are full
 * fences, so the thread that changes it second sees the first change and nothing else needs
 * ordering. The value and the charge are final fields, published with the entry by Caffeine's
 * map. Pending entries are visible to readers, as any cached value: a cache may drop an entry at
 * any moment, and a refused one is dropped before its put returns. Counters are striped
 * ({@link LongAdder}); Caffeine's own locking is untouched: the only extra work on its eviction
 * lock is the listener's release, one atomic add per level of bulkheads.
 *
 * <p><b>Accounting.</b> The bulkhead holds exactly the charges of the charged entries, plus those
 * of entries whose charge or release is in progress at that instant; when no call is in flight it
 * holds exactly the charges of the entries present (after {@link #cleanUp()}, which removes the
 * expired ones). It never holds more than its budget, and a parent never more than its own: the
 * bulkhead, not Caffeine's weighted size, is the bound, so Caffeine's maintenance running late
 * never lets the cache exceed it. Give each cache a bulkhead of its own: other reservations from
 * it leave the cache less room, and Caffeine does not evict for them.
 *
 * <p>Keys and values must not be null. Thread-safe.
 *
 * @param <K> the key's type
 * @param <V> the value's type
 */
public final class BudgetedCache<K, V> {
    /**
     * Bytes charged per entry on top of its estimate: Caffeine's node (key, value, weights, links
     * and timestamps, 40 to 64 bytes), the hash table's node and slot (about 38), its share of the
     * frequency sketch (8 to 16) and the charge's own wrapper (24), with compressed oops.
     */
    public static final long ENTRY_OVERHEAD_BYTES = 128;

    private final MemoryBulkhead bulkhead;
    private final SizeEstimator<? super K, ? super V> sizeOf;
    private final Cache<K, Charged<V>> cache;
    private final LongAdder evictions = new LongAdder();
    private final LongAdder refusals = new LongAdder();

    private BudgetedCache(Builder<K, V> builder) {
        this.bulkhead = builder.budget;
        this.sizeOf = builder.sizeOf;
        MemoryBulkhead released = builder.budget;
        LongAdder evicted = evictions;
        Caffeine<K, Charged<V>> caffeine = Caffeine.newBuilder()
                .maximumWeight(bulkhead.budget())
                // Maintenance and removal listeners run on the caller: evictions release their bytes
                // before the put that caused them charges its own, and no pool thread is needed.
                .executor(Runnable::run)
                .<K, Charged<V>>weigher((key, entry) -> entry.weight())
                .removalListener((key, entry, cause) -> onRemoval(released, evicted, entry, cause));
        if (builder.expireAfterWrite != null) {
            caffeine.expireAfterWrite(builder.expireAfterWrite);
        }
        if (builder.expireAfterAccess != null) {
            caffeine.expireAfterAccess(builder.expireAfterAccess);
        }
        if (builder.timeSource != null) {
            caffeine.ticker(builder.timeSource::nanoTime);
        }
        if (builder.recordStats) {
            caffeine.recordStats();
        }
        this.cache = caffeine.build();
    }

    /**
     * Starts describing a cache.
     *
     * @param budget the memory bulkhead its entries are charged to; its name is the cache's name,
     *     its budget the most the cache holds
     * @param sizeOf estimates the bytes of an entry
     * @param <K> the key's type
     * @param <V> the value's type
     * @return a builder
     * @throws IllegalArgumentException if either is null
     */
    public static <K, V> Builder<K, V> builder(MemoryBulkhead budget, SizeEstimator<? super K, ? super V> sizeOf) {
        return new Builder<>(budget, sizeOf);
    }

    /** {@return the cache's name: its bulkhead's} */
    public String name() {
        return bulkhead.name();
    }

    /** {@return the memory bulkhead the entries are charged to} */
    public MemoryBulkhead bulkhead() {
        return bulkhead;
    }

    /**
     * The value cached for a key.
     *
     * @param key the key
     * @return the value, or null if none is cached (or it expired)
     */
    public @Nullable V getIfPresent(K key) {
        Charged<V> entry = cache.getIfPresent(key);
        return entry == null ? null : entry.value;
    }

    /**
     * The value cached for a key, or the loader's, cached if the budget has room. Concurrent calls
     * for one key load once; the others wait for it (this is Caffeine's computation: the loader
     * must be short and must not use this cache).
     *
     * @param key the key
     * @param loader loads the value of a key that is not cached; may return null (nothing is
     *     cached then)
     * @return the value: cached, or loaded (cached or, if the budget had no room, not); null if the
     *     loader returned null
     * @throws IllegalArgumentException if the size estimator returns a negative size
     */
    public @Nullable V get(K key, Function<? super K, ? extends @Nullable V> loader) {
        Objects.requireNonNull(key, "key must not be null");
        Load load = new Load(Objects.requireNonNull(loader, "loader must not be null"));
        Charged<V> entry = cache.get(key, load);
        if (entry == null) {
            if (load.tooLarge != null) {
                refusals.increment();
            }
            return load.tooLarge;
        }
        if (entry == load.inserted) {
            admit(key, entry); // the value is returned whether or not it stays cached
        }
        return entry.value;
    }

    /**
     * Caches a value, replacing any other for its key, if the budget (and every parent's) has room
     * for it once the cache has evicted what its policy lets go.
     *
     * @param key the key
     * @param value the value
     * @return whether it was cached; false if the budget had no room (counted as a refusal; the
     *     key is then absent, an older value is not kept) or if the entry was evicted or replaced
     *     before this call returned
     * @throws IllegalArgumentException if the size estimator returns a negative size
     */
    public boolean put(K key, V value) {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(value, "value must not be null");
        Charged<V> entry = entry(key, value);
        if (entry == null) {
            refusals.increment();
            cache.invalidate(key); // no older value may stay behind as if it were current
            return false;
        }
        cache.put(key, entry);
        return admit(key, entry);
    }

    /**
     * Removes the entry for a key, if any, and releases its bytes.
     *
     * @param key the key
     */
    public void invalidate(K key) {
        cache.invalidate(key);
    }

    /** Removes every entry and releases their bytes. */
    public void invalidateAll() {
        cache.invalidateAll();
    }

    /** {@return the entries cached, approximately (expired entries not yet cleaned up are counted)} */
    public long estimatedSize() {
        return cache.estimatedSize();
    }

    /**
     * Runs Caffeine's pending maintenance now: evictions and the removal of expired entries, whose
     * bytes are released before this returns.
     */
    public void cleanUp() {
        cache.cleanUp();
    }

    /**
     * A snapshot of the cache and its budget.
     *
     * @return the stats now
     */
    public BudgetedCacheStats stats() {
        var counts = cache.stats(); // all zero unless recordStats() was set
        return new BudgetedCacheStats(bulkhead.name(), bulkhead.budget(), bulkhead.reserved(), cache.estimatedSize(),
                counts.hitCount(), counts.missCount(), evictions.sum(), refusals.sum());
    }

    /**
     * The charges of the charged entries present, summed: what the bulkhead holds when no call is
     * in flight and nothing else reserved from it. Walks the whole cache; for tests.
     */
    long chargedBytes() {
        return cache.asMap().values().stream().filter(Charged::isCharged).mapToLong(Charged::bytes).sum();
    }

    /** Entries present that are not charged: none when no call is in flight. For tests. */
    long pendingEntries() {
        return cache.asMap().values().stream().filter(entry -> !entry.isCharged()).count();
    }

    @Override
    public String toString() {
        return "BudgetedCache[" + cache.estimatedSize() + " entries, " + bulkhead + "]";
    }

    /**
     * Wraps a value with its charge, or returns null if the charge exceeds the whole budget: such
     * an entry can never be cached, and inserting it would only make Caffeine evict the others.
     */
    private @Nullable Charged<V> entry(K key, V value) {
        long estimate = sizeOf.bytes(key, value);
        if (estimate < 0) {
            throw new IllegalArgumentException("sizeOf of cache '" + bulkhead.name() + "' returned " + estimate
                    + " bytes for an entry with a key of " + key.getClass().getName()
                    + "; a size estimator must return zero or more");
        }
        long bytes = estimate > Long.MAX_VALUE - ENTRY_OVERHEAD_BYTES
                ? Long.MAX_VALUE
                : estimate + ENTRY_OVERHEAD_BYTES;
        return bytes > bulkhead.budget() ? null : new Charged<>(value, bytes);
    }

    /**
     * Charges an entry just inserted (pending). If the budget has no room, takes the entry out.
     *
     * @return whether the entry is cached and charged
     */
    private boolean admit(K key, Charged<V> entry) {
        if (reserve(entry)) {
            if (entry.markCharged()) {
                return true;
            }
            // Removed while this thread reserved: no listener will release these bytes.
            bulkhead.release(entry.bytes);
            return false;
        }
        if (entry.isRemoved()) {
            return false; // Caffeine's policy evicted it, or another caller replaced it: not a refusal
        }
        cache.asMap().remove(key, entry); // only this entry: a newer one for the key stays
        refusals.increment();
        return false;
    }

    /**
     * Reserves an entry's bytes, running pending evictions once if the budget has no room. Gives
     * up without reserving once the entry is gone: the put's own maintenance usually evicts a
     * newcomer that W-TinyLFU turns away before this runs, and asking the bulkhead for it then
     * would only count a refusal there.
     */
    private boolean reserve(Charged<V> entry) {
        if (entry.isRemoved()) {
            return false;
        }
        if (bulkhead.tryReserve(entry.bytes)) {
            return true;
        }
        // Evictions another thread's maintenance has not run yet may be what makes room.
        cache.cleanUp();
        return !entry.isRemoved() && bulkhead.tryReserve(entry.bytes);
    }

    /** Caffeine's removal listener; static so that the cache under construction does not escape. */
    private static void onRemoval(MemoryBulkhead bulkhead, LongAdder evictions, @Nullable Charged<?> entry,
            RemovalCause cause) {
        if (cause.wasEvicted()) {
            evictions.increment();
        }
        if (entry != null && entry.markRemoved()) {
            bulkhead.release(entry.bytes);
        }
    }

    /**
     * The loader as Caffeine's mapping function, remembering what it inserted (that entry is
     * charged by the caller that loaded it) or what it loaded but could not cache.
     */
    private final class Load implements Function<K, @Nullable Charged<V>> {
        private final Function<? super K, ? extends @Nullable V> loader;
        private @Nullable Charged<V> inserted;
        private @Nullable V tooLarge;

        Load(Function<? super K, ? extends @Nullable V> loader) {
            this.loader = loader;
        }

        @Override
        public @Nullable Charged<V> apply(K key) {
            V value = loader.apply(key);
            if (value == null) {
                return null;
            }
            inserted = entry(key, value);
            if (inserted == null) {
                tooLarge = value;
            }
            return inserted;
        }
    }

    /**
     * Describes a {@link BudgetedCache}; every setting is checked as it is given. Defaults: no
     * expiry, no hit and miss counting, the system clock. Not thread-safe.
     *
     * @param <K> the key's type
     * @param <V> the value's type
     */
    public static final class Builder<K, V> {
        private final MemoryBulkhead budget;
        private final SizeEstimator<? super K, ? super V> sizeOf;
        private @Nullable Duration expireAfterWrite;
        private @Nullable Duration expireAfterAccess;
        private @Nullable TimeSource timeSource;
        private boolean recordStats;

        private Builder(MemoryBulkhead budget, SizeEstimator<? super K, ? super V> sizeOf) {
            if (budget == null) {
                throw new IllegalArgumentException(
                        "budget of a BudgetedCache must be the MemoryBulkhead its entries are charged to, was null");
            }
            if (sizeOf == null) {
                throw new IllegalArgumentException("sizeOf of cache '" + budget.name()
                        + "' must be a SizeEstimator of its entries' bytes, was null");
            }
            this.budget = budget;
            this.sizeOf = sizeOf;
        }

        /**
         * Entries expire this long after they were put or loaded; their bytes are released when
         * Caffeine removes them (on later writes, or {@link BudgetedCache#cleanUp()}).
         *
         * @param duration a positive duration
         * @return this builder
         */
        public Builder<K, V> expireAfterWrite(Duration duration) {
            this.expireAfterWrite = positive("expireAfterWrite", duration);
            return this;
        }

        /**
         * Entries expire this long after they were last read, put or loaded.
         *
         * @param duration a positive duration
         * @return this builder
         */
        public Builder<K, V> expireAfterAccess(Duration duration) {
            this.expireAfterAccess = positive("expireAfterAccess", duration);
            return this;
        }

        /**
         * Where expiry reads the time; tests pass their own to move time by hand.
         *
         * @param timeSource the source; by default the system's monotonic clock
         * @return this builder
         */
        public Builder<K, V> timeSource(TimeSource timeSource) {
            if (timeSource == null) {
                throw new IllegalArgumentException("timeSource of cache '" + budget.name() + "' must not be null");
            }
            this.timeSource = timeSource;
            return this;
        }

        /**
         * Counts hits and misses for {@link BudgetedCache#stats()}; off by default, since it costs
         * a striped counter update per lookup.
         *
         * @return this builder
         */
        public Builder<K, V> recordStats() {
            this.recordStats = true;
            return this;
        }

        /**
         * Builds the cache.
         *
         * @return an empty cache
         */
        public BudgetedCache<K, V> build() {
            return new BudgetedCache<>(this);
        }

        private Duration positive(String setting, Duration duration) {
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(setting + " of cache '" + budget.name()
                        + "' must be a positive duration, was " + duration);
            }
            return duration;
        }
    }
}
