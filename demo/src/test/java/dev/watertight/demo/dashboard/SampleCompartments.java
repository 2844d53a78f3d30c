package dev.watertight.demo.dashboard;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watertight.Bulkhead;
import dev.watertight.BulkheadFullException;
import dev.watertight.CircuitBreaker;
import dev.watertight.CircuitBreakerOpenException;
import dev.watertight.Compartment;
import dev.watertight.CompartmentEvent;
import dev.watertight.CompartmentRegistry;
import dev.watertight.CompartmentStats;
import dev.watertight.CpuBudget;
import dev.watertight.HealthMonitor;
import dev.watertight.HealthReport;
import dev.watertight.MemoryBulkhead;
import dev.watertight.MemoryBulkheadStats;
import dev.watertight.MemoryReservation;
import dev.watertight.ResourceMeter;
import dev.watertight.ThreadPoolBulkhead;
import dev.watertight.caffeine.BudgetedCacheStats;
import dev.watertight.demo.IsolationView;
import dev.watertight.demo.Mode;
import dev.watertight.demo.Snapshots;
import dev.watertight.jdbc.ConnectionCompartmentStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * A real registry with a little history, for the dashboard's tests: a bulkhead compartment that
 * rejected a call and still holds one permit, a thread-pool compartment whose pool rejected a
 * task and whose breaker opened, a quiet bulkhead compartment with a closed breaker, a CPU budget
 * and a resource meter, a memory budget partly reserved, connection compartments, and a health
 * monitor sampled once. Once built, nothing moves: every snapshot shows the same numbers (until
 * {@link #close()}). It is the view {@link #snapshot()} reads, as the shop's isolation is the
 * view of the shop's snapshots.
 */
final class SampleCompartments implements IsolationView, AutoCloseable {
    static final long MIB = 1024 * 1024;

    final CompartmentRegistry registry = CompartmentRegistry.create();
    final HealthMonitor monitor = HealthMonitor.builder(registry::snapshot).build();
    final Compartment userOps;
    final Compartment reporting;
    final Compartment payments;
    final MemoryBulkhead caches;
    private final Bulkhead.Permit held;
    private final MemoryReservation reservation;

    SampleCompartments() throws Exception {
        userOps = registry.register(Compartment.builder("user-ops")
                .bulkhead(Bulkhead.builder("user-ops").maxConcurrent(3).listener(registry.listener()).build())
                .build());
        reporting = registry.register(Compartment.builder("reporting")
                .circuitBreaker(CircuitBreaker.builder("reporting").failureRateThreshold(50).slidingWindowSize(4)
                        .minimumCalls(2).openDuration(Duration.ofMinutes(10)).listener(registry.listener()).build())
                .threadPool(ThreadPoolBulkhead.builder("reporting").threads(1).queueCapacity(2)
                        .listener(registry.listener()).build())
                .build());
        payments = registry.register(Compartment.builder("payments \"EU\"") // a name that needs escaping
                .cpuBudget(CpuBudget.builder("payments \"EU\"").cores(2).build())
                .meter(ResourceMeter.builder("payments \"EU\"").build())
                .circuitBreaker(CircuitBreaker.builder("payments \"EU\"").listener(registry.listener()).build())
                .bulkhead(Bulkhead.builder("payments \"EU\"").maxConcurrent(10).listener(registry.listener()).build())
                .build());
        caches = registry.register(MemoryBulkhead.builder("caches").budget(64 * MIB).build());

        // user-ops: 5 successes, 2 failures, 1 rejection, then one permit kept in use.
        for (int i = 0; i < 5; i++) {
            userOps.call(() -> "ok");
        }
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> userOps.call(() -> {
                throw new IllegalStateException("user store down");
            })).isInstanceOf(IllegalStateException.class);
        }
        Bulkhead bulkhead = userOps.bulkhead().orElseThrow();
        List<Bulkhead.Permit> permits = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            permits.add(bulkhead.tryAcquire().orElseThrow());
        }
        assertThatThrownBy(() -> userOps.call(() -> "one too many")).isInstanceOf(BulkheadFullException.class);
        permits.get(1).close();
        permits.get(2).close();
        held = permits.get(0);

        // reporting: its one thread busy and its queue full, one task is rejected.
        ThreadPoolBulkhead pool = reporting.threadPool().orElseThrow();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        List<CompletableFuture<String>> admitted = new ArrayList<>();
        admitted.add(pool.submit(() -> {
            running.countDown();
            release.await();
            return "slow report";
        }));
        running.await();
        admitted.add(pool.submit(() -> "queued report"));
        admitted.add(pool.submit(() -> "queued report"));
        assertThatThrownBy(() -> pool.submit(() -> "flood")).isInstanceOf(BulkheadFullException.class);
        release.countDown();
        CompletableFuture.allOf(admitted.toArray(CompletableFuture[]::new)).join();
        // ...then its dependency fails twice, the breaker opens and refuses the next call.
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> reporting.call(() -> {
                throw new IllegalStateException("analytics down");
            })).isInstanceOf(IllegalStateException.class);
        }
        assertThatThrownBy(() -> reporting.call(() -> "report")).isInstanceOf(CircuitBreakerOpenException.class);

        payments.call(() -> "charged");
        reservation = caches.reserve(40 * MIB);
        monitor.sample();
    }

    /**
     * Makes user-ops busier until closed: takes more of its permits and, once it is full, has some
     * calls rejected. For a livelier chart; the numbers move, so compare them before using this.
     *
     * @param extraPermits 0 to 2 more permits taken (one is always held)
     * @param rejectedCalls calls rejected meanwhile; more than 0 only with 2 extra permits
     * @return what gives the permits back
     */
    AutoCloseable busy(int extraPermits, int rejectedCalls) throws Exception {
        Bulkhead bulkhead = userOps.bulkhead().orElseThrow();
        List<Bulkhead.Permit> taken = new ArrayList<>();
        for (int i = 0; i < extraPermits; i++) {
            taken.add(bulkhead.tryAcquire().orElseThrow());
        }
        for (int i = 0; i < rejectedCalls; i++) {
            assertThatThrownBy(() -> userOps.call(() -> "no room")).isInstanceOf(BulkheadFullException.class);
        }
        return () -> taken.forEach(Bulkhead.Permit::close);
    }

    @Override
    public List<CompartmentStats> compartments() {
        return registry.snapshot();
    }

    /** Connection compartments as the service would report them. */
    @Override
    public List<ConnectionCompartmentStats> connections() {
        return List.of(
                new ConnectionCompartmentStats("read", "main", 8, 2, 3, 0, 120, 0, 0, 0, 0,
                        Duration.ofMillis(1), Duration.ofMillis(4), Duration.ofMillis(9)),
                new ConnectionCompartmentStats("write", "main", 4, 2, 4, 2, 57, 0, 0, 0, 0,
                        Duration.ofMillis(2), Duration.ofMillis(12), Duration.ofMillis(30)),
                new ConnectionCompartmentStats("analytics", "main", 2, 0, 2, 5, 9, 4, 1, 0, 0,
                        Duration.ofMillis(40), Duration.ofMillis(250), Duration.ofMillis(500)));
    }

    @Override
    public List<MemoryBulkheadStats> memory() {
        return registry.memoryBulkheads().stream().map(MemoryBulkhead::stats).toList();
    }

    @Override
    public List<BudgetedCacheStats> caches() {
        return List.of();
    }

    /** The monitor's last report: it was sampled once, when the sample was built. */
    @Override
    public HealthReport health() {
        return monitor.report();
    }

    @Override
    public List<CompartmentEvent> events() {
        return registry.events().all();
    }

    /** The snapshots of everything above, written as the shop writes its own (no stubs). */
    Snapshots snapshot() {
        return new Snapshots(new ObjectMapper(), Mode.COMPARTMENTS, this, Map.of());
    }

    @Override
    public void close() {
        held.close();
        reservation.close();
        registry.close();
    }
}
