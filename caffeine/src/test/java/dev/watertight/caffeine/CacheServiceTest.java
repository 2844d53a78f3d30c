package dev.watertight.caffeine;

import static dev.watertight.caffeine.BudgetedCache.ENTRY_OVERHEAD_BYTES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.watertight.MemoryBulkhead;
import dev.watertight.MemoryBulkheadStats;
import dev.watertight.TimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The seed's {@code CacheService} (bulkhead-pattern.md, "Memory Isolation"): a user cache of 100,
 * a session cache of 50 and a static-content cache of 200, each its own compartment. The seed
 * reads the process's RSS, so one cache's growth refuses the others and nothing is ever evicted;
 * here each cache is charged its own entries' bytes under one parent, and evicts its own. Budgets
 * are scaled from MB to KiB so that a test fills them in milliseconds.
 */
class CacheServiceTest {
    private static final long KB = 1024;

    /** The seed's service: three caches, each a memory compartment of the parent {@code caches}. */
    static final class CacheService {
        final MemoryBulkhead caches;
        final BudgetedCache<String, String> users;
        final BudgetedCache<String, String> sessions;
        final BudgetedCache<String, byte[]> statics;

        CacheService(long parentBudget, TimeSource clock) {
            caches = MemoryBulkhead.builder("caches").budget(parentBudget).build();
            users = BudgetedCache.builder(compartment("user-cache", 100 * KB), SizeEstimator.strings())
                    .expireAfterWrite(Duration.ofMinutes(10))
                    .timeSource(clock)
                    .recordStats()
                    .build();
            sessions = BudgetedCache.builder(compartment("session-cache", 50 * KB), SizeEstimator.strings())
                    .expireAfterAccess(Duration.ofMinutes(30))
                    .timeSource(clock)
                    .recordStats()
                    .build();
            statics = BudgetedCache.builder(compartment("static-cache", 200 * KB), SizeEstimator.stringsToByteArrays())
                    .timeSource(clock)
                    .recordStats()
                    .build();
        }

        private MemoryBulkhead compartment(String name, long budget) {
            return MemoryBulkhead.builder(name).budget(budget).parent(caches).build();
        }

        boolean cacheUser(String userId, String userJson) {
            return users.put("user:" + userId, userJson);
        }

        String user(String userId) {
            return users.getIfPresent("user:" + userId);
        }

        boolean cacheSession(String sessionId, String session) {
            return sessions.put("session:" + sessionId, session);
        }

        String session(String sessionId) {
            return sessions.getIfPresent("session:" + sessionId);
        }

        boolean cacheStatic(String path, byte[] content) {
            return statics.put(path, content);
        }

        byte[] staticContent(String path) {
            return statics.getIfPresent(path);
        }

        List<BudgetedCache<String, ?>> all() {
            return List.of(users, sessions, statics);
        }
    }

    private final ManualClock clock = new ManualClock();
    private CacheService service;

    /**
     * After every test, with nothing in flight: each bulkhead holds exactly its entries' charges,
     * and never held more than its budget.
     */
    @AfterEach
    void everyBulkheadHoldsExactlyTheChargesOfItsEntries() {
        if (service == null) {
            return;
        }
        long children = 0;
        for (BudgetedCache<String, ?> cache : service.all()) {
            cache.cleanUp();
            MemoryBulkheadStats stats = cache.bulkhead().stats();
            assertThat(cache.pendingEntries()).as(cache.name()).isZero();
            assertThat(stats.reserved()).as(cache.name()).isEqualTo(cache.chargedBytes());
            assertThat(stats.peak()).as(cache.name()).isLessThanOrEqualTo(stats.budget());
            children += stats.reserved();
        }
        assertThat(service.caches.reserved()).isEqualTo(children);
        assertThat(service.caches.stats().peak()).isLessThanOrEqualTo(service.caches.budget());
    }

    private static String json(String id, int length) {
        String head = "{\"id\":\"" + id + "\",\"data\":\"";
        return head + "x".repeat(Math.max(0, length - head.length() - 2)) + "\"}";
    }

    private static long userCharge(String userId, String json) {
        return SizeEstimator.strings().bytes("user:" + userId, json) + ENTRY_OVERHEAD_BYTES;
    }

    private static long sessionCharge(String sessionId, String session) {
        return SizeEstimator.strings().bytes("session:" + sessionId, session) + ENTRY_OVERHEAD_BYTES;
    }

    private static long sum(Map<String, Long> charges) {
        return charges.values().stream().mapToLong(Long::longValue).sum();
    }

