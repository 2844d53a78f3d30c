package dev.watertight.caffeine;

import static dev.watertight.caffeine.BudgetedCache.ENTRY_OVERHEAD_BYTES;
import static dev.watertight.caffeine.SizeEstimator.sizeOfString;
import static org.assertj.core.api.Assertions.assertThat;

import dev.watertight.MemoryBulkhead;
import dev.watertight.MemoryReservation;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One cache and its budget: what is charged, when it is released, what is refused. */
class BudgetedCacheTest {
    private static final int KB = 1024;

    private final ManualClock clock = new ManualClock();
    private BudgetedCache<String, String> cache;

    private BudgetedCache<String, String> cache(long budget) {
        MemoryBulkhead users = MemoryBulkhead.builder("user-cache").budget(budget).build();
        cache = BudgetedCache.builder(users, SizeEstimator.strings())
                .timeSource(clock)
                .recordStats()
                .build();
        return cache;
    }

    /** What putting this key and value charges. */
    private static long charge(String key, String value) {
        return sizeOfString(key) + sizeOfString(value) + ENTRY_OVERHEAD_BYTES;
    }

    /** After every test, with nothing in flight, the bulkhead holds exactly the charges of the entries present. */
    @AfterEach
    void bulkheadHoldsExactlyTheChargesOfTheEntriesPresent() {
        if (cache != null) {
            cache.cleanUp();
            assertThat(cache.pendingEntries()).isZero();
            assertThat(cache.bulkhead().reserved()).isEqualTo(cache.chargedBytes());
            assertThat(cache.bulkhead().stats().peak()).isLessThanOrEqualTo(cache.bulkhead().budget());
        }
    }

    @Test
    void chargesTheEstimatePlusTheEntryOverhead() {
        cache(10 * KB);
        assertThat(cache.put("user:1", "x".repeat(100))).isTrue();

        long expected = sizeOfString("user:1") + sizeOfString("x".repeat(100)) + ENTRY_OVERHEAD_BYTES;
        // "user:1": 24 + (16 + 6, aligned to 24); 100 characters: 24 + (16 + 100, aligned to 120)
        assertThat(expected).isEqualTo(48 + 144 + 128);
        assertThat(cache.bulkhead().reserved()).isEqualTo(expected);
        assertThat(cache.getIfPresent("user:1")).isEqualTo("x".repeat(100));
        assertThat(cache.estimatedSize()).isEqualTo(1);
    }

    @Test
    void replacingAKeyChargesTheNewValueAndReleasesTheOld() {
        cache(10 * KB);
        cache.put("user:1", "x".repeat(100));
        assertThat(cache.put("user:1", "y".repeat(1000))).isTrue();

        assertThat(cache.bulkhead().reserved()).isEqualTo(charge("user:1", "y".repeat(1000)));
        assertThat(cache.put("user:1", "z")).isTrue();
        assertThat(cache.bulkhead().reserved()).isEqualTo(charge("user:1", "z"));
        assertThat(cache.getIfPresent("user:1")).isEqualTo("z");
    }

    @Test
    void aFullCacheReplacesAKeyWithoutRoomForBothValuesAtOnce() {
        String big = "x".repeat(5000);
        cache(charge("user:1", big) + 100);
        cache.put("user:1", big);

        // Charging the new value before the old one is released would need twice the room.
        assertThat(cache.put("user:1", "y".repeat(4990))).isTrue();
        assertThat(cache.getIfPresent("user:1")).isEqualTo("y".repeat(4990));
    }

    @Test
    void aFullCacheKeepsCachingNewEntriesByEvictingOlderOnes() {
        // Regression guard: were the budget charged before inserting, Caffeine (whose maximumWeight is
        // the budget) would never exceed its maximum, never evict, and refuse every new key forever.
        cache(32 * KB);
        int cached = 0;
        for (int i = 0; i < 1000; i++) {
            if (cache.put("user:" + i, "12345678")) {
                cached++;
            }
        }
        cache.cleanUp();

        assertThat(cached).isEqualTo(1000);
        assertThat(cache.getIfPresent("user:999")).isEqualTo("12345678");
        assertThat(cache.estimatedSize()).isEqualTo(32 * KB / charge("user:999", "12345678"));
        assertThat(cache.stats().evictions()).isEqualTo(1000 - cache.estimatedSize());
        assertThat(cache.stats().refusals()).isZero();
        assertThat(cache.bulkhead().reserved()).isLessThanOrEqualTo(32 * KB);
    }

