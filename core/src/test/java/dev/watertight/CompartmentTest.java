package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.watertight.testing.ManualTimeSource;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CompartmentTest {
    private final ManualTimeSource time = new ManualTimeSource();

    @Test
    void toStringShowsTheOrderOutermostFirstWhateverOrderTheGuardsWereGivenIn() {
        Compartment payment = Compartment.builder("payment")
                .timeout(Timeout.of("payment", Duration.ofSeconds(2)))
                .bulkhead(Bulkhead.of("payment", 10))
                .rateLimiter(RateLimiter.of("payment", 100, Duration.ofSeconds(1)))
                .circuitBreaker(CircuitBreaker.builder("payment").build())
                .retry(Retry.of("payment", 3))
                .build();

        assertThat(payment).hasToString("Compartment[payment: retry 'payment' -> circuit breaker 'payment'"
                + " -> rate limiter 'payment' -> bulkhead 'payment' (10) -> timeout 2000 ms -> call]");
    }

    @Test
    void exposesItsGuardsAndClosingItClosesItsThreadPool() {
        Bulkhead bulkhead = Bulkhead.of("withBulkhead", 2);
        Compartment withBulkhead = Compartment.builder("withBulkhead").bulkhead(bulkhead).build();
        ThreadPoolBulkhead pool = ThreadPoolBulkhead.of("withPool", 1, 1);
        Compartment withPool = Compartment.builder("withPool").threadPool(pool).build();

        assertThat(withBulkhead.bulkhead()).containsSame(bulkhead);
        assertThat(withBulkhead.threadPool()).isEmpty();
        assertThat(withBulkhead.circuitBreaker()).isEmpty();
        assertThat(withPool.threadPool()).containsSame(pool);

        withBulkhead.close(); // nothing to close: the bulkhead keeps working
        withPool.close();
        withPool.close();

        assertThat(bulkhead.tryAcquire()).isPresent();
        assertThat(pool.isClosed()).isTrue();
    }

    @Test
    void theRetryTriesAgainAfterAFailureButNeverAfterARefusalOfAnInnerGuard() throws Exception {
        Bulkhead bulkhead = Bulkhead.of("inner", 1);
        Compartment compartment = Compartment.builder("retried")
                .retry(Retry.builder("retried").maxAttempts(3).backoff(Backoff.none()).build())
                .bulkhead(bulkhead)
                .build();
        java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();

        assertThat(compartment.call(() -> {
            if (attempts.incrementAndGet() < 3) {
                throw new IOException("flaky");
            }
            return "third time lucky";
        })).isEqualTo("third time lucky");

        Bulkhead.Permit held = bulkhead.tryAcquire().orElseThrow();
        assertThatThrownBy(() -> compartment.call(() -> "no room")).isInstanceOf(BulkheadFullException.class);
        assertThat(bulkhead.stats().rejected()).isEqualTo(1); // refused once, not retried
        held.close();
    }

    @Test
    void aRateLimitedCallIsRefusedBeforeItTakesAPermit() throws Exception {
        Bulkhead bulkhead = Bulkhead.of("limited", 5);
        Compartment compartment = Compartment.builder("limited")
                .rateLimiter(RateLimiter.builder("limited").permitsPerPeriod(1).period(Duration.ofHours(1))
                        .timeSource(time).build())
                .bulkhead(bulkhead)
                .build();

        compartment.call(() -> "first");
        assertThatThrownBy(() -> compartment.call(() -> "second")).isInstanceOf(RateLimitExceededException.class);

        assertThat(bulkhead.stats().accepted()).isEqualTo(1);
        assertThat(compartment.stats().rateLimiter()).isNotNull();
    }

    @Test
    void aCallGoesThroughEveryGuardAndEachCountsIt() throws Exception {
        Compartment payment = Compartment.builder("payment")
                .circuitBreaker(CircuitBreaker.builder("payment").build())
                .bulkhead(Bulkhead.of("payment", 2))
                .timeout(Timeout.builder("payment").timeout(Duration.ofSeconds(1)).timeSource(time).build())
                .build();

        assertThat(payment.call(() -> "charged")).isEqualTo("charged");

        CompartmentStats stats = payment.stats();
        assertThat(stats.circuitBreaker().windowCalls()).isEqualTo(1);
        assertThat(stats.bulkhead().succeeded()).isEqualTo(1);
        assertThat(stats.timeout().calls()).isEqualTo(1);
        assertThat(stats.threadPool()).isNull();
    }

    @Test
    void aFullBulkheadIsNeverAFailureOfTheDependencyButATimeoutIs() throws Exception {
        CircuitBreaker breaker = CircuitBreaker.builder("dependency").slidingWindowSize(2).minimumCalls(2)
                .timeSource(time).build();
        Bulkhead bulkhead = Bulkhead.of("dependency", 1);
        Compartment compartment = Compartment.builder("dependency").circuitBreaker(breaker).bulkhead(bulkhead)
                .timeout(Timeout.builder("dependency").timeout(Duration.ofSeconds(1)).timeSource(time).build())
                .build();
        Bulkhead.Permit held = bulkhead.tryAcquire().orElseThrow();
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> compartment.call(() -> "x")).isInstanceOf(BulkheadFullException.class);
        }
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        held.close();

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> compartment.call(() -> {
                time.advance(1, TimeUnit.SECONDS); // takes too long
                return "late";
            })).isInstanceOf(TaskTimeoutException.class);
        }

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(bulkhead.stats().inUse()).isZero();
    }

    @Test
    void aTimedOutBodyKeepsItsPermitUntilItReallyReturns() throws Exception {
        Bulkhead bulkhead = Bulkhead.of("held", 1);
        Compartment compartment = Compartment.builder("held").bulkhead(bulkhead)
                .timeout(Timeout.builder("held").timeout(Duration.ofSeconds(1)).timeSource(time).build())
                .build();
        CountDownLatch timedOut = new CountDownLatch(1);
        CountDownLatch mayReturn = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
        Thread caller = Thread.ofPlatform().start(() -> {
            try {
                compartment.call(() -> {
                    time.advance(1, TimeUnit.SECONDS); // the timeout fires...
                    timedOut.countDown();
                    while (mayReturn.getCount() > 0) { // ...and the body ignores its interrupt
                        try {
                            mayReturn.await();
                        } catch (InterruptedException ignored) {
                            // keeps running
                        }
                    }
                    return "late";
                });
            } catch (Exception e) {
                thrown.set(e);
            }
        });
        assertThat(timedOut.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(bulkhead.stats().inUse()).as("permit held while the timed-out body runs").isEqualTo(1);
        assertThatThrownBy(() -> compartment.call(() -> "no room")).isInstanceOf(BulkheadFullException.class);

        mayReturn.countDown();
        caller.join();
        assertThat(thrown.get()).isInstanceOf(TaskTimeoutException.class);
        assertThat(bulkhead.stats().inUse()).isZero();
    }

    @Test
    void withAThreadPoolTheCallRunsOnThePoolAndItsFailuresReachTheCallerUnwrapped() throws Exception {
        try (ThreadPoolBulkhead pool = ThreadPoolBulkhead.of("reports", 1, 1)) {
            Compartment reports = Compartment.builder("reports").threadPool(pool).build();

            assertThat(reports.call(() -> Thread.currentThread().getName())).isEqualTo("watertight-reports-1");
            IOException failure = new IOException("disk");
            assertThatThrownBy(() -> reports.call(() -> {
                throw failure;
            })).isSameAs(failure);
        }
    }

    @Test
    void asyncCallsGoThroughTheSameGuardsAndTheTimeoutKeepsThePermitUntilTheWorkStops() {
        Bulkhead bulkhead = Bulkhead.of("async", 1);
        Compartment compartment = Compartment.builder("async").bulkhead(bulkhead)
                .timeout(Timeout.builder("async").timeout(Duration.ofSeconds(1)).timeSource(time).build())
                .build();
        CompletableFuture<String> work = new CompletableFuture<>();

        CompletableFuture<String> result = compartment.callAsync(() -> work);
        assertThat(bulkhead.stats().inUse()).isEqualTo(1);
        time.advance(1, TimeUnit.SECONDS);

        assertThat(result).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                .havingCause().isInstanceOf(TaskTimeoutException.class);
        org.awaitility.Awaitility.await().until(() -> bulkhead.stats().inUse() == 0);
        assertThat(work).isCancelled();
    }

    @Test
    void cancellingAnAsyncCallCancelsTheWorkAndGivesThePermitBack() {
        Bulkhead bulkhead = Bulkhead.of("cancel", 1);
        Compartment compartment = Compartment.builder("cancel")
                .circuitBreaker(CircuitBreaker.builder("cancel").timeSource(time).build())
                .bulkhead(bulkhead)
                .timeout(Timeout.builder("cancel").timeout(Duration.ofSeconds(1)).timeSource(time).build())
                .build();
        CompletableFuture<String> work = new CompletableFuture<>(); // never completes on its own

        CompletableFuture<String> result = compartment.callAsync(() -> work);
        assertThat(result.cancel(true)).isTrue();

        assertThat(work).isCancelled();
        assertThat(bulkhead.stats().inUse()).isZero();
        assertThat(time.pending()).isZero(); // the timeout's timer is gone too
    }

    @Test
    void anAsyncCallToAFullThreadPoolFailsItsFutureInsteadOfThrowing() throws Exception {
        try (ThreadPoolBulkhead pool = ThreadPoolBulkhead.of("busy", 1, 0)) {
            Compartment compartment = Compartment.builder("busy").threadPool(pool).build();
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<String> first = compartment.callAsync(() -> CompletableFuture.supplyAsync(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "first";
            }));
            org.awaitility.Awaitility.await().until(() -> pool.stats().activeThreads() == 1);

            CompletableFuture<String> second = compartment.callAsync(() -> CompletableFuture.completedFuture("x"));

            assertThat(second).failsWithin(Duration.ZERO).withThrowableThat().havingCause()
                    .isInstanceOf(BulkheadFullException.class);
            release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
        }
    }

    @Test
    void aCallerInterruptedWhileWaitingForThePoolCancelsItsTask() throws Exception {
        try (ThreadPoolBulkhead pool = ThreadPoolBulkhead.of("waited", 1, 0)) {
            Compartment compartment = Compartment.builder("waited").threadPool(pool).build();
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch interruptedInside = new CountDownLatch(1);
            Thread caller = Thread.ofPlatform().start(() -> {
                try {
                    compartment.call(() -> {
                        running.countDown();
                        try {
                            new CountDownLatch(1).await();
                        } catch (InterruptedException e) {
                            interruptedInside.countDown();
                        }
                        return "stopped";
                    });
                } catch (Exception expected) {
                    // InterruptedException
                }
            });
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

            caller.interrupt();

            assertThat(interruptedInside.await(10, TimeUnit.SECONDS)).isTrue();
            caller.join();
            org.awaitility.Awaitility.await().until(() -> pool.stats().activeThreads() == 0);
            assertThat(pool.stats().cancelled()).isEqualTo(1);
        }
    }

    @Test
    void eachGuardMayBeGivenOnceAndABulkheadExcludesAThreadPool() {
        assertThatThrownBy(() -> Compartment.builder("c").bulkhead(Bulkhead.of("a", 1)).bulkhead(Bulkhead.of("b", 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bulkhead may be set once, was already Bulkhead[a");
        try (ThreadPoolBulkhead pool = ThreadPoolBulkhead.of("p", 1, 0)) {
            assertThatThrownBy(() -> Compartment.builder("c").bulkhead(Bulkhead.of("a", 1)).threadPool(pool))
                    .hasMessageStartingWith("threadPool cannot be combined with bulkhead");
        }
        assertThatThrownBy(() -> Compartment.builder("c").timeout(null))
                .hasMessage("timeout must not be null");
    }

    /**
     * The seed's ExternalServiceBulkheads: a breaker per dependency (payment 3 failures / 30 s,
     * email 5 / 60 s, analytics 2 / 120 s). Payments over 10,000 fail; the payment breaker opens
     * after three of them and refuses at once, while email and analytics carry on.
     */
    @Test
    void theSeedsExternalServicesIsolateAFailingPaymentProvider() throws Exception {
        Compartment payment = seedService("payment", 3, 30);
        Compartment email = seedService("email", 5, 60);
        Compartment analytics = seedService("analytics", 2, 120);
        java.util.concurrent.atomic.AtomicInteger providerCalls = new java.util.concurrent.atomic.AtomicInteger();

        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> payment.call(() -> {
                providerCalls.incrementAndGet();
                return chargePayment(20_000);
            })).isInstanceOf(IOException.class).hasMessage("Payment service unavailable");
        }

        assertThatThrownBy(() -> payment.call(() -> {
            providerCalls.incrementAndGet();
            return chargePayment(100);
        })).isInstanceOf(CircuitBreakerOpenException.class)
                .hasMessage("CircuitBreaker 'payment' is OPEN: calls are refused for another 30 s");
        assertThat(providerCalls).hasValue(3);
        assertThat(email.call(() -> "msg_456")).isEqualTo("msg_456");
        assertThat(analytics.call(() -> "evt_789")).isEqualTo("evt_789");

        time.advance(30, TimeUnit.SECONDS);
        assertThat(payment.call(() -> chargePayment(100))).isEqualTo("txn_123"); // the probe
        assertThat(payment.stats().circuitBreaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    private static String chargePayment(int amount) throws IOException {
        if (amount > 10_000) {
            throw new IOException("Payment service unavailable");
        }
        return "txn_123";
    }

    private Compartment seedService(String name, int failures, int openSeconds) {
        return Compartment.builder(name)
                .circuitBreaker(CircuitBreaker.builder(name).consecutiveFailures(failures)
                        .openDuration(Duration.ofSeconds(openSeconds)).halfOpenProbes(1).timeSource(time).build())
                .bulkhead(Bulkhead.of(name, 10))
                .build();
    }
}
