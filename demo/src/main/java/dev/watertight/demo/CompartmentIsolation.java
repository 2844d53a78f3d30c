package dev.watertight.demo;

import com.zaxxer.hikari.HikariDataSource;
import dev.watertight.CompartmentEvent;
import dev.watertight.CompartmentRegistry;
import dev.watertight.CompartmentStats;
import dev.watertight.HealthMonitor;
import dev.watertight.HealthReport;
import dev.watertight.MemoryBulkhead;
import dev.watertight.MemoryBulkheadStats;
import dev.watertight.WatertightConfig;
import dev.watertight.caffeine.BudgetedCache;
import dev.watertight.caffeine.BudgetedCacheStats;
import dev.watertight.caffeine.SizeEstimator;
import dev.watertight.jdbc.ConnectionCompartmentStats;
import dev.watertight.jdbc.ConnectionCompartments;
import dev.watertight.micrometer.WatertightMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.sql.DataSource;

/**
 * The shop with Watertight's compartments, every one from the configuration: thread-pool
 * compartments for the kinds of work, compartments with breakers for the dependencies,
 * connection compartments over one HikariCP pool per configured connection pool, and caches
 * charged to the registry's memory budgets. A health monitor samples the registry every second.
 */
final class CompartmentIsolation implements Isolation {
    private static final List<String> WORK = List.of("user-ops", "order-ops", "reporting");
    private static final Duration HEALTH_INTERVAL = Duration.ofSeconds(1);

    private final CompartmentRegistry registry;
    private final List<HikariDataSource> pools = new ArrayList<>();
    private final ConnectionCompartments connections;
    private final Map<String, BudgetedCache<String, String>> caches = new LinkedHashMap<>();
    private final Map<String, TextCache> textCaches = new LinkedHashMap<>();
    private final HealthMonitor health;
    private final HealthMonitor.Sampling sampling;

    CompartmentIsolation(WatertightConfig config, Database database) {
        // Breakers count only the dependencies' own failures, never a client's or a refusal.
        this.registry = CompartmentRegistry.create(DependencyFailures.applied(config));
        try {
            Map<String, DataSource> dataSources = new LinkedHashMap<>();
            config.connectionPools().values().forEach(pool -> {
                HikariDataSource hikari = database.pool(pool.name(), pool.capacity());
                pools.add(hikari);
                dataSources.put(pool.name(), hikari);
            });
            this.connections = ConnectionCompartments.builder().configure(config, dataSources).build();
            for (MemoryBulkhead budget : registry.memoryBulkheads()) {
                BudgetedCache<String, String> cache = BudgetedCache.builder(budget, SizeEstimator.strings())
                        .expireAfterWrite(Duration.ofMinutes(10))
                        .recordStats()
                        .build();
                caches.put(budget.name(), cache);
                textCaches.put(budget.name(), TextCache.budgeted(cache));
            }
            this.health = HealthMonitor.builder(registry::snapshot).build();
            this.sampling = health.start(HEALTH_INTERVAL);
        } catch (RuntimeException failed) {
            pools.forEach(HikariDataSource::close);
            registry.close();
            throw failed;
        }
    }

    @Override
    public <T> T work(String kind, Callable<T> task) throws Exception {
        return registry.compartment(kind).call(task);
    }

    @Override
    public <T> T dependency(String name, Callable<T> call) throws Exception {
        return registry.compartment(name).call(call);
    }

    @Override
    public DataSource database(String role) {
        return connections.compartment(role);
    }

    @Override
    public TextCache cache(String name) {
        TextCache cache = textCaches.get(name);
        if (cache == null) {
            throw new IllegalArgumentException("no cache named '" + name + "'; the configuration has " + textCaches.keySet());
        }
        return cache;
    }

    @Override
    public void stopAdmitting() {
        // Each pool's close() gives its queued and running work the configured grace, then
        // refuses what is left; every future is complete when it returns.
        WORK.forEach(kind -> registry.compartment(kind).close());
    }

    @Override
    public List<CompartmentStats> compartments() {
        return registry.snapshot();
    }

    @Override
    public List<ConnectionCompartmentStats> connections() {
        return connections.stats();
    }

    @Override
    public List<MemoryBulkheadStats> memory() {
        return registry.memoryBulkheads().stream().map(MemoryBulkhead::stats).toList();
    }

    @Override
    public List<BudgetedCacheStats> caches() {
        return caches.values().stream().map(BudgetedCache::stats).toList();
    }

    @Override
    public HealthReport health() {
        return health.report();
    }

    @Override
    public List<CompartmentEvent> events() {
        return registry.events().all();
    }

    @Override
    public void bindMetrics(MeterRegistry meters) {
        new WatertightMetrics().registry(registry).bindTo(meters);
    }

    @Override
    public void close() {
        try {
            sampling.close();
        } catch (Exception ignored) {
            // stopping the sampling thread cannot fail in a way that matters here
        }
        registry.close();
        connections.close();
        pools.forEach(HikariDataSource::close);
    }
}
