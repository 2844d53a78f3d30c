package dev.watertight.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.watertight.BulkheadFullException;
import dev.watertight.CompartmentClosedException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One or a few compartment instances in this JVM, on the shared Redis; each test its own name. */
@ExtendWith(SharedRedisCleanup.class)
class ClusterBulkheadTest {

    static String uniqueName() {
        return SharedRedisCleanup.uniqueName();
    }

    /** Acquires on a thread of its own (the common pool may have a single thread on a small machine). */
    static CompletableFuture<ClusterBulkhead.Lease> acquireAsync(ClusterBulkhead bulkhead, Runnable then) {
        CompletableFuture<ClusterBulkhead.Lease> future = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                ClusterBulkhead.Lease lease = bulkhead.acquire();
                then.run();
                future.complete(lease);
            } catch (Throwable t) {
                future.completeExceptionally(t);
            }
        });
        return future;
    }

    static ClusterBulkhead.Builder on(String name) {
        return ClusterBulkhead.builder(name).redisUri(RedisServer.SHARED);
    }

    /**
     * Sixteen threads of one process start waiting at the same instant for one permit, and each
     * passes it on at once. If this process's line and the cluster-wide line disagreed on their
     * order, a head would be refused the free permit (kept for a waiter behind it here, which does
     * not ask) and every one behind would stall until a poll: the probe interval is set far longer
     * than the whole run may take.
     */
    @Test
    void waitersOfOneProcessPassAFreedPermitOnWithoutStalling() throws Exception {
        try (ClusterBulkhead bulkhead = on(uniqueName()).maxConcurrent(1).maxWait(Duration.ofSeconds(30))
                .probeInterval(Duration.ofSeconds(30)).build()) {
            for (int round = 0; round < 5; round++) {
                ClusterBulkhead.Lease held = bulkhead.acquire();
                java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(16);
                List<CompletableFuture<Void>> waiters = new java.util.ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    waiters.add(CompletableFuture.runAsync(() -> {
                        try {
                            together.await();
                            bulkhead.acquire().close();
                        } catch (Exception e) {
                            throw new java.util.concurrent.CompletionException(e);
                        }
                    }, runnable -> Thread.ofPlatform().start(runnable)));
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> bulkhead.stats().waiting() == 16);
                held.close();
                CompletableFuture.allOf(waiters.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
                assertThat(bulkhead.clusterInUse()).isZero();
            }
        }
    }

    @Test
    void grantsUpToTheLimitWithGrowingFencingTokensAndReleasesIdempotently() throws Exception {
        try (ClusterBulkhead bulkhead = on(uniqueName()).maxConcurrent(2).build()) {
            ClusterBulkhead.Lease first = bulkhead.acquire();
            ClusterBulkhead.Lease second = bulkhead.acquire();
            assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
            assertThatThrownBy(bulkhead::acquire).isInstanceOf(BulkheadFullException.class)
                    .hasMessageContaining("all 2 permits in use");
            assertThat(bulkhead.clusterInUse()).isEqualTo(2);

            first.close();
            first.close();
            assertThat(first.isValid()).isFalse();
            assertThat(bulkhead.clusterInUse()).isEqualTo(1);
            ClusterBulkhead.Lease third = bulkhead.acquire();
            assertThat(third.fencingToken()).isGreaterThan(second.fencingToken());
            second.close();
            third.close();
            assertThat(bulkhead.clusterInUse()).isZero();

            ClusterBulkheadStats stats = bulkhead.stats();
            assertThat(stats.acquired()).isEqualTo(3);
            assertThat(stats.rejected()).isEqualTo(1);
            assertThat(stats.localHolders()).isZero();
            assertThat(stats.redisAvailable()).isTrue();
            assertThat(stats.fallbackActive()).isFalse();
            assertThat(stats.roundTrips()).isGreaterThanOrEqualTo(7);
            assertThat(stats.roundTripP99()).isPositive();
        }
    }

    @Test
    void callAndRunHoldAPermitOnlyWhileTheTaskRuns() throws Exception {
        try (ClusterBulkhead bulkhead = on(uniqueName()).maxConcurrent(1).build()) {
            assertThat(bulkhead.call(bulkhead::clusterInUse)).isEqualTo(1L);
            bulkhead.run(() -> assertThat(bulkhead.stats().localHolders()).isEqualTo(1));
            assertThatThrownBy(() -> bulkhead.run(() -> {
                throw new IllegalStateException("boom");
            })).hasMessage("boom");
            assertThat(bulkhead.clusterInUse()).isZero();
            assertThat(bulkhead.stats().localHolders()).isZero();
        }
    }

    @Test
    void aWaitingCallerCostsNoRoundTripUntilAReleaseWakesIt() throws Exception {
        String name = uniqueName();
        try (ClusterBulkhead holder = on(name).maxConcurrent(1).build();
                ClusterBulkhead waiter = on(name).maxConcurrent(1).maxWait(Duration.ofSeconds(10))
                        .probeInterval(Duration.ofMinutes(1)).build()) {
            ClusterBulkhead.Lease held = holder.acquire();
            CompletableFuture<ClusterBulkhead.Lease> waiting = acquireAsync(waiter, () -> {});
            await().atMost(Duration.ofSeconds(5)).until(() -> waiter.stats().waiting() == 1);
            long tripsWhileWaiting = waiter.stats().roundTrips();
            await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2))
                    .until(() -> waiter.stats().roundTrips() == tripsWhileWaiting && !waiting.isDone());

            long releasedAt = System.nanoTime();
            held.close();
            ClusterBulkhead.Lease got = waiting.get(5, TimeUnit.SECONDS);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - releasedAt)).isLessThan(1_000);
            assertThat(got.fencingToken()).isGreaterThan(held.fencingToken());
            got.close();
        }
    }

    /** Waiters in different instances (as if in different processes) are served first come, first served. */
    @Test
    void waitersAreServedInArrivalOrderAcrossInstances() throws Exception {
        String name = uniqueName();
        try (ClusterBulkhead holder = on(name).maxConcurrent(1).build();
                ClusterBulkhead a = on(name).maxConcurrent(1).maxWait(Duration.ofSeconds(10)).build();
                ClusterBulkhead b = on(name).maxConcurrent(1).maxWait(Duration.ofSeconds(10)).build()) {
            ClusterBulkhead.Lease held = holder.acquire();
            List<String> order = new CopyOnWriteArrayList<>();
            List<CompletableFuture<ClusterBulkhead.Lease>> waiters = new CopyOnWriteArrayList<>();
            ClusterBulkhead[] instances = {a, b, a, b};
            for (int i = 0; i < instances.length; i++) {
                ClusterBulkhead instance = instances[i];
                String label = "waiter" + i;
                long waitingBefore = a.stats().waiting() + b.stats().waiting();
                waiters.add(acquireAsync(instance, () -> order.add(label)));
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> a.stats().waiting() + b.stats().waiting() == waitingBefore + 1);
            }
            // The permit comes back: the line is served, each waiter in turn.
            held.close();
            for (CompletableFuture<ClusterBulkhead.Lease> waiter : waiters) {
                waiter.get(5, TimeUnit.SECONDS).close();
            }
            assertThat(order).containsExactly("waiter0", "waiter1", "waiter2", "waiter3");
        }
    }

    @Test
    void aNewcomerDoesNotTakeAFreePermitAheadOfAWaiter() throws Exception {
        String name = uniqueName();
        try (ClusterBulkhead waiterSide = on(name).maxConcurrent(1).build();
                ClusterBulkhead newcomer = on(name).maxConcurrent(1).build()) {
            ClusterBulkhead.Lease held = newcomer.acquire();
            // A waiter joins the line, then stays away (as if its process were slow to hear the release).
            String waiter = "waiter-" + UUID.randomUUID();
            assertThat(waiterSide.attempt(waiter, 10_000).granted()).isFalse();
            held.close();

            assertThatThrownBy(newcomer::acquire).isInstanceOf(BulkheadFullException.class);
            assertThat(newcomer.clusterInUse()).isZero();
            assertThat(waiterSide.attempt(waiter, 10_000).granted()).isTrue();
            assertThat(newcomer.clusterInUse()).isEqualTo(1);
            waiterSide.leaveLine(waiter);
            await().atMost(Duration.ofSeconds(2)).until(() -> newcomer.clusterInUse() == 0);
            newcomer.acquire().close();
        }
    }

    /** A reply lost on the way back; the caller retries with the same lease id. */
    @Test
    void aRetriedAcquireWhoseReplyWasLostHoldsOneLease() throws Exception {
        try (ClusterBulkhead bulkhead = on(uniqueName()).maxConcurrent(2).build()) {
            String leaseId = "retried-" + UUID.randomUUID();
            ClusterBulkhead.Reply lost = bulkhead.attempt(leaseId, 0);
            ClusterBulkhead.Reply retried = bulkhead.attempt(leaseId, 0);

            assertThat(lost.granted()).isTrue();
            assertThat(retried.granted()).isTrue();
            assertThat(retried.token()).isEqualTo(lost.token());
            assertThat(bulkhead.clusterInUse()).isEqualTo(1);
            try (ClusterBulkhead.Lease other = bulkhead.acquire()) {
                assertThat(other.fencingToken()).isGreaterThan(lost.token());
                assertThat(bulkhead.clusterInUse()).isEqualTo(2);
            }
        }
    }

    /**
     * Two clients whose wall clocks are 20 minutes apart. Expiry is computed on the Redis
     * server, so neither ever counts the other's live leases as expired.
     */
    @Test
    void clientClocksMinutesApartNeverReclaimEachOthersLiveLeases() throws Exception {
        String name = uniqueName();
        Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(10));
        Clock behind = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10));
        // Leases far shorter than the skew, renewed with room for a loaded machine's pauses.
        try (ClusterBulkhead early = on(name).maxConcurrent(3).clock(ahead).leaseTime(Duration.ofMillis(1_500))
                        .renewInterval(Duration.ofMillis(250)).build();
                ClusterBulkhead late = on(name).maxConcurrent(3).clock(behind).leaseTime(Duration.ofMillis(1_500))
                        .renewInterval(Duration.ofMillis(250)).build()) {
            ClusterBulkhead.Lease one = late.acquire();
            ClusterBulkhead.Lease two = late.acquire();
            // For more than a lease time the client ahead keeps acquiring; it must never find more than one free.
            await().during(Duration.ofMillis(1_800)).atMost(Duration.ofSeconds(4)).until(() -> {
                try (ClusterBulkhead.Lease mine = early.acquire()) {
                    assertThatThrownBy(early::acquire).isInstanceOf(BulkheadFullException.class);
                    return mine.isValid();
                }
            });
            assertThat(one.isValid()).isTrue();
            assertThat(two.isValid()).isTrue();
            assertThat(late.stats().leasesLost()).isZero();
            assertThat(early.stats().expiredReclaimed()).isZero();
            assertThat(late.stats().renewals()).isGreaterThanOrEqualTo(5);
            one.close();
            two.close();
        }
    }

    @Test
    void aListenerThatThrowsIsCountedAndTheCallerStillGetsItsRejection() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        try (ClusterBulkhead bulkhead = on(uniqueName()).maxConcurrent(1).listener(new ClusterListener() {
            @Override
            public void onRejected(String compartment, dev.watertight.CompartmentRejectedException rejection) {
                heard.add(rejection.getMessage());
                throw new IllegalStateException("listener bug");
            }
        }).build()) {
            ClusterBulkhead.Lease lease = bulkhead.acquire();
            assertThatThrownBy(bulkhead::acquire).isInstanceOf(BulkheadFullException.class);
            lease.close();
            assertThat(heard).hasSize(1);
            assertThat(bulkhead.listenerFailures()).isEqualTo(1);
        }
    }

    @Test
    void aClosedCompartmentRefusesCalls() {
        ClusterBulkhead bulkhead = on(uniqueName()).build();
        bulkhead.close();
        bulkhead.close();
        assertThatThrownBy(bulkhead::acquire).isInstanceOf(CompartmentClosedException.class);
    }
}
