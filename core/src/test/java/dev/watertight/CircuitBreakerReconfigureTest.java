package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.watertight.testing.ManualTimeSource;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** {@link CircuitBreaker#reconfigure}: new numbers, same state, same predicates. */
class CircuitBreakerReconfigureTest {
    private final ManualTimeSource time = new ManualTimeSource();
    private final List<String> transitions = new CopyOnWriteArrayList<>();

    private CircuitBreaker.Builder builder() {
        return CircuitBreaker.builder("payments").slidingWindowSize(10).minimumCalls(10).failureRateThreshold(50)
                .openDuration(Duration.ofSeconds(10)).halfOpenProbes(2).timeSource(time)
                .listener(new CompartmentListener() {
                    @Override
                    public void onStateChange(String compartment, CircuitBreaker.State from, CircuitBreaker.State to) {
                        transitions.add(from + "->" + to);
                    }
                });
    }

    private static void fail(CircuitBreaker breaker) {
        try {
            breaker.call(() -> {
                throw new IOException("down");
            });
        } catch (Exception expected) {
            // recorded
        }
    }

    private static void succeed(CircuitBreaker breaker) throws Exception {
        breaker.call(() -> 1);
    }

    @Test
    void newThresholdsApplyFromTheNextOutcomeAndTheWindowIsKept() throws Exception {
        CircuitBreaker breaker = builder().build();
        for (int i = 0; i < 4; i++) {
            succeed(breaker);
        }
        for (int i = 0; i < 3; i++) {
            fail(breaker);
        }
        assertThat(breaker.state()).as("7 calls, fewer than minimumCalls").isEqualTo(CircuitBreaker.State.CLOSED);

        breaker.reconfigure(builder().minimumCalls(5).failureRateThreshold(40).config());
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.stats().windowCalls()).as("the same window size: the window is kept").isEqualTo(7);

        fail(breaker); // 4 of 8 = 50 % >= 40 %
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.config().minimumCalls()).isEqualTo(5);
        assertThat(breaker.config().failureRateThreshold()).isEqualTo(40);
    }

    @Test
    void anOpenBreakerStaysOpenUntilItsPeriodEndsAndTheNextTripUsesTheNewOpenDuration() throws Exception {
        CircuitBreaker breaker = builder().minimumCalls(2).build();
        fail(breaker);
        fail(breaker);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);

        breaker.reconfigure(builder().minimumCalls(2).openDuration(Duration.ofSeconds(60)).halfOpenProbes(1).config());
        assertThat(breaker.state()).as("the state is kept").isEqualTo(CircuitBreaker.State.OPEN);

        time.advance(10, TimeUnit.SECONDS); // the period that was running keeps its end
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        fail(breaker); // a failed probe trips again, now for 60 s
        time.advance(59, TimeUnit.SECONDS);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        time.advance(1, TimeUnit.SECONDS);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        succeed(breaker); // the new round needs one probe
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void aChangedWindowStartsEmptyWithoutAStateChangeAndCallsInFlightRecordIntoIt() throws Exception {
        CircuitBreaker breaker = builder().build();
        CompletableFuture<Integer> inFlight = new CompletableFuture<>();
        CompletableFuture<Integer> mirrored = breaker.callAsync(() -> inFlight);
        for (int i = 0; i < 5; i++) {
            succeed(breaker);
        }

        breaker.reconfigure(builder().slidingWindowSize(20).minimumCalls(1).failureRateThreshold(100).config());

        assertThat(breaker.stats().windowCalls()).isZero();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(transitions).as("no listener hears of a window change").isEmpty();
        inFlight.completeExceptionally(new IOException("late"));
        assertThat(mirrored).isCompletedExceptionally();
        assertThat(breaker.stats().windowCalls()).as("the call in flight counted in the new window").isEqualTo(1);
        assertThat(breaker.state()).as("and may trip it: 1 of 1 failed").isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(transitions).containsExactly("CLOSED->OPEN");
    }

    @Test
    void aTimeBasedWindowCanReplaceACountBasedOne() throws Exception {
        CircuitBreaker breaker = builder().build();
        succeed(breaker);

        breaker.reconfigure(builder().slidingWindowDuration(Duration.ofSeconds(10)).config());

        assertThat(breaker.stats().windowCalls()).isZero();
        succeed(breaker);
        assertThat(breaker.stats().windowCalls()).isEqualTo(1);
        assertThat(breaker.config().timeBasedWindow()).isTrue();
    }

    @Test
    void consecutiveFailuresCanBeTurnedOnWhileRunning() throws Exception {
        CircuitBreaker breaker = builder().build();
        fail(breaker);

        breaker.reconfigure(builder().consecutiveFailures(2).config());
        fail(breaker);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        fail(breaker);

        assertThat(breaker.state()).as("two in a row since it was turned on").isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.stats().windowCalls()).as("the rate alone would not have tripped").isEqualTo(3);
    }

    @Test
    void theRunningBreakerKeepsItsPredicatesAndTimeSource() throws Exception {
        Predicate<Throwable> onlyIo = failure -> failure instanceof IOException;
        CircuitBreaker breaker = builder().recordFailures(onlyIo).minimumCalls(1).build();

        breaker.reconfigure(CircuitBreaker.builder("payments").minimumCalls(1).config());

        assertThat(breaker.config().recordFailures()).isSameAs(onlyIo);
        assertThat(breaker.config().timeSource()).isSameAs(time);
        assertThatThrownBy(() -> breaker.call(() -> {
            throw new IllegalStateException("not a failure of the dependency");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void aConfigOfAnotherNameIsRefusedAndBadValuesFailInTheBuilder() {
        CircuitBreaker breaker = builder().build();

        assertThatThrownBy(() -> breaker.reconfigure(CircuitBreaker.builder("other").config()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name cannot change on a running circuit breaker: is 'payments', was given 'other'");
        assertThatThrownBy(() -> CircuitBreaker.builder("payments").openDuration(Duration.ofSeconds(10))
                .maxOpenDuration(Duration.ofSeconds(5)).config())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("maxOpenDuration must be at least openDuration");
    }
}
