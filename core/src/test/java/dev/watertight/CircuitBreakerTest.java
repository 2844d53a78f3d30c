package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.watertight.testing.ManualTimeSource;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
    private final ManualTimeSource time = new ManualTimeSource();
    private final List<String> transitions = new CopyOnWriteArrayList<>();

    private CircuitBreaker.Builder breaker(String name) {
        return CircuitBreaker.builder(name).timeSource(time).listener(new CompartmentListener() {
            @Override
            public void onStateChange(String compartment, CircuitBreaker.State from, CircuitBreaker.State to) {
                transitions.add(from + "->" + to);
            }
        });
    }

    private static void succeed(CircuitBreaker breaker) throws Exception {
        assertThat(breaker.call(() -> "ok")).isEqualTo("ok");
    }

    private static void fail(CircuitBreaker breaker) {
        assertThatThrownBy(() -> breaker.call(() -> {
            throw new IOException("down");
        })).isInstanceOf(IOException.class);
    }

    private static CircuitBreakerOpenException refused(CircuitBreaker breaker) {
        try {
            breaker.call(() -> "should not run");
        } catch (CircuitBreakerOpenException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError("expected a refusal, got " + e, e);
        }
        throw new AssertionError("expected a refusal, the call went through");
    }

    private CircuitBreaker tripped(CircuitBreaker breaker) {
        for (int i = 0; i < breaker.config().minimumCalls(); i++) {
            fail(breaker);
        }
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        return breaker;
    }

    @Test
    void closedBreakerLetsCallsThroughAndCountsThem() throws Exception {
        CircuitBreaker breaker = breaker("payment").slidingWindowSize(10).minimumCalls(5).build();

        succeed(breaker);
        fail(breaker);

        CircuitBreakerStats stats = breaker.stats();
        assertThat(stats.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(stats.windowCalls()).isEqualTo(2);
        assertThat(stats.windowFailures()).isEqualTo(1);
        assertThat(stats.failureRate()).isEqualTo(-1); // fewer than minimumCalls
    }

    @Test
    void aFailureRateEqualToTheThresholdTrips() throws Exception {
        CircuitBreaker breaker = breaker("payment").failureRateThreshold(50).slidingWindowSize(10)
                .minimumCalls(10).build();
        for (int i = 0; i < 5; i++) {
            succeed(breaker);
        }
        for (int i = 0; i < 4; i++) {
            fail(breaker);
        }
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED); // 9 calls: below the minimum

        fail(breaker); // 5 of 10: exactly 50 %

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.stats().failureRate()).isEqualTo(50.0);
        assertThat(transitions).containsExactly("CLOSED->OPEN");
    }

    @Test
    void aHundredPercentThresholdTripsWhenEveryCallFails() {
        CircuitBreaker breaker = breaker("strict").failureRateThreshold(100).slidingWindowSize(4)
                .minimumCalls(4).build();
        for (int i = 0; i < 4; i++) {
            fail(breaker);
        }
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void successesThatBringTheWindowToTheMinimumCanTripItToo() throws Exception {
        CircuitBreaker breaker = breaker("late").slidingWindowSize(10).minimumCalls(4).build();
        fail(breaker);
        fail(breaker);
        fail(breaker);
        succeed(breaker); // 3 of 4 failed: 75 % once the minimum is reached
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void theWindowForgetsOutcomesOlderThanItsSize() throws Exception {
        CircuitBreaker breaker = breaker("sliding").slidingWindowSize(4).minimumCalls(4).build();
        fail(breaker);
        for (int i = 0; i < 4; i++) {
            succeed(breaker);
        }
        assertThat(breaker.stats().windowFailures()).isZero();
        assertThat(breaker.stats().windowCalls()).isEqualTo(4);
    }

    @Test
    void anOpenBreakerRefusesNamingItsStateAndWhenItWillTryAgain() {
        CircuitBreaker breaker = tripped(breaker("payment").slidingWindowSize(2).minimumCalls(2)
                .openDuration(Duration.ofSeconds(30)).build());
        time.advance(5, TimeUnit.SECONDS);

        CircuitBreakerOpenException refusal = refused(breaker);

        assertThat(refusal).isInstanceOf(RejectedExecutionException.class);
        assertThat(refusal.compartment()).isEqualTo("payment");
        assertThat(refusal.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(refusal.retryAfterNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(25));
        assertThat(refusal.getMessage()).isEqualTo("CircuitBreaker 'payment' is OPEN: calls are refused for another 25 s");
        assertThat(refusal.getStackTrace()).isEmpty();
        assertThat(breaker.stats().notPermitted()).isEqualTo(1);
    }

    @Test
    void afterTheOpenPeriodExactlyTheProbesAreLetThroughAndTheirSuccessCloses() throws Exception {
        CircuitBreaker breaker = tripped(breaker("payment").slidingWindowSize(2).minimumCalls(2)
                .openDuration(Duration.ofSeconds(30)).halfOpenProbes(2).build());
        time.advance(30, TimeUnit.SECONDS);
        CountDownLatch probesMayFinish = new CountDownLatch(1);
        CountDownLatch probesRunning = new CountDownLatch(2);
        List<Thread> probes = List.of(
                Thread.ofVirtual().start(() -> probe(breaker, probesRunning, probesMayFinish)),
                Thread.ofVirtual().start(() -> probe(breaker, probesRunning, probesMayFinish)));
        assertThat(probesRunning.await(10, TimeUnit.SECONDS)).isTrue();

        CircuitBreakerOpenException refusal = refused(breaker);
        assertThat(refusal.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(refusal.getMessage()).isEqualTo(
                "CircuitBreaker 'payment' is HALF_OPEN: the 2 probe calls of this round have all been let through"
                        + " and it decides when they have answered; the call was refused");
        probesMayFinish.countDown();
        for (Thread probe : probes) {
            probe.join();
        }

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.stats().windowCalls()).isZero(); // a fresh window
        assertThat(transitions).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
    }

    /** Issue 18: halfOpenProbes bounds a round, not the calls in flight, and the round closes with its last answer. */
    @Test
    void aRoundWhoseProbesHaveAllAnsweredDecidesAtOnceWithoutWaitingForAnyTime() throws Exception {
        CircuitBreaker breaker = tripped(breaker("payment").slidingWindowSize(2).minimumCalls(2)
                .openDuration(Duration.ofSeconds(30)).halfOpenProbes(3).build());
        time.advance(30, TimeUnit.SECONDS);
        succeed(breaker);
        succeed(breaker); // one client: probes one after the other, nothing in flight between them
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        succeed(breaker); // the last probe of the round answers: closed at once, no time has passed
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);

        tripped(breaker);
        time.advance(30, TimeUnit.SECONDS);
        CountDownLatch mayFinish = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        succeed(breaker);
        succeed(breaker);
        Thread last = Thread.ofVirtual().start(() -> probe(breaker, running, mayFinish));
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        // One probe in flight, two answered: the round's places are taken, and the refusal says so truly.
        assertThat(refused(breaker).getMessage()).contains("have all been let through").doesNotContain("in flight");
        mayFinish.countDown();
        last.join();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    private static void probe(CircuitBreaker breaker, CountDownLatch running, CountDownLatch mayFinish) {
        try {
            breaker.call(() -> {
                running.countDown();
                mayFinish.await();
                return "probe";
            });
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aFailedProbeReopensForALongerPeriodUpToTheMaximum() throws Exception {
        CircuitBreaker breaker = tripped(breaker("flaky").slidingWindowSize(2).minimumCalls(2)
                .openDuration(Duration.ofSeconds(10)).openDurationMultiplier(2)
                .maxOpenDuration(Duration.ofSeconds(30)).halfOpenProbes(1).build());
        long[] expectedOpenSeconds = {20, 30, 30};
        time.advance(10, TimeUnit.SECONDS);
        for (long seconds : expectedOpenSeconds) {
            fail(breaker); // the probe fails
            assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
            assertThat(refused(breaker).retryAfterNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(seconds));
            time.advance(seconds, TimeUnit.SECONDS);
        }

        succeed(breaker); // the probe succeeds: closed, and the period starts again from 10 s
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        tripped(breaker);
        assertThat(refused(breaker).retryAfterNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(10));
    }

    @Test
    void aProbeThatNeverReturnsIsReplacedAfterTheDeadlineAndItsLateOutcomeDecidesNothing() throws Exception {
        CircuitBreaker breaker = tripped(breaker("hung").slidingWindowSize(2).minimumCalls(2)
                .openDuration(Duration.ofSeconds(10)).halfOpenProbes(1)
                .halfOpenDeadline(Duration.ofSeconds(20)).build());
        time.advance(10, TimeUnit.SECONDS);
        CountDownLatch hungProbeRunning = new CountDownLatch(1);
        CountDownLatch hungProbeReturns = new CountDownLatch(1);
        Thread hung = Thread.ofVirtual().start(() -> {
            try {
                breaker.call(() -> {
                    hungProbeRunning.countDown();
                    hungProbeReturns.await();
                    throw new IOException("finally failed");
                });
            } catch (Exception expected) {
                // its failure must not reopen the breaker: its round is over
            }
        });
        assertThat(hungProbeRunning.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(refused(breaker).state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);

        time.advance(20, TimeUnit.SECONDS);
        succeed(breaker); // a fresh round's probe gets through and closes the breaker
        hungProbeReturns.countDown();
        hung.join();

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(transitions).containsExactly(
                "CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
    }

    @Test
    void aCallAdmittedWhileClosedThatFailsAfterTheBreakerMovedOnDecidesNothing() throws Exception {
        CircuitBreaker breaker = breaker("slow").slidingWindowSize(2).minimumCalls(2)
                .openDuration(Duration.ofSeconds(10)).halfOpenProbes(1).build();
        CountDownLatch straggling = new CountDownLatch(1);
        CountDownLatch mayFail = new CountDownLatch(1);
        Thread straggler = Thread.ofVirtual().start(() -> {
            try {
                breaker.call(() -> {
                    straggling.countDown();
                    mayFail.await();
                    throw new IOException("late failure");
                });
            } catch (Exception expected) {
                // expected
            }
        });
        assertThat(straggling.await(10, TimeUnit.SECONDS)).isTrue();
        tripped(breaker);
        time.advance(10, TimeUnit.SECONDS);
        CountDownLatch probeRunning = new CountDownLatch(1);
        CountDownLatch probeMayFinish = new CountDownLatch(1);
        Thread probe = Thread.ofVirtual().start(() -> probe(breaker, probeRunning, probeMayFinish));
        assertThat(probeRunning.await(10, TimeUnit.SECONDS)).isTrue();

        mayFail.countDown(); // the old call fails while the breaker is half-open
        straggler.join();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);

        probeMayFinish.countDown();
        probe.join();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void consecutiveFailuresTripAsTheSeedsBreakerDoesAndASuccessBreaksTheRow() throws Exception {
        CircuitBreaker payment = breaker("payment").consecutiveFailures(3)
                .openDuration(Duration.ofSeconds(30)).build();
        fail(payment);
        fail(payment);
        succeed(payment);
        fail(payment);
        fail(payment);
        assertThat(payment.state()).isEqualTo(CircuitBreaker.State.CLOSED);

        fail(payment);

        assertThat(payment.state()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void slowCallsTripTheBreakerWhenTheirRateReachesItsThreshold() throws Exception {
        CircuitBreaker breaker = breaker("sluggish").slidingWindowSize(4).minimumCalls(4)
                .slowCallDuration(Duration.ofMillis(500)).slowCallRateThreshold(50).build();
        java.util.concurrent.Callable<String> slow = () -> {
            time.advance(600, TimeUnit.MILLISECONDS);
            return "slow but fine";
        };
        succeed(breaker);
        succeed(breaker);
        breaker.call(slow);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);

        breaker.call(slow);

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.stats().windowSlowCalls()).isEqualTo(2);
        assertThat(breaker.stats().slowCallRate()).isEqualTo(50.0);
    }

    @Test
    void outcomesAreClassifiedByTheConfiguredPredicates() throws Exception {
        CircuitBreaker breaker = breaker("classified").slidingWindowSize(10).minimumCalls(2)
                .failureRateThreshold(50)
                .recordFailures(failure -> failure instanceof IOException)
                .ignoreFailures(failure -> failure instanceof IllegalArgumentException)
                .failureResult(result -> "ERROR".equals(result))
                .build();

        assertThatThrownBy(() -> breaker.call(() -> {
            throw new IllegalStateException("a bug of ours, not the dependency's");
        })).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> breaker.call(() -> {
            throw new IllegalArgumentException("bad input: ignored");
        })).isInstanceOf(IllegalArgumentException.class);
        assertThat(breaker.stats().windowCalls()).isEqualTo(1);
        assertThat(breaker.stats().windowFailures()).isZero();

        breaker.call(() -> "ERROR");

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void runHasNoResultSoAResultPredicateNeverJudgesIt() {
        CircuitBreaker breaker = breaker("runner").slidingWindowSize(2).minimumCalls(2)
                .failureResult(java.util.Objects::isNull).build();

        for (int i = 0; i < 5; i++) {
            breaker.run(() -> {});
        }

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.stats().windowFailures()).isZero();
    }

    @Test
    void anOpenBreakerNoCallVisitsStillReportsHalfOpenOnceItsPeriodIsOver() {
        CircuitBreaker breaker = tripped(breaker("quiet").slidingWindowSize(2).minimumCalls(2)
                .openDuration(Duration.ofSeconds(30)).build());

        time.advance(30, TimeUnit.SECONDS);

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(breaker.stats().state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    }

    @Test
    void rejectionsOfWatertightsOwnGuardsAndCancellationsAreNeverFailures() {
        CircuitBreaker breaker = breaker("outer").slidingWindowSize(2).minimumCalls(1)
                .failureRateThreshold(1).build();
        Bulkhead full = Bulkhead.of("inner", 1);
        Bulkhead.Permit held = full.tryAcquire().orElseThrow();

        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> breaker.call(() -> full.call(() -> "x")))
                    .isInstanceOf(BulkheadFullException.class);
            assertThatThrownBy(() -> breaker.call(() -> {
                throw new java.util.concurrent.CancellationException();
            })).isInstanceOf(java.util.concurrent.CancellationException.class);
        }

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.stats().windowCalls()).isZero();
        held.close();
    }

    @Test
    void forcedOpenRefusesEverythingDisabledTripsNeverAndResetClosesWithAnEmptyWindow() throws Exception {
        CircuitBreaker breaker = breaker("manual").slidingWindowSize(2).minimumCalls(2).build();

        breaker.forceOpen();
        CircuitBreakerOpenException refusal = refused(breaker);
        assertThat(refusal.getMessage()).isEqualTo("CircuitBreaker 'manual' is FORCED_OPEN: calls are refused until it is reset");
        time.advance(1, TimeUnit.DAYS);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.FORCED_OPEN);

        breaker.disable();
        for (int i = 0; i < 10; i++) {
            fail(breaker);
        }
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.DISABLED);
        assertThat(breaker.stats().windowFailures()).isEqualTo(2);

        breaker.reset();
        succeed(breaker);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.stats().windowCalls()).isEqualTo(1);
        assertThat(transitions).containsExactly("CLOSED->FORCED_OPEN", "FORCED_OPEN->DISABLED", "DISABLED->CLOSED");
    }

    @Test
    void aTimeBasedWindowCountsTheCallsOfItsSpanOnly() throws Exception {
        CircuitBreaker breaker = breaker("timed").slidingWindowDuration(Duration.ofSeconds(10))
                .minimumCalls(4).build();
        fail(breaker);
        fail(breaker);
        fail(breaker);
        time.advance(11, TimeUnit.SECONDS); // those three are now out of the window
        succeed(breaker);
        assertThat(breaker.stats().windowCalls()).isEqualTo(1);
        fail(breaker);
        fail(breaker);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);

        fail(breaker); // 3 of 4 in the last 10 s

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.stats().windowFailures()).isEqualTo(3);
    }

    @Test
    void asyncCallsAreRecordedWhenTheirStageCompletes() {
        CircuitBreaker breaker = breaker("async").slidingWindowSize(2).minimumCalls(2).build();
        CompletableFuture<String> first = new CompletableFuture<>();
        CompletableFuture<String> second = new CompletableFuture<>();

        CompletableFuture<String> a = breaker.callAsync(() -> first);
        CompletableFuture<String> b = breaker.callAsync(() -> second);
        assertThat(breaker.stats().windowCalls()).isZero();
        first.completeExceptionally(new IOException("down"));
        second.completeExceptionally(new IOException("down"));

        assertThat(a).isCompletedExceptionally();
        assertThat(b).isCompletedExceptionally();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.callAsync(() -> CompletableFuture.completedFuture("x")))
                .failsWithin(Duration.ZERO).withThrowableThat().havingCause()
                .isInstanceOf(CircuitBreakerOpenException.class);
    }

    @Test
    void listenersHearRefusalsAndCannotBreakTheBreaker() {
        List<String> heard = new CopyOnWriteArrayList<>();
        CircuitBreaker breaker = CircuitBreaker.builder("noisy").timeSource(time).slidingWindowSize(1)
                .minimumCalls(1).listener(new CompartmentListener() {
                    @Override
                    public void onStateChange(String compartment, CircuitBreaker.State from, CircuitBreaker.State to) {
                        throw new IllegalStateException("listener bug");
                    }

                    @Override
                    public void onRejected(String compartment, CompartmentRejectedException rejection) {
                        heard.add(compartment + " " + ((CircuitBreakerOpenException) rejection).state());
                    }
                }).build();

        fail(breaker);
        refused(breaker);

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(heard).containsExactly("noisy OPEN");
        assertThat(breaker.listenerFailures()).isEqualTo(1);
    }

    @Test
    void invalidSettingsFailWithTheirNameValueAndRange() {
        assertThatThrownBy(() -> CircuitBreaker.builder("b").failureRateThreshold(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("failureRateThreshold must be a percentage more than 0 and at most 100, was 0.0");
        assertThatThrownBy(() -> CircuitBreaker.builder("b").failureRateThreshold(Double.NaN))
                .hasMessageEndingWith("was NaN");
        assertThatThrownBy(() -> CircuitBreaker.builder("b").slidingWindowSize(0))
                .hasMessage("slidingWindowSize must be between 1 and 1000000, was 0");
        assertThatThrownBy(() -> CircuitBreaker.builder("b").slidingWindowDuration(Duration.ofMillis(10)))
                .hasMessage("slidingWindowDuration must be between PT0.1S and PT24H, was PT0.01S");
        assertThatThrownBy(() -> CircuitBreaker.builder("b").minimumCalls(0))
                .hasMessage("minimumCalls must be between 1 and 2147483647, was 0");
        assertThatThrownBy(() -> CircuitBreaker.builder("b").halfOpenProbes(0))
                .hasMessage("halfOpenProbes must be between 1 and 10000, was 0");
        assertThatThrownBy(() -> CircuitBreaker.builder("b").openDuration(Duration.ZERO))
                .hasMessageStartingWith("openDuration must be a positive duration");
        assertThatThrownBy(() -> CircuitBreaker.builder("b").openDurationMultiplier(0.5))
                .hasMessage("openDurationMultiplier must be between 1.0 and 100.0, was 0.5");
        assertThatThrownBy(() -> CircuitBreaker.builder("b").openDuration(Duration.ofSeconds(60))
                        .maxOpenDuration(Duration.ofSeconds(30)).build())
                .hasMessage("maxOpenDuration must be at least openDuration (PT1M), was PT30S");
        assertThatThrownBy(() -> CircuitBreaker.builder("b").consecutiveFailures(-1))
                .hasMessage("consecutiveFailures must be between 0 and 2147483647, was -1");
    }

    @Test
    void defaultsAreThoseUsersOfTheBestKnownBreakersExpect() {
        CircuitBreakerConfig config = CircuitBreaker.builder("b").build().config();
        assertThat(config.failureRateThreshold()).isEqualTo(50);
        assertThat(config.slidingWindowSize()).isEqualTo(100);
        assertThat(config.minimumCalls()).isEqualTo(100);
        assertThat(config.openDuration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.maxOpenDuration()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.halfOpenProbes()).isEqualTo(10);
        assertThat(config.halfOpenDeadline()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.timeBasedWindow()).isFalse();
    }
}
