package dev.watertight.demo;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.watertight.CompartmentEvent;
import dev.watertight.CompartmentStats;
import dev.watertight.HealthReport;
import dev.watertight.MemoryBulkheadStats;
import dev.watertight.ThreadPoolStats;
import dev.watertight.caffeine.BudgetedCacheStats;
import dev.watertight.jdbc.ConnectionCompartmentStats;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/**
 * The shop as most services are built: every request's work on one {@link ThreadPoolExecutor}
 * (as many threads as the compartments have together) with one long queue, every query on one
 * HikariCP pool (as many connections as the compartments' pools together), dependencies called
 * bare, caches bounded by entry count. Its stats are reported in Watertight's shapes, as one
 * thread-pool compartment {@code shared-pool} and one connection compartment {@code shared-db},
 * so the dashboard and the storm read both builds alike.
 */
final class SharedIsolation implements Isolation {
    static final String POOL = "shared-pool";
    static final String DB = "shared-db";

    private final int threads;
    private final int queueCapacity;
    private final ThreadPoolExecutor executor;
    private final HikariDataSource pool;
    private final int poolSize;
    private final Map<String, TextCache> caches;
    private final LongAdder submitted = new LongAdder();
    private final LongAdder succeeded = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder cancelled = new LongAdder();

    SharedIsolation(int threads, int queueCapacity, int poolSize, Database database) {
        this.threads = threads;
        this.queueCapacity = queueCapacity;
        this.poolSize = poolSize;
        AtomicInteger next = new AtomicInteger();
        ThreadFactory factory = task -> {
            Thread thread = new Thread(task, POOL + "-" + next.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(queueCapacity), factory);
        this.pool = database.pool(DB, poolSize);
        this.caches = Map.of("user-cache", TextCache.bounded(100_000), "session-cache", TextCache.bounded(100_000),
                "static-cache", TextCache.bounded(10_000));
    }

    @Override
    public <T> T work(String kind, Callable<T> task) throws Exception {
        Future<T> future;
        try {
            future = executor.submit(() -> {
                try {
                    T result = task.call();
                    succeeded.increment();
                    return result;
                } catch (Throwable failure) {
                    failed.increment();
                    throw failure;
                }
            });
        } catch (RejectedExecutionException full) {
            rejected.increment();
            throw full;
        }
        submitted.increment();
        try {
            return future.get();
        } catch (ExecutionException failure) {
            if (failure.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw failure;
        } catch (InterruptedException interrupted) {
            future.cancel(true);
            throw interrupted;
        }
    }

    @Override
    public <T> T dependency(String name, Callable<T> call) throws Exception {
        return call.call();
    }

    @Override
    public DataSource database(String role) {
        return pool;
    }

    @Override
    public TextCache cache(String name) {
        TextCache cache = caches.get(name);
        if (cache == null) {
            throw new IllegalArgumentException("no cache named '" + name + "'; there are " + caches.keySet());
        }
        return cache;
    }

    @Override
    public void stopAdmitting() {
        // Queued work is cancelled, so its callers get an answer at once (a CancellationException);
        // running work finishes.
        List<Runnable> queued = new ArrayList<>();
        executor.shutdown();
        executor.getQueue().drainTo(queued);
        for (Runnable task : queued) {
            if (task instanceof FutureTask<?> future && future.cancel(false)) {
                cancelled.increment();
            }
        }
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public List<CompartmentStats> compartments() {
        ThreadPoolStats stats = new ThreadPoolStats(POOL, threads, executor.getActiveCount(), executor.getQueue().size(),
                queueCapacity, submitted.sum(), succeeded.sum(), failed.sum(), rejected.sum(), 0, cancelled.sum());
        return List.of(new CompartmentStats(POOL, null, null, null, null, stats, null, null, null));
    }

    @Override
    public List<ConnectionCompartmentStats> connections() {
        HikariPoolMXBean hikari = pool.getHikariPoolMXBean();
        int inUse = hikari == null ? 0 : hikari.getActiveConnections();
        int waiting = hikari == null ? 0 : hikari.getThreadsAwaitingConnection();
        return List.of(new ConnectionCompartmentStats(DB, DB, poolSize, 0, inUse, waiting, 0, 0, 0, 0, 0,
                Duration.ZERO, Duration.ZERO, Duration.ZERO));
    }

    @Override
    public List<MemoryBulkheadStats> memory() {
        return List.of();
    }

    @Override
    public List<BudgetedCacheStats> caches() {
        return List.of();
    }

    @Override
    public HealthReport health() {
        return null;
    }

    @Override
    public List<CompartmentEvent> events() {
        return List.of();
    }

    @Override
    public void bindMetrics(MeterRegistry registry) {
        // Nothing of Watertight's to publish: a shared service has no compartments.
    }

    @Override
    public void close() {
        executor.shutdownNow();
        pool.close();
    }
}
