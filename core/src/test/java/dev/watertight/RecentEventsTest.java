package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;

class RecentEventsTest {

    @Test
    void aCompartmentsRejectionsAndABreakersTransitionsAreKeptInOrder() throws Exception {
        RecentEvents events = RecentEvents.keeping(10);
        Bulkhead payments = Bulkhead.builder("payments").maxConcurrent(1).listener(events).build();
        CircuitBreaker breaker = CircuitBreaker.builder("payment").consecutiveFailures(1).listener(events).build();

        try (Bulkhead.Permit held = payments.acquire()) {
            assertThatThrownBy(() -> payments.call(() -> 1)).isInstanceOf(BulkheadFullException.class);
        }
        assertThatThrownBy(() -> breaker.call(() -> {
            throw new java.io.IOException("payment down");
        })).isInstanceOf(java.io.IOException.class);

        assertThat(events.of("payments")).singleElement().satisfies(event -> {
            assertThat(event.kind()).isEqualTo(CompartmentEvent.Kind.REJECTED);
            assertThat(event.sequence()).isZero();
            assertThat(event.detail()).startsWith("Bulkhead 'payments' is full: all 1 permits in use");
        });
        assertThat(events.of("payment")).singleElement().satisfies(event -> {
            assertThat(event.kind()).isEqualTo(CompartmentEvent.Kind.STATE_CHANGE);
            assertThat(event.detail()).isEqualTo("circuit breaker went from CLOSED to OPEN");
        });
        assertThat(events.all()).hasSize(2);
        assertThat(events.of("nobody")).isEmpty();
    }

    @Test
    void eachCompartmentKeepsItsOwnLastEventsSoANoisyOneCannotPushOutAQuietOne() {
        RecentEvents events = RecentEvents.keeping(3);
        events.onTimedOut("quiet", Duration.ofSeconds(2));
        for (int i = 0; i < 1_000; i++) {
            events.onCancelled("noisy", i % 2 == 0);
        }

        assertThat(events.of("quiet")).extracting(CompartmentEvent::detail).containsExactly("ran past its timeout of 2000 ms");
        assertThat(events.of("noisy")).extracting(CompartmentEvent::sequence).containsExactly(997L, 998L, 999L);
        assertThat(events.of("noisy").get(0).detail()).isEqualTo("cancelled before it started");
    }

    @Test
    void concurrentWritersLeaveTheLastEventsInOrderWithoutGaps() throws Exception {
        RecentEvents events = RecentEvents.keeping(64);
        int threads = 8;
        int perThread = 20_000;
        CyclicBarrier start = new CyclicBarrier(threads);
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        events.onCancelled("busy", true);
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();

        List<Long> sequences = events.of("busy").stream().map(CompartmentEvent::sequence).toList();
        long last = (long) threads * perThread - 1;
        assertThat(sequences).hasSize(64).startsWith(last - 63).endsWith(last).isSorted();
    }

    @Test
    void theBoundMustBeSensible() {
        assertThatThrownBy(() -> RecentEvents.keeping(0)).hasMessage("perCompartment must be between 1 and 100000, was 0");
    }
}