    @Test
    void invalidatingReleasesTheCharge() {
        cache(10 * KB);
        cache.put("user:1", "a");
        cache.put("user:2", "b");
        cache.put("user:3", "c");

        cache.invalidate("user:2");
        assertThat(cache.bulkhead().reserved()).isEqualTo(charge("user:1", "a") + charge("user:3", "c"));
        cache.invalidate("user:2"); // absent: releases nothing more
        assertThat(cache.bulkhead().reserved()).isEqualTo(charge("user:1", "a") + charge("user:3", "c"));
        cache.invalidateAll();
        assertThat(cache.bulkhead().reserved()).isZero();
        assertThat(cache.estimatedSize()).isZero();
    }

    @Test
    void anEntryLargerThanTheWholeBudgetIsRefusedAndTheOlderValueIsDropped() {
        cache(2 * KB);
        cache.put("user:1", "small");

        assertThat(cache.put("user:1", "x".repeat(3 * KB))).isFalse();

        assertThat(cache.getIfPresent("user:1")).as("no stale value served after a newer put").isNull();
        assertThat(cache.bulkhead().reserved()).isZero();
        assertThat(cache.stats().refusals()).isEqualTo(1);
    }

    @Test
    void anEntryTheBudgetHasNoRoomForIsRefusedAndNotCached() {
        cache(10 * KB);
        cache.put("user:1", "older");
        // Someone else holds most of the budget: Caffeine has nothing of its own to evict for it.
        try (MemoryReservation other = cache.bulkhead().reserve(9 * KB)) {
            assertThat(cache.put("user:1", "x".repeat(2 * KB))).isFalse();
            assertThat(cache.getIfPresent("user:1")).isNull();
            assertThat(cache.bulkhead().reserved()).isEqualTo(other.bytes());
            assertThat(cache.stats().refusals()).isEqualTo(1);
        }
        assertThat(cache.bulkhead().reserved()).isZero();
    }

    @Test
    void getLoadsOnceAndCachesTheValue() {
        cache(10 * KB);
        AtomicInteger loads = new AtomicInteger();
        Function<String, String> loader = key -> "loaded " + key + " #" + loads.incrementAndGet();

        assertThat(cache.get("user:1", loader)).isEqualTo("loaded user:1 #1");
        assertThat(cache.get("user:1", loader)).isEqualTo("loaded user:1 #1");

        assertThat(loads).hasValue(1);
        assertThat(cache.bulkhead().reserved()).isEqualTo(charge("user:1", "loaded user:1 #1"));
        assertThat(cache.stats().hits()).isEqualTo(1);
        assertThat(cache.stats().misses()).isEqualTo(1);
    }

    @Test
    void getReturnsWhatItLoadedEvenWhenTheBudgetHasNoRoomForIt() {
        cache(10 * KB);
        try (MemoryReservation other = cache.bulkhead().reserve(9 * KB)) {
            assertThat(cache.get("user:1", key -> "x".repeat(2 * KB))).hasSize(2 * KB);
            assertThat(cache.get("user:2", key -> "y".repeat(20 * KB))).hasSize(20 * KB); // larger than the budget

            assertThat(cache.getIfPresent("user:1")).isNull();
            assertThat(cache.getIfPresent("user:2")).isNull();
            assertThat(cache.stats().refusals()).isEqualTo(2);
            assertThat(cache.bulkhead().reserved()).isEqualTo(other.bytes());
        }
    }

    @Test
    void aLoaderThatFindsNothingCachesNothing() {
        cache(10 * KB);
        assertThat(cache.get("user:1", key -> null)).isNull();
        assertThat(cache.estimatedSize()).isZero();
        assertThat(cache.bulkhead().reserved()).isZero();
    }