    @Test
    void aFloodedCacheEvictsWithinItsOwnBudgetAndLeavesItsNeighboursAlone() {
        service = new CacheService(350 * KB, clock);
        for (int i = 0; i < 50; i++) {
            assertThat(service.cacheUser("u" + i, json("u" + i, 200))).isTrue();
        }
        for (int i = 0; i < 20; i++) {
            assertThat(service.cacheSession("s" + i, json("s" + i, 300))).isTrue();
        }
        long usersHeld = service.users.bulkhead().reserved();
        long sessionsHeld = service.sessions.bulkhead().reserved();

        for (int i = 0; i < 2000; i++) { // 2 MiB of static content into a 200 KiB compartment
            service.cacheStatic("/assets/" + i + ".js", new byte[1000]);
        }
        service.statics.cleanUp();

        BudgetedCacheStats statics = service.statics.stats();
        assertThat(statics.evictions()).isGreaterThan(1800);
        assertThat(statics.refusals()).isZero();
        assertThat(statics.reservedBytes()).isLessThanOrEqualTo(200 * KB).isGreaterThan(190 * KB);
        assertThat(service.statics.bulkhead().stats().peak()).isLessThanOrEqualTo(200 * KB);
        assertThat(service.statics.estimatedSize()).isGreaterThan(150); // about 170 entries of 1.2 KiB

        assertThat(service.users.bulkhead().reserved()).isEqualTo(usersHeld);
        assertThat(service.sessions.bulkhead().reserved()).isEqualTo(sessionsHeld);
        for (int i = 0; i < 50; i++) {
            assertThat(service.user("u" + i)).isEqualTo(json("u" + i, 200));
        }
        for (int i = 0; i < 20; i++) {
            assertThat(service.session("s" + i)).isEqualTo(json("s" + i, 300));
        }
        assertThat(service.users.stats().evictions()).isZero();
        assertThat(service.sessions.stats().evictions()).isZero();
        assertThat(service.caches.reserved()).isEqualTo(usersHeld + sessionsHeld + statics.reservedBytes());
    }

    @Test
    void aCacheWhoseParentIsFullRefusesInsteadOfExceedingIt() {
        // The children's budgets add up to 350 KiB over a parent of 300: first come, first served.
        service = new CacheService(300 * KB, clock);
        for (int i = 0; i < 400; i++) {
            service.cacheStatic("/assets/" + i + ".js", new byte[1000]);
        }
        for (int i = 0; i < 400; i++) {
            service.cacheUser("u" + i, json("u" + i, 200));
        }
        String session = json("s1", 2000);
        long room = service.caches.budget() - service.caches.reserved();
        assertThat(room).as("the parent is full").isLessThan(sessionCharge("s1", session));

        assertThat(service.cacheSession("s1", session)).isFalse();

        assertThat(service.session("s1")).isNull();
        assertThat(service.sessions.get("session:s2", key -> session)).as("loaded, returned, not cached")
                .isEqualTo(session);
        assertThat(service.sessions.getIfPresent("session:s2")).isNull();
        assertThat(service.sessions.stats().refusals()).isEqualTo(2);
        assertThat(service.sessions.bulkhead().reserved()).isZero();
        assertThat(service.caches.reserved()).isLessThanOrEqualTo(300 * KB);
        assertThat(service.caches.stats().peak()).isLessThanOrEqualTo(300 * KB);

        // Once a neighbour lets go, the parent has room again.
        service.statics.invalidateAll();
        assertThat(service.cacheSession("s1", session)).isTrue();
        assertThat(service.session("s1")).isEqualTo(session);
    }

