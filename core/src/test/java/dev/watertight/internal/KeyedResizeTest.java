package dev.watertight.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.watertight.Bulkhead;
import dev.watertight.Compartment;
import dev.watertight.KeyedCompartmentsFullException;
import dev.watertight.testing.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The two things a configured group relies on: bounds that change in place without evicting a
 * busy key, and a hook that hears each compartment only once it is published (so a template
 * change either lists it or is seen by the hook).
 */
class KeyedResizeTest {
    private final ManualTimeSource time = new ManualTimeSource();

    private static Compartment compartment(String key) {
        return Compartment.builder(key).bulkhead(Bulkhead.of(key, 1)).build();
    }

    @Test
    void theHookHearsACompartmentOnlyOnceTheGroupListsIt() throws Exception {
        CountDownLatch building = new CountDownLatch(1);
        CountDownLatch build = new CountDownLatch(1);
        List<Boolean> listedWhenHeard = new ArrayList<>();
        BoundedKeyedCompartments<String>[] group = new BoundedKeyedCompartments[1];
        group[0] = new BoundedKeyedCompartments<>("tenants", key -> {
            building.countDown();
            try {
                build.await();
            } catch (InterruptedException interrupted) {
                throw new IllegalStateException(interrupted);
            }
            return compartment(key);
        }, 10, Duration.ofMinutes(1).toNanos(), time, false,
                built -> listedWhenHeard.add(group[0].liveCompartments().contains(built)));

        CompletableFuture<String> call = CompletableFuture.supplyAsync(() -> {
            try {
                return group[0].call("acme", () -> "done");
            } catch (Exception failed) {
                throw new IllegalStateException(failed);
            }
        });
        assertThat(building.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(group[0].liveCompartments()).as("being built: not listed yet").isEmpty();
        build.countDown();

        assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("done");
        assertThat(listedWhenHeard).containsExactly(true);
    }

    @Test
    void aSmallerBoundEvictsOnlyIdleKeysAndALargerOneAdmitsNewKeysAtOnce() throws Exception {
        BoundedKeyedCompartments<String> group = new BoundedKeyedCompartments<>("tenants",
                KeyedResizeTest::compartment, 2, Duration.ofMinutes(1).toNanos(), time, false);
        CountDownLatch finish = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<String> busy = CompletableFuture.supplyAsync(() -> {
            try {
                return group.call("busy", () -> {
                    started.countDown();
                    finish.await();
                    return "done";
                });
            } catch (Exception failed) {
                throw new IllegalStateException(failed);
            }
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        group.call("idle", () -> null);

        group.resize(1, Duration.ofMinutes(1).toNanos());
        assertThat(group.keys()).as("nothing is evicted by the resize itself").isEqualTo(2);
        assertThatThrownBy(() -> group.call("new", () -> null)).isInstanceOf(KeyedCompartmentsFullException.class);
        assertThat(group.compartment("idle")).as("made way").isEmpty();
        assertThat(group.compartment("busy")).as("in flight: kept").isPresent();

        group.resize(3, Duration.ofMinutes(1).toNanos());
        assertThat(group.call("new", () -> "room")).isEqualTo("room");
        assertThat(group.stats().maxKeys()).isEqualTo(3);
        finish.countDown();
        assertThat(busy.get(10, TimeUnit.SECONDS)).isEqualTo("done");
    }

    @Test
    void aShorterIdleTimeAppliesToKeysAlreadyIdle() {
        BoundedKeyedCompartments<String> group = new BoundedKeyedCompartments<>("tenants",
                KeyedResizeTest::compartment, 10, Duration.ofMinutes(10).toNanos(), time, false);
        group.callAsync("acme", () -> CompletableFuture.completedFuture("done")).join();
        time.advance(2, TimeUnit.MINUTES);
        assertThat(group.evictIdle()).isZero();

        group.resize(10, Duration.ofMinutes(1).toNanos());

        assertThat(group.evictIdle()).isEqualTo(1);
        assertThat(group.keys()).isZero();
    }
}