    @Test
    void expiredEntriesReleaseTheirChargeWhenCleanedUp() {
        MemoryBulkhead sessions = MemoryBulkhead.builder("session-cache").budget(10 * KB).build();
        cache = BudgetedCache.builder(sessions, SizeEstimator.strings())
                .expireAfterWrite(Duration.ofMinutes(10))
                .expireAfterAccess(Duration.ofMinutes(2))
                .timeSource(clock)
                .build();
        cache.put("session:read", "a");
        cache.put("session:idle", "b");
        cache.put("session:old", "c");

        clock.advance(Duration.ofMinutes(1));
        cache.getIfPresent("session:read");
        cache.getIfPresent("session:old");
        clock.advance(Duration.ofSeconds(90)); // idle for 2.5 min: expired after access
        cache.cleanUp();
        assertThat(cache.getIfPresent("session:idle")).isNull();
        assertThat(cache.bulkhead().reserved()).isEqualTo(charge("session:read", "a") + charge("session:old", "c"));

        for (int minute = 0; minute < 9; minute++) { // read every minute, but written 11.5 min ago
            clock.advance(Duration.ofMinutes(1));
            cache.getIfPresent("session:read");
        }
        cache.cleanUp();
        assertThat(cache.estimatedSize()).isZero();
        assertThat(cache.bulkhead().reserved()).isZero();
        assertThat(cache.stats().evictions()).isEqualTo(3);
    }

    @Test
    void aNewcomerTheEvictionPolicyTurnsAwayIsNeitherChargedNorCountedAsRefused() {
        // W-TinyLFU keeps entries read often over a newcomer seen once: Caffeine evicts the newcomer
        // in the put's own maintenance, before the put would charge it.
        cache(8 * KB);
        for (int i = 0; i < 10; i++) {
            cache.put("hot:" + i, "x".repeat(300));
        }
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < 10; i++) {
                cache.getIfPresent("hot:" + i);
            }
        }
        cache.cleanUp();
        long hot = cache.bulkhead().reserved();

        assertThat(cache.put("cold", "y".repeat(3 * KB))).isFalse();

        assertThat(cache.getIfPresent("cold")).isNull();
        assertThat(cache.bulkhead().reserved()).isEqualTo(hot);
        assertThat(cache.bulkhead().stats().refusals()).as("the bulkhead was not even asked").isZero();
        assertThat(cache.stats().evictions()).isEqualTo(1);
        assertThat(cache.stats().refusals()).isZero();
    }

    @Test
    void whicheverOfChargingAndRemovingComesSecondLearnsWhoReleases() {
        // Removed first: the inserting thread's charge fails, so it releases what it reserved.
        Charged<String> removedFirst = new Charged<>("v", 100);
        assertThat(removedFirst.markRemoved()).as("nothing for the listener to release").isFalse();
        assertThat(removedFirst.markCharged()).isFalse();

        // Charged first: the listener releases.
        Charged<String> chargedFirst = new Charged<>("v", 100);
        assertThat(chargedFirst.markCharged()).isTrue();
        assertThat(chargedFirst.markRemoved()).isTrue();
        assertThat(chargedFirst.markRemoved()).as("a second notification releases nothing").isFalse();
    }

    @Test
    void anEntryOf2GiBOrMoreWeighsTheLargestInt() {
        assertThat(new Charged<>("v", 3L << 30).weight()).isEqualTo(Integer.MAX_VALUE);
        assertThat(new Charged<>("v", 4096).weight()).isEqualTo(4096);
    }

    @Test
    void statsNameTheBulkheadAndItsBudget() {
        cache(10 * KB);
        cache.put("user:1", "a");
        cache.getIfPresent("user:1");
        cache.getIfPresent("user:2");

        BudgetedCacheStats stats = cache.stats();
        assertThat(stats.name()).isEqualTo("user-cache");
        assertThat(stats.budget()).isEqualTo(10 * KB);
        assertThat(stats.reservedBytes()).isEqualTo(charge("user:1", "a"));
        assertThat(stats.entries()).isEqualTo(1);
        assertThat(stats.hits()).isEqualTo(1);
        assertThat(stats.misses()).isEqualTo(1);
        assertThat(stats.hitRate()).isEqualTo(0.5);
        assertThat(stats.utilization()).isEqualTo((double) charge("user:1", "a") / (10 * KB));
        assertThat(cache.name()).isEqualTo("user-cache");
        assertThat(cache.toString()).startsWith("BudgetedCache[1 entries, MemoryBulkhead[user-cache, ");
    }

    @Test
    void hitsAndMissesAreZeroUnlessRecorded() {
        MemoryBulkhead statics = MemoryBulkhead.builder("static-cache").budget(10 * KB).build();
        cache = BudgetedCache.builder(statics, SizeEstimator.strings())
                .build();
        cache.put("a", "b");
        cache.getIfPresent("a");
        cache.getIfPresent("c");

        assertThat(cache.stats().hits()).isZero();
        assertThat(cache.stats().misses()).isZero();
    }
}
