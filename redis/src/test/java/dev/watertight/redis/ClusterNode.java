package dev.watertight.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A process of its own sharing a {@link ClusterBulkhead} with others, forked by the tests:
 * {@code stress uri name limit threads calls} runs calls that count, in Redis, how many are
 * inside at once, and prints the largest count it saw; {@code hold uri name limit permits
 * leaseMillis renewMillis} takes permits, prints their fencing tokens, reports lost leases and
 * waits until it is killed (or its standard input closes).
 */
public final class ClusterNode {
    private ClusterNode() {}

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "stress" -> stress(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]));
            case "hold" -> hold(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    Long.parseLong(args[5]), Long.parseLong(args[6]));
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.out.flush();
        System.exit(0);
    }

    private static void stress(String uri, String name, int limit, int threads, int calls) throws Exception {
        RedisClient client = RedisClient.create(uri);
        StatefulRedisConnection<String, String> connection = client.connect();
        RedisCommands<String, String> redis = connection.sync();
        String inside = "test:{" + name + "}:inside";
        AtomicLong maxSeen = new AtomicLong();
        AtomicLong done = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        try (ClusterBulkhead bulkhead = ClusterBulkhead.builder(name).redisUri(uri).maxConcurrent(limit)
                .maxWait(Duration.ofSeconds(20)).leaseTime(Duration.ofSeconds(10)).renewInterval(Duration.ofSeconds(3))
                .redisTimeout(Duration.ofSeconds(5)).build()) {
            System.out.println("ready");
            List<Thread> workers = new ArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            for (int t = 0; t < threads; t++) {
                int share = calls / threads + (t < calls % threads ? 1 : 0);
                workers.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < share; i++) {
                            bulkhead.run(() -> {
                                long now = redis.incr(inside);
                                maxSeen.accumulateAndGet(now, Math::max);
                                redis.decr(inside);
                            });
                            done.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                        System.out.println("failure " + e);
                    }
                }));
            }
            start.countDown();
            for (Thread worker : workers) {
                worker.join();
            }
            System.out.println("done " + done.get() + " max " + maxSeen.get() + " failures " + failures.get()
                    + " roundTrips " + bulkhead.stats().roundTrips());
        } finally {
            connection.close();
            client.shutdown();
        }
    }

    private static void hold(String uri, String name, int limit, int permits, long leaseMillis, long renewMillis)
            throws Exception {
        ClusterBulkhead bulkhead = ClusterBulkhead.builder(name).redisUri(uri).maxConcurrent(limit)
                .leaseTime(Duration.ofMillis(leaseMillis)).renewInterval(Duration.ofMillis(renewMillis))
                .redisTimeout(Duration.ofMillis(Math.min(1_000, (leaseMillis - renewMillis) / 2)))
                .listener(new ClusterListener() {
                    @Override
                    public void onLeaseLost(String compartment, long fencingToken) {
                        System.out.println("lost " + fencingToken);
                        System.out.flush();
                    }
                })
                .build();
        StringBuilder tokens = new StringBuilder("held");
        List<ClusterBulkhead.Lease> leases = new ArrayList<>();
        for (int i = 0; i < permits; i++) {
            ClusterBulkhead.Lease lease = bulkhead.acquire();
            leases.add(lease);
            tokens.append(' ').append(lease.fencingToken());
        }
        System.out.println(tokens);
        System.out.flush();
        // Holds until killed, or until the test closes our standard input.
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        leases.forEach(ClusterBulkhead.Lease::close);
        bulkhead.close();
    }
}
