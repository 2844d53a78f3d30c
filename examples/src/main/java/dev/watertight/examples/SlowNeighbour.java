package dev.watertight.examples;

import dev.watertight.BulkheadFullException;
import dev.watertight.TaskTimeoutException;
import dev.watertight.ThreadPoolBulkhead;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Two kinds of work in one service, and a neighbour that turns slow: watch what compartments do.
 *
 * <p>A shop serves {@code checkout} requests (5 ms each) and {@code recommendations} (normally
 * quick, but their dependency has stalled and now takes 2 s). Clients keep sending both. The
 * same load runs twice:
 * <ol>
 *   <li>with one shared pool of 12 threads, as most services are built: the stalled
 *       recommendations take every thread and checkout waits behind them;</li>
 *   <li>with a compartment each: {@code checkout} keeps its 8 threads and its latency, while
 *       {@code recommendations} (4 threads, a queue of 4, a 500 ms timeout) refuses what it
 *       cannot take, at once.</li>
 * </ol>
 *
 * <p>Run it with {@code mvn -q -pl examples -am compile exec:exec}; pass
 * {@code -Dexample.seconds=N} to change how long each half runs (default 6).
 */
public final class SlowNeighbour {
    private static final Duration CHECKOUT_WORK = Duration.ofMillis(5);
    private static final Duration STALLED_DEPENDENCY = Duration.ofSeconds(2);
    private static final int CHECKOUT_CLIENTS = 10;
    private static final int RECOMMENDATION_CLIENTS = 30;

    private SlowNeighbour() {}

    /**
     * Runs both halves and prints what the clients saw.
     *
     * @param args ignored; the duration comes from {@code -Dexample.seconds}
     * @throws InterruptedException if interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        int seconds = Integer.getInteger("example.seconds", 6);
        System.out.println("A shop with a stalled recommendation service (every call takes "
                + STALLED_DEPENDENCY.toSeconds() + " s).");
        System.out.println(CHECKOUT_CLIENTS + " clients check out, " + RECOMMENDATION_CLIENTS
                + " ask for recommendations, for " + seconds + " s per run.\n");

        Results shared;
        try (ThreadPoolBulkhead pool = ThreadPoolBulkhead.builder("shared").threads(12)
                .queueCapacity(1000).shutdownGrace(Duration.ZERO).build()) {
            System.out.println("1) One shared pool of 12 threads:");
            shared = drive(pool, pool, seconds);
        }
        Results isolated;
        try (ThreadPoolBulkhead checkout = ThreadPoolBulkhead.builder("checkout").threads(8)
                        .queueCapacity(50).shutdownGrace(Duration.ZERO).build();
                ThreadPoolBulkhead recommendations = ThreadPoolBulkhead.builder("recommendations")
                        .threads(4).queueCapacity(4).timeout(Duration.ofMillis(500))
                        .shutdownGrace(Duration.ZERO).build()) {
            System.out.println("\n2) Compartments: checkout (8 threads), recommendations (4 threads,"
                    + " queue 4, timeout 500 ms):");
            isolated = drive(checkout, recommendations, seconds);
        }

        System.out.println("\nCheckout, as its clients saw it (a client gives up after 3 s):");
        System.out.println(Tally.header());
        System.out.println(shared.checkout().row("one shared pool"));
        System.out.println(isolated.checkout().row("compartments"));
        System.out.println("\nRecommendations:");
        System.out.println(Tally.header());
        System.out.println(shared.recommendations().row("one shared pool"));
        System.out.println(isolated.recommendations().row("compartments"));
        System.out.println("\nWith compartments the stalled neighbour is refused in microseconds or cut off at its"
                + " 500 ms timeout,\nand checkout keeps its own threads: its p99 went from "
                + shared.checkout().p99Millis() + " ms to " + isolated.checkout().p99Millis() + " ms.");
    }

    private record Results(Tally checkout, Tally recommendations) {}

    private static Results drive(ThreadPoolBulkhead checkoutPool, ThreadPoolBulkhead recommendationPool, int seconds)
            throws InterruptedException {
        Tally checkout = new Tally("checkout");
        Tally recommendations = new Tally("recommendations");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < CHECKOUT_CLIENTS; i++) {
            clients.add(Thread.ofVirtual().start(() -> client(checkoutPool, CHECKOUT_WORK, checkout, end)));
        }
        for (int i = 0; i < RECOMMENDATION_CLIENTS; i++) {
            clients.add(Thread.ofVirtual().start(
                    () -> client(recommendationPool, STALLED_DEPENDENCY, recommendations, end)));
        }
        for (int second = 1; second <= seconds; second++) {
            Thread.sleep(1000);
            System.out.println(String.format(Locale.ROOT, "   t=%ds  %s | %s", second,
                    checkout.sinceLastLine(), recommendations.sinceLastLine()));
        }
        for (Thread client : clients) {
            client.join();
        }
        return new Results(checkout, recommendations);
    }

    /** One client: sends a request, waits for the answer (at most 3 s), records what happened. */
    private static void client(ThreadPoolBulkhead pool, Duration work, Tally tally, long endNanos) {
        while (System.nanoTime() < endNanos) {
            long start = System.nanoTime();
            try {
                CompletableFuture<String> answer = pool.submit(() -> {
                    Thread.sleep(work); // the downstream call
                    return "ok";
                });
                answer.get(3, TimeUnit.SECONDS);
                tally.completed(System.nanoTime() - start);
            } catch (BulkheadFullException rejected) {
                tally.rejected();
                pause(50); // a real client would back off, or show a fallback
            } catch (ExecutionException failed) {
                if (failed.getCause() instanceof TaskTimeoutException) {
                    tally.timedOut(System.nanoTime() - start);
                } else {
                    tally.failed();
                }
            } catch (TimeoutException gaveUp) {
                tally.timedOut(System.nanoTime() - start);
            } catch (InterruptedException interrupted) {
                return;
            } catch (RuntimeException closed) {
                return; // the pool closed as the run ended
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
