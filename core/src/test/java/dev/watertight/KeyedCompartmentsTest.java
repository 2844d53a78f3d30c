package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.watertight.testing.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeyedCompartmentsTest {
    private final ManualTimeSource time = new ManualTimeSource();
    /** Every compartment the templates built, by key, in the order they were built. */
    private final Map<String, List<Compartment>> built = new ConcurrentHashMap<>();
    private final List<KeyedCompartments<?>> groups = new ArrayList<>();

    @AfterEach
    void closeGroups() {
        groups.forEach(KeyedCompartments::close);
    }

    /** A template of compartments with a small thread pool, so that closing one shows. */
    private Compartment pooled(String key) {
        Compartment compartment = Compartment.builder(key).threadPool(ThreadPoolBulkhead.of(key, 2, 1)).build();
        built.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(compartment);
        return compartment;
    }

    private KeyedCompartments<String> group(String name, int maxKeys, Duration idleAfter) {
        KeyedCompartments<String> group = KeyedCompartments.builder(name, this::pooled)
                .maxKeys(maxKeys).idleAfter(idleAfter).timeSource(time).build();
        groups.add(group);
        return group;
    }

    private static boolean closed(Compartment compartment) {
        return compartment.threadPool().orElseThrow().isClosed();
    }

    @Test
    void buildsACompartmentPerKeyOnFirstUseAndReusesIt() throws Exception {
        KeyedCompartments<String> tenants = group("tenants", 10, Duration.ofMinutes(1));

        assertThat(tenants.compartment("acme")).isEmpty();
        assertThat(tenants.call("acme", () -> Thread.currentThread().getName())).contains("acme");
        assertThat(tenants.call("acme", () -> 2)).isEqualTo(2);
        assertThat(tenants.callAsync("globex", () -> CompletableFuture.completedFuture("g")).join()).isEqualTo("g");

        assertThat(built.get("acme")).hasSize(1);
        assertThat(tenants.compartment("acme")).containsSame(built.get("acme").get(0));
        assertThat(tenants.keys()).isEqualTo(2);
        assertThat(tenants.stats()).isEqualTo(new KeyedCompartmentsStats("tenants", 2, 10, 2, 0, 0));
        assertThat(tenants.snapshot()).extracting(CompartmentStats::name).containsExactlyInAnyOrder("acme", "globex");
        assertThat(tenants).hasToString("KeyedCompartments[tenants: 2 of 10 keys]");
    }

    @Test
    void evictsACompartmentIdleForIdleAfterAndClosesIt() throws Exception {
        KeyedCompartments<String> tenants = group("idle", 100, Duration.ofMinutes(1));
        tenants.call("a", () -> 1);
        tenants.call("b", () -> 1);
        time.advance(30, TimeUnit.SECONDS);
        tenants.call("b", () -> 1);
        time.advance(31, TimeUnit.SECONDS); // a idle 61 s, b 31 s

        assertThat(tenants.evictIdle()).isEqualTo(1);

        assertThat(tenants.compartment("a")).isEmpty();
        assertThat(closed(built.get("a").get(0))).isTrue();
        assertThat(tenants.compartment("b")).containsSame(built.get("b").get(0));
        assertThat(closed(built.get("b").get(0))).isFalse();
        assertThat(tenants.stats().evicted()).isEqualTo(1);

        // A key that comes back gets a fresh compartment.
        tenants.call("a", () -> 1);
        assertThat(built.get("a")).hasSize(2);
        assertThat(tenants.compartment("a")).containsSame(built.get("a").get(1));
    }

    @Test
    void callsSweepIdleCompartmentsThemselvesOnceTheSweepIsDue() throws Exception {
        KeyedCompartments<String> tenants = group("sweep", 100, Duration.ofMinutes(4));
        tenants.call("quiet", () -> 1);

        time.advance(3, TimeUnit.MINUTES);
        tenants.call("busy", () -> 1);
        assertThat(tenants.compartment("quiet")).isPresent(); // idle 3 min < 4 min

        time.advance(2, TimeUnit.MINUTES);
        tenants.call("busy", () -> 1); // lets go after the sweep is due: quiet has been idle 5 min

        assertThat(tenants.compartment("quiet")).isEmpty();
        assertThat(closed(built.get("quiet").get(0))).isTrue();
        assertThat(tenants.compartment("busy")).isPresent();
        assertThat(tenants.keys()).isEqualTo(1);
    }

    @Test
    void aFullGroupEvictsTheLeastRecentlyUsedIdleCompartment() throws Exception {
        KeyedCompartments<String> tenants = group("lru", 16, Duration.ofDays(1)); // evicts 16/16 = 1 at a time
        for (int i = 0; i < 16; i++) {
            tenants.call("k" + i, () -> 1);
            time.advance(1, TimeUnit.SECONDS);
        }
        tenants.call("k0", () -> 1); // k0 is now the most recent, k1 the least

        tenants.call("new", () -> 1);

        assertThat(tenants.keys()).isEqualTo(16);
        assertThat(tenants.compartment("k1")).isEmpty();
        assertThat(closed(built.get("k1").get(0))).isTrue();
        assertThat(tenants.compartment("k0")).isPresent();
        assertThat(tenants.compartment("k2")).isPresent();
        assertThat(tenants.stats().evicted()).isEqualTo(1);
    }

    @Test
    void refusesANewKeyClearlyWhenEveryCompartmentHasWorkInFlight() throws Exception {
        KeyedCompartments<String> tenants = group("full", 2, Duration.ofMillis(1));
        CompletableFuture<String> a = new CompletableFuture<>();
        CompletableFuture<String> aCall = tenants.callAsync("a", () -> a);
        CompletableFuture<String> b = new CompletableFuture<>();
        CompletableFuture<String> bCall = tenants.callAsync("b", () -> b);
        time.advance(1, TimeUnit.HOURS); // both long idle by time, but busy

        assertThatThrownBy(() -> tenants.call("c", () -> 1))
                .isInstanceOf(KeyedCompartmentsFullException.class)
                .isInstanceOf(CompartmentRejectedException.class)
                .hasMessage("KeyedCompartments 'full' is full: all 2 compartments have calls in flight,"
                        + " so none can be evicted to make room for a new key")
                .satisfies(e -> assertThat(((KeyedCompartmentsFullException) e).maxKeys()).isEqualTo(2))
                .satisfies(e -> assertThat(((KeyedCompartmentsFullException) e).stackTraceCaptured()).isFalse());
        assertThat(tenants.callAsync("d", () -> CompletableFuture.completedFuture(1)))
                .failsWithin(Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(KeyedCompartmentsFullException.class);
        assertThat(tenants.stats().rejected()).isEqualTo(2);
        assertThat(tenants.call("a", () -> "again")).isEqualTo("again"); // an existing key still works
        assertThat(built.get("c")).isNull();

        b.complete("b");
        assertThat(bCall.join()).isEqualTo("b");
        assertThat(tenants.call("c", () -> "room")).isEqualTo("room"); // b was idle: evicted for c
        assertThat(tenants.compartment("b")).isEmpty();
        assertThat(tenants.compartment("a")).isPresent();
        a.complete("a");
        assertThat(aCall.join()).isEqualTo("a");
    }

    @Test
    void theTemplatesExceptionReachesTheCallerAndLeavesNoEntryBehind() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        KeyedCompartments<String> tenants = KeyedCompartments.builder("broken", (String key) -> {
            calls.incrementAndGet();
            if (key.equals("null")) {
                return null;
            }
            throw new IllegalStateException("no such tenant: " + key);
        }).maxKeys(1).timeSource(time).build();
        groups.add(tenants);

        assertThatThrownBy(() -> tenants.call("x", () -> 1))
                .isInstanceOf(IllegalStateException.class).hasMessage("no such tenant: x");
        assertThatThrownBy(() -> tenants.call("x", () -> 1)).isInstanceOf(IllegalStateException.class);
        assertThat(tenants.callAsync("y", () -> CompletableFuture.completedFuture(1)))
                .failsWithin(Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> tenants.call("null", () -> 1))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("the template of KeyedCompartments 'broken' returned null for key null");

        assertThat(calls).hasValue(4); // a failure is not remembered: the next call tries again
        assertThat(tenants.keys()).isZero();
        assertThat(tenants.compartment("x")).isEmpty();
        assertThat(tenants.stats()).isEqualTo(new KeyedCompartmentsStats("broken", 0, 1, 0, 0, 0));
    }

    @Test
    void callersRacingForANewKeyRunTheTemplateOnceAndShareItsCompartment() throws Exception {
        CountDownLatch letBuild = new CountDownLatch(1);
        AtomicInteger templateCalls = new AtomicInteger();
        KeyedCompartments<String> tenants = KeyedCompartments.builder("race", (String key) -> {
            templateCalls.incrementAndGet();
            awaitQuietly(letBuild);
            return Compartment.builder(key).bulkhead(Bulkhead.of(key, 8)).build();
        }).timeSource(time).build();
        groups.add(tenants);
        List<Compartment> ranOn = new CopyOnWriteArrayList<>();
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            callers.add(Thread.ofPlatform().start(() -> {
                try {
                    ranOn.add(tenants.call("k", () -> tenants.compartment("k").orElseThrow()));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }));
        }
        // Every caller is parked: one in the template, the others waiting for its compartment.
        await().atMost(Duration.ofSeconds(10)).until(() ->
                callers.stream().allMatch(t -> t.getState() == Thread.State.WAITING));
        letBuild.countDown();
        for (Thread caller : callers) {
            caller.join();
        }

        assertThat(templateCalls).hasValue(1);
        assertThat(ranOn).hasSize(8).allMatch(compartment -> compartment == ranOn.get(0));
        assertThat(tenants.stats().created()).isEqualTo(1);
        assertThat(tenants.keys()).isEqualTo(1);
    }

    @Test
    void callersWaitingForATemplateThatFailsTryAgainThemselves() throws Exception {
        CountDownLatch letFail = new CountDownLatch(1);
        AtomicInteger templateCalls = new AtomicInteger();
        KeyedCompartments<String> tenants = KeyedCompartments.builder("retried", (String key) -> {
            if (templateCalls.incrementAndGet() == 1) {
                awaitQuietly(letFail);
                throw new IllegalStateException("first build fails");
            }
            return pooled(key);
        }).timeSource(time).build();
        groups.add(tenants);
        List<Object> outcomes = new CopyOnWriteArrayList<>();
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            callers.add(Thread.ofPlatform().start(() -> {
                try {
                    outcomes.add(tenants.call("k", () -> "ok"));
                } catch (Exception e) {
                    outcomes.add(e.getMessage());
                }
            }));
        }
        await().atMost(Duration.ofSeconds(10)).until(() ->
                callers.stream().allMatch(t -> t.getState() == Thread.State.WAITING));
        letFail.countDown();
        for (Thread caller : callers) {
            caller.join();
        }

        assertThat(outcomes).containsExactlyInAnyOrder("first build fails", "ok", "ok", "ok");
        assertThat(templateCalls).hasValue(2);
        assertThat(tenants.keys()).isEqualTo(1);
    }

    @Test
    void closingClosesEveryCompartmentAndRefusesLaterCalls() throws Exception {
        KeyedCompartments<String> tenants = group("closing", 10, Duration.ofMinutes(1));
        tenants.call("a", () -> 1);
        tenants.call("b", () -> 1);

        tenants.close();
        tenants.close();

        assertThat(closed(built.get("a").get(0))).isTrue();
        assertThat(closed(built.get("b").get(0))).isTrue();
        assertThat(tenants.keys()).isZero();
        assertThatThrownBy(() -> tenants.call("a", () -> 1))
                .isInstanceOf(CompartmentClosedException.class)
                .hasMessage("Compartment 'closing' is closed and accepts no new tasks");
        assertThat(tenants.callAsync("c", () -> CompletableFuture.completedFuture(1))).isCompletedExceptionally();
        assertThat(built.get("c")).isNull();
    }

    @Test
    void rejectsBadSettingsNamingTheSettingTheValueAndWhatIsAllowed() {
        Function<String, Compartment> template = key -> Compartment.builder(key).build();
        assertThatThrownBy(() -> KeyedCompartments.builder(" ", template))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name must be 1 to 128 characters, not blank and without control characters, was ' '");
        assertThatThrownBy(() -> KeyedCompartments.builder("t", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("template must be a function from a key to a Compartment, was null");
        KeyedCompartments.Builder<String> builder = KeyedCompartments.builder("t", template);
        assertThatThrownBy(() -> builder.maxKeys(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxKeys must be between 1 and 10000000, was 0");
        assertThatThrownBy(() -> builder.maxKeys(10_000_001))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxKeys must be between 1 and 10000000, was 10000001");
        assertThatThrownBy(() -> builder.idleAfter(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("idleAfter must be a positive duration").hasMessageEndingWith("was PT0S");
        assertThatThrownBy(() -> builder.idleAfter(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageEndingWith("was null");
        assertThatThrownBy(() -> builder.timeSource(null))
                .isInstanceOf(NullPointerException.class).hasMessage("timeSource must not be null");

        KeyedCompartments<String> defaults = builder.build();
        groups.add(defaults);
        assertThat(defaults.maxKeys()).isEqualTo(KeyedCompartments.DEFAULT_MAX_KEYS);
        assertThatThrownBy(() -> defaults.call(null, () -> 1)).isInstanceOf(NullPointerException.class);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
