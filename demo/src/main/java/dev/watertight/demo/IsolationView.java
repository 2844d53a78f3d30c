package dev.watertight.demo;

import dev.watertight.CompartmentEvent;
import dev.watertight.CompartmentStats;
import dev.watertight.HealthReport;
import dev.watertight.MemoryBulkheadStats;
import dev.watertight.caffeine.BudgetedCacheStats;
import dev.watertight.jdbc.ConnectionCompartmentStats;
import java.util.List;

/**
 * What a service's isolation shows, read-only: the snapshots {@link Snapshots} turns into the
 * document of {@code GET /api/snapshot} and the dashboard. The shop's {@link Isolation} is one;
 * a test can be another, over a registry of its own, with no database or server behind it.
 * Each call reads fresh snapshots. Implementations must be thread-safe.
 */
public interface IsolationView {

    /** Snapshots of the work pools and dependency guards, as compartments. */
    List<CompartmentStats> compartments();

    /** Snapshots of the database pools, as connection compartments. */
    List<ConnectionCompartmentStats> connections();

    /** The memory budgets (none in a shared service). */
    List<MemoryBulkheadStats> memory();

    /** The caches with budgets (none in a shared service). */
    List<BudgetedCacheStats> caches();

    /** The health report, or null when nothing watches health. */
    HealthReport health();

    /** Recent rare events, oldest first: rejections, timeouts, breaker state changes (none in a shared service). */
    List<CompartmentEvent> events();
}