    @Test
    void eachBulkheadHoldsExactlyItsEntriesChargesThroughPutsReplacementsInvalidationsAndExpiry() {
        service = new CacheService(350 * KB, clock);
        Map<String, Long> users = new HashMap<>();
        Map<String, Long> sessions = new HashMap<>();

        for (int i = 0; i < 30; i++) {
            String json = json("u" + i, 100 + 10 * i);
            service.cacheUser("u" + i, json);
            users.put("u" + i, userCharge("u" + i, json));
        }
        for (int i = 0; i < 30; i += 3) { // replaced by larger and by smaller values
            String json = json("u" + i, i % 2 == 0 ? 900 : 20);
            service.cacheUser("u" + i, json);
            users.put("u" + i, userCharge("u" + i, json));
        }
        for (int i = 1; i < 30; i += 5) {
            service.users.invalidate("user:u" + i);
            users.remove("u" + i);
        }
        for (int i = 0; i < 10; i++) {
            String session = json("s" + i, 400);
            assertThat(service.sessions.get("session:s" + i, key -> session)).isEqualTo(session);
            sessions.put("s" + i, sessionCharge("s" + i, session));
        }
        assertThat(service.users.bulkhead().reserved()).isEqualTo(sum(users));
        assertThat(service.sessions.bulkhead().reserved()).isEqualTo(sum(sessions));

        clock.advance(Duration.ofMinutes(6));
        String late = json("late", 300);
        service.cacheUser("late", late);
        users.put("late", userCharge("late", late));
        clock.advance(Duration.ofMinutes(5)); // the first users are 11 minutes old: past expireAfterWrite
        cleanUpAll();
        users.keySet().retainAll(List.of("late"));

        assertThat(service.users.estimatedSize()).isEqualTo(1);
        assertThat(service.users.bulkhead().reserved()).isEqualTo(sum(users));
        assertThat(service.sessions.bulkhead().reserved()).isEqualTo(sum(sessions));

        for (int i = 0; i < 5; i++) {
            service.session("s" + i); // sessions s0 to s4 are in use
        }
        clock.advance(Duration.ofMinutes(26)); // "late" is 31 minutes old; s5 to s9 idle for 37 minutes
        cleanUpAll();
        users.clear();
        sessions.keySet().removeIf(id -> Integer.parseInt(id.substring(1)) >= 5);

        assertThat(service.users.estimatedSize()).isZero();
        assertThat(service.users.bulkhead().reserved()).isEqualTo(sum(users)).isZero();
        assertThat(service.sessions.estimatedSize()).isEqualTo(5);
        assertThat(service.sessions.bulkhead().reserved()).isEqualTo(sum(sessions));
        assertThat(service.users.stats().evictions()).isEqualTo(30 - 6 + 1); // all but the 6 invalidated, and "late"
        assertThat(service.sessions.stats().evictions()).isEqualTo(5);
        assertThat(service.caches.reserved()).isEqualTo(sum(sessions));
    }

    private void cleanUpAll() {
        for (BudgetedCache<String, ?> cache : service.all()) {
            cache.cleanUp();
        }
    }

    @Test
    void concurrentCallersNeverLetACacheExceedItsBudgetAndLeaveTheAccountingExact() throws Exception {
        // Overcommitted, so that the parent refuses too; the clock moves while they run, so entries expire.
        service = new CacheService(300 * KB, clock);
        int threads = 8;
        int operations = 15_000;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Void>> callers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = 42 + t;
                callers.add(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    start.await(10, TimeUnit.SECONDS);
                    for (int i = 0; i < operations; i++) {
                        operate(random);
                    }
                    return null;
                });
            }
            for (Future<Void> caller : pool.invokeAll(callers)) {
                caller.get(); // rethrows what a caller threw
            }
        } finally {
            pool.shutdownNow();
        }

        long evictions = 0;
        long refusals = 0;
        for (BudgetedCache<String, ?> cache : service.all()) {
            evictions += cache.stats().evictions();
            refusals += cache.stats().refusals();
        }
        assertThat(evictions).as("caches evicted to stay within their budgets").isPositive();
        assertThat(refusals).as("the full parent refused").isPositive();
        // The exact accounting and the peaks are checked after the test, as after every test.
    }

    /** One random call, on a random cache, with a random key among a few hundred and a random size. */
    private void operate(SplittableRandom random) {
        int kind = random.nextInt(100);
        int which = random.nextInt(3);
        String key = "k" + random.nextInt(400);
        if (kind < 45) {
            switch (which) {
                case 0 -> service.cacheUser(key, json(key, 50 + random.nextInt(800)));
                case 1 -> service.cacheSession(key, json(key, 50 + random.nextInt(1500)));
                default -> service.cacheStatic(key, new byte[100 + random.nextInt(4000)]);
            }
        } else if (kind < 75) {
            switch (which) {
                case 0 -> service.user(key);
                case 1 -> service.session(key);
                default -> service.staticContent(key);
            }
        } else if (kind < 88) {
            int size = 100 + random.nextInt(2000);
            switch (which) {
                case 0 -> service.users.get("user:" + key, k -> json(k, size));
                case 1 -> service.sessions.get("session:" + key, k -> json(k, size));
                default -> service.statics.get(key, k -> new byte[size]);
            }
        } else if (kind < 99) {
            service.all().get(which).invalidate(which == 2 ? key : (which == 0 ? "user:" : "session:") + key);
        } else if (random.nextInt(10) == 0) {
            service.all().get(which).invalidateAll();
        } else {
            clock.advance(Duration.ofMinutes(1));
        }
    }
}
