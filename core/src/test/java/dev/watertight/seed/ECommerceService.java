package dev.watertight.seed;

import dev.watertight.ThreadPoolBulkhead;
import dev.watertight.ThreadPoolStats;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * The seed's first example, with its three thread-pool compartments: {@code user-ops} (5 threads,
 * queue 20, 2 s), {@code order-ops} (10, 50, 5 s) and {@code reporting} (2, 10, 30 s). The work
 * itself is supplied by the test, so that it can be slow exactly when the test says.
 */
final class ECommerceService implements AutoCloseable {
    private final ThreadPoolBulkhead userOps = ThreadPoolBulkhead.builder("user-ops")
            .threads(5).queueCapacity(20).timeout(Duration.ofSeconds(2)).build();
    private final ThreadPoolBulkhead orderOps = ThreadPoolBulkhead.builder("order-ops")
            .threads(10).queueCapacity(50).timeout(Duration.ofSeconds(5)).build();
    private final ThreadPoolBulkhead reporting = ThreadPoolBulkhead.builder("reporting")
            .threads(2).queueCapacity(10).timeout(Duration.ofSeconds(30)).build();

    CompletableFuture<String> createUser(Callable<String> work) {
        return userOps.submit(work);
    }

    CompletableFuture<String> processOrder(Callable<String> work) {
        return orderOps.submit(work);
    }

    CompletableFuture<String> generateReport(Callable<String> work) {
        return reporting.submit(work);
    }

    List<ThreadPoolStats> allStats() {
        return List.of(userOps.stats(), orderOps.stats(), reporting.stats());
    }

    ThreadPoolStats stats(String compartment) {
        return allStats().stream().filter(stats -> stats.name().equals(compartment)).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        userOps.close();
        orderOps.close();
        reporting.close();
    }
}
