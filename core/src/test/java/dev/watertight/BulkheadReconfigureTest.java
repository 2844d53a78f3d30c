package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.watertight.testing.CompartmentCheck;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link Bulkhead#reconfigure}: limit and wait changed in place; fairness, name and share fixed. */
class BulkheadReconfigureTest {
    @RegisterExtension
    final CompartmentCheck check = new CompartmentCheck();

    @Test
    void aLoweredLimitKeepsPermitsInFlightAndAdmitsOnlyOnceBelowIt() throws Exception {
        Bulkhead bulkhead = check.track(Bulkhead.of("orders", 3));
        Bulkhead.Permit first = bulkhead.acquire();
        Bulkhead.Permit second = bulkhead.acquire();

        bulkhead.reconfigure(Bulkhead.builder("orders").maxConcurrent(1).maxWait(Duration.ofMillis(1)).config());

        assertThat(bulkhead.stats().inUse()).isEqualTo(2);
        assertThat(bulkhead.tryAcquire()).isEmpty();
        first.close();
        assertThat(bulkhead.tryAcquire()).as("one held, limit one").isEmpty();
        second.close();
        try (Bulkhead.Permit third = bulkhead.acquire()) {
            assertThat(third.isHeld()).isTrue();
            assertThatThrownBy(bulkhead::acquire).isInstanceOf(BulkheadFullException.class);
        }
        assertThat(bulkhead.maxConcurrent()).isEqualTo(1);
        assertThat(bulkhead.config().maxConcurrent()).isEqualTo(1);
        assertThat(bulkhead.config().maxWait()).isEqualTo(Duration.ofMillis(1));
    }

    @Test
    void aLongerMaxWaitLetsALaterCallerWaitForAPermit() throws Exception {
        Bulkhead bulkhead = check.track(Bulkhead.of("orders", 1));
        Bulkhead.Permit held = bulkhead.acquire();
        assertThatThrownBy(bulkhead::acquire).as("fail-fast as built").isInstanceOf(BulkheadFullException.class);

        bulkhead.reconfigure(Bulkhead.builder("orders").maxConcurrent(1).maxWait(Duration.ofMinutes(1)).config());
        CompletableFuture<Integer> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return bulkhead.call(() -> 7);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        org.awaitility.Awaitility.await().until(() -> bulkhead.stats().waiting() == 1);
        held.close();

        assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo(7);
    }

    @Test
    void fairnessTheNameAndTheShareCannotChange() {
        Bulkhead bulkhead = check.track(Bulkhead.of("orders", 2));

        assertThatThrownBy(() -> bulkhead.reconfigure(Bulkhead.builder("orders").fair(true).config()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fair cannot change on a running bulkhead: is false, was given true; build a new bulkhead instead");
        assertThatThrownBy(() -> bulkhead.reconfigure(Bulkhead.builder("users").config()))
                .hasMessage("name cannot change on a running bulkhead: is 'orders', was given 'users'");
        SharedCapacity capacity = SharedCapacity.builder("workers", 4).share("orders", 2, 4).build();
        assertThatThrownBy(() -> bulkhead.reconfigure(
                Bulkhead.builder("orders").share(capacity.share("orders")).config()))
                .hasMessage("share cannot change on a running bulkhead: is none, was given share 'orders'");
        assertThat(bulkhead.maxConcurrent()).isEqualTo(2);
    }

    @Test
    void aBulkheadOnAShareKeepsItsCeilingButTakesANewMaxWait() {
        SharedCapacity capacity = SharedCapacity.builder("workers", 4).share("orders", 2, 4).build();
        Bulkhead.Builder builder = Bulkhead.builder("orders").share(capacity.share("orders"));
        Bulkhead bulkhead = check.track(builder.build());

        bulkhead.reconfigure(builder.maxWait(Duration.ofMillis(5)).config());
        assertThat(bulkhead.config().maxWait()).isEqualTo(Duration.ofMillis(5));
        assertThat(bulkhead.maxConcurrent()).isEqualTo(4);

        assertThatThrownBy(() -> bulkhead.reconfigure(Bulkhead.builder("orders").maxConcurrent(3).config()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("share cannot change on a running bulkhead: is share 'orders', was given none");
        assertThatThrownBy(() -> bulkhead.resize(3)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void theBuildersConfigIsValidatedAndIsWhatTheBulkheadReports() {
        Bulkhead.Builder builder = Bulkhead.builder("orders").maxConcurrent(7).maxWait(Duration.ofMillis(3));
        assertThat(check.track(builder.build()).config()).isEqualTo(builder.config());
        assertThatThrownBy(() -> Bulkhead.builder("orders").maxConcurrent(0))
                .hasMessage("maxConcurrent must be between 1 and 2147483647, was 0");
    }
}
