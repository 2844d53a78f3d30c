package dev.watertight.stress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.watertight.CircuitBreaker;
import dev.watertight.CircuitBreaker.State;
import dev.watertight.CircuitBreakerOpenException;
import dev.watertight.CompartmentListener;
import dev.watertight.testing.ManualTimeSource;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * Many threads against one {@link CircuitBreaker}: the half-open round lets exactly its probes
 * through, a hung round is replaced after its deadline, and calls racing manual transitions
 * produce only legal transitions.
 */
class CircuitBreakerStressTest {
    private final ManualTimeSource time = new ManualTimeSource();

    private static void failOnce(CircuitBreaker breaker) {
        try {
            breaker.call(() -> {
                throw new IOException("down");
            });
        } catch (Exception expected) {
            // tripping it
        }
    }

    @Test
    void sixtyFourCallersAtAHalfOpenBreakerWhoseProbesBlockReachTheDependencyExactlyProbesTimes() throws Exception {
        CircuitBreaker breaker = CircuitBreaker.builder("payment").timeSource(time).slidingWindowSize(1)
                .minimumCalls(1).openDuration(Duration.ofSeconds(5)).halfOpenProbes(3).build();
        failOnce(breaker);
        time.advance(5, TimeUnit.SECONDS);
        AtomicInteger reachedDependency = new AtomicInteger();
        CountDownLatch probesMayReturn = new CountDownLatch(1);
        LongAdder refused = new LongAdder();
        CountDownLatch allTried = new CountDownLatch(64 - 3);

        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            callers.add(Thread.ofPlatform().start(() -> {
                try {
                    breaker.call(() -> {
                        reachedDependency.incrementAndGet();
                        probesMayReturn.await();
                        return "probe";
                    });
                } catch (CircuitBreakerOpenException rejected) {
                    refused.increment();
                    allTried.countDown();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }));
        }
        assertThat(allTried.await(30, TimeUnit.SECONDS)).isTrue();

        assertThat(reachedDependency).hasValue(3);
        assertThat(refused.sum()).isEqualTo(61);
        probesMayReturn.countDown();
        for (Thread caller : callers) {
            caller.join();
        }
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void aHungRoundOfProbesIsReplacedAfterItsDeadlineByExactlyOneFreshRound() throws Exception {
        CircuitBreaker breaker = CircuitBreaker.builder("hung").timeSource(time).slidingWindowSize(1)
                .minimumCalls(1).openDuration(Duration.ofSeconds(5)).halfOpenProbes(2)
                .halfOpenDeadline(Duration.ofSeconds(30)).build();
        failOnce(breaker);
        time.advance(5, TimeUnit.SECONDS);
        CountDownLatch hungMayReturn = new CountDownLatch(1);
        AtomicInteger reached = new AtomicInteger();
        CountDownLatch firstRoundIn = new CountDownLatch(2);
        List<Thread> hung = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            hung.add(Thread.ofPlatform().start(() -> {
                try {
                    breaker.call(() -> {
                        reached.incrementAndGet();
                        firstRoundIn.countDown();
                        hungMayReturn.await();
                        throw new IOException("too late to matter");
                    });
                } catch (Exception expected) {
                    // the round it belonged to is over
                }
            }));
        }
        assertThat(firstRoundIn.await(10, TimeUnit.SECONDS)).isTrue();
        time.advance(30, TimeUnit.SECONDS);

        CountDownLatch secondRoundMayReturn = new CountDownLatch(1);
        AtomicInteger refused = new AtomicInteger();
        Concurrently.run(16, index -> {
            try {
                breaker.call(() -> {
                    reached.incrementAndGet();
                    secondRoundMayReturn.await();
                    return "fresh probe";
                });
            } catch (CircuitBreakerOpenException rejected) {
                if (refused.incrementAndGet() == 14) {
                    secondRoundMayReturn.countDown(); // everyone but the two fresh probes is refused
                }
            }
        });
        hungMayReturn.countDown();
        for (Thread thread : hung) {
            thread.join();
        }

        assertThat(reached).hasValue(4); // two hung probes, then exactly two fresh ones
        assertThat(refused).hasValue(14);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void thirtyTwoThreadsMixingCallsAndManualTransitionsProduceOnlyLegalTransitions() throws Exception {
        Map<String, LongAdder> seen = new ConcurrentHashMap<>();
        CircuitBreaker breaker = CircuitBreaker.builder("chaos").slidingWindowSize(8).minimumCalls(4)
                .openDuration(Duration.ofNanos(50_000)).halfOpenProbes(2)
                .halfOpenDeadline(Duration.ofMillis(1))
                .listener(new CompartmentListener() {
                    @Override
                    public void onStateChange(String compartment, State from, State to) {
                        seen.computeIfAbsent(from + "->" + to, key -> new LongAdder()).increment();
                    }
                }).build();

        Concurrently.run(32, index -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < 5_000; i++) {
                int choice = random.nextInt(1_000); // manual transitions are rare, as in life
                if (choice == 0) {
                    breaker.forceOpen();
                } else if (choice == 1) {
                    breaker.disable();
                } else if (choice < 4) {
                    breaker.reset();
                } else {
                    try {
                        breaker.call(() -> {
                            if (random.nextInt(3) == 0) {
                                throw new IOException("flaky");
                            }
                            return "ok";
                        });
                    } catch (Exception refusedOrFailed) {
                        // both expected
                    }
                }
            }
        });

        Set<String> legal = legalTransitions();
        assertThat(seen.keySet()).isNotEmpty().allSatisfy(pair -> assertThat(legal).contains(pair));
        assertThat(seen).containsKeys("CLOSED->OPEN", "OPEN->HALF_OPEN");
        breaker.reset();
        await().until(() -> breaker.state() == State.CLOSED);
    }

    /** Automatic: closed trips, open times out, a round closes, reopens or is replaced. Manual: anything to closed, forced open or disabled. */
    private static Set<String> legalTransitions() {
        Set<String> legal = new java.util.HashSet<>(List.of(
                "CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED", "HALF_OPEN->OPEN", "HALF_OPEN->HALF_OPEN"));
        for (State from : State.values()) {
            for (State to : EnumSet.of(State.CLOSED, State.FORCED_OPEN, State.DISABLED)) {
                legal.add(from + "->" + to);
            }
        }
        return legal;
    }
}
