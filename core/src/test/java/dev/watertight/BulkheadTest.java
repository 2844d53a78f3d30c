package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.watertight.testing.CompartmentCheck;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BulkheadTest {
    @RegisterExtension
    final CompartmentCheck check = new CompartmentCheck();

    /** Holds permits on other threads until released; each holder is parked on a latch. */
    private static final class Holders {
        private final CountDownLatch release = new CountDownLatch(1);
        private final List<Thread> threads = new ArrayList<>();

        void hold(Bulkhead bulkhead, int count) throws InterruptedException {
            CountDownLatch entered = new CountDownLatch(count);
            for (int i = 0; i < count; i++) {
                threads.add(Thread.ofVirtual().start(() -> bulkhead.run(() -> {
                    entered.countDown();
                    awaitQuietly(release);
                })));
            }
            assertThat(entered.await(10, TimeUnit.SECONDS)).as("holders entered").isTrue();
        }

        void releaseAll() throws InterruptedException {
            release.countDown();
            for (Thread thread : threads) {
                thread.join();
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void callReturnsTheTaskResultAndCountsASuccess() throws Exception {
        Bulkhead bulkhead = check.track(Bulkhead.of("orders", 2));

        assertThat(bulkhead.call(() -> "done")).isEqualTo("done");

        BulkheadStats stats = bulkhead.stats();
        assertThat(stats.accepted()).isEqualTo(1);
        assertThat(stats.succeeded()).isEqualTo(1);
        assertThat(stats.failed()).isZero();
        assertThat(stats.inUse()).isZero();
    }

    @Test
    void callRethrowsTheTaskExceptionUnchangedAndCountsAFailure() {
        Bulkhead bulkhead = check.track(Bulkhead.of("orders", 2));
        IOException failure = new IOException("disk gone");

        assertThatThrownBy(() -> bulkhead.call(() -> {
            throw failure;
        })).isSameAs(failure);
        assertThat(bulkhead.stats().failed()).isEqualTo(1);
        assertThat(bulkhead.stats().inUse()).isZero();
    }

    @Test
    void runReleasesThePermitWhenTheTaskThrowsAnError() {
        Bulkhead bulkhead = check.track(Bulkhead.of("orders", 1));
        StackOverflowError error = new StackOverflowError();

        assertThatThrownBy(() -> bulkhead.run(() -> {
            throw error;
        })).isSameAs(error);
        bulkhead.run(() -> {}); // the only permit is free again
        assertThat(bulkhead.stats().failed()).isEqualTo(1);
        assertThat(bulkhead.stats().succeeded()).isEqualTo(1);
    }

    @Test
    void rejectsAtOnceWhenFullAndNoWaitIsAllowed() throws Exception {
        Bulkhead bulkhead = check.track(Bulkhead.of("reporting", 2));
        Holders holders = new Holders();
        holders.hold(bulkhead, 2);

        assertThatThrownBy(() -> bulkhead.run(() -> {}))
                .isInstanceOf(BulkheadFullException.class)
                .isInstanceOf(java.util.concurrent.RejectedExecutionException.class)
                .hasMessage("Bulkhead 'reporting' is full: all 2 permits in use, rejected without waiting"
                        + " (maxWait 0 ms)");
        holders.releaseAll();
        assertThat(bulkhead.stats().rejected()).isEqualTo(1);
    }

    @Test
    void rejectionNamesTheCompartmentLimitAndWaitedTime() throws Exception {
        Bulkhead bulkhead = check.track(Bulkhead.builder("payments").maxConcurrent(1)
                .maxWait(Duration.ofMillis(20)).build());
        Holders holders = new Holders();
        holders.hold(bulkhead, 1);

        BulkheadFullException rejection = catchRejection(() -> bulkhead.run(() -> {}));

        assertThat(rejection.compartment()).isEqualTo("payments");
        assertThat(rejection.limit()).isEqualTo(1);
        assertThat(rejection.waitedNanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
        assertThat(rejection.interrupted()).isFalse();
        assertThat(rejection.getMessage()).matches(
                "Bulkhead 'payments' is full: all 1 permits in use, waited \\d+ ms \\(maxWait 20 ms\\)");
        holders.releaseAll();
    }

    @Test
    void rejectionsCarryNoStackTraceByDefault() throws Exception {
        Bulkhead bulkhead = check.track(Bulkhead.of("cheap", 1));
        Holders holders = new Holders();
        holders.hold(bulkhead, 1);

        BulkheadFullException rejection = catchRejection(() -> bulkhead.run(() -> {}));

        assertThat(rejection.getStackTrace()).isEmpty();
        assertThat(rejection.stackTraceCaptured()).isFalse();
        holders.releaseAll();
    }

    @Test
    void rejectionsCarryTheCallersStackTraceWhenConfigured() throws Exception {
        Bulkhead bulkhead = check.track(Bulkhead.builder("traced").maxConcurrent(1)
                .writableStackTrace(true).build());
        Holders holders = new Holders();
        holders.hold(bulkhead, 1);

        BulkheadFullException rejection = catchRejection(() -> bulkhead.run(() -> {}));

        holders.releaseAll();
        assertThat(rejection.getStackTrace())
                .anyMatch(frame -> frame.getClassName().equals(BulkheadTest.class.getName()));
    }

    @Test
    void waitingCallerIsAdmittedWhenAPermitIsFreed() throws Exception {
        Bulkhead bulkhead = check.track(Bulkhead.builder("orders").maxConcurrent(1)
                .maxWait(Duration.ofSeconds(30)).build());
        Holders holders = new Holders();
        holders.hold(bulkhead, 1);
        CompletableFuture<String> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return bulkhead.call(() -> "admitted");
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        await().until(() -> bulkhead.stats().waiting() == 1);

        holders.releaseAll();

        assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo("admitted");
    }

    @Test
    void interruptedWaiterTakesNoPermitAndKeepsItsInterruptStatus() throws Exception {
        Bulkhead bulkhead = check.track(Bulkhead.builder("orders").maxConcurrent(1)
                .maxWait(Duration.ofDays(1)).build());
        Holders holders = new Holders();
        holders.hold(bulkhead, 1);
        AtomicReference<BulkheadFullException> rejection = new AtomicReference<>();
        AtomicReference<Boolean> interruptStatus = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                bulkhead.run(() -> {});
            } catch (BulkheadFullException e) {
                rejection.set(e);
                interruptStatus.set(Thread.currentThread().isInterrupted());
            }
        });
        await().until(() -> bulkhead.stats().waiting() == 1);

        waiter.interrupt();
        waiter.join();

        assertThat(rejection.get().interrupted()).isTrue();
        assertThat(rejection.get().getMessage()).contains("interrupted");
        assertThat(interruptStatus.get()).isTrue();
        assertThat(bulkhead.stats().inUse()).isEqualTo(1); // only the holder
        holders.releaseAll();
        bulkhead.run(() -> {}); // and the holder's permit came back whole
    }

    @Test
    void acquireThrowsInterruptedExceptionWhenInterruptedWhileWaiting() throws Exception {
        Bulkhead bulkhead = check.track(Bulkhead.builder("orders").maxConcurrent(1)
                .maxWait(Duration.ofDays(1)).build());
        Holders holders = new Holders();
        holders.hold(bulkhead, 1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                bulkhead.acquire().close();
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        await().until(() -> bulkhead.stats().waiting() == 1);

        waiter.interrupt();
        waiter.join();

        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(bulkhead.stats().inUse()).isEqualTo(1);
        holders.releaseAll();
    }

    @Test
    void permitIsReleasedExactlyOnceHoweverOftenItIsClosed() throws Exception {
        Bulkhead bulkhead = check.track(Bulkhead.of("orders", 2));

        Bulkhead.Permit permit = bulkhead.acquire();
        assertThat(permit.isHeld()).isTrue();
        assertThat(bulkhead.stats().inUse()).isEqualTo(1);
        permit.close();
        permit.close();
        Thread other = Thread.ofPlatform().start(permit::close);
        other.join();

        assertThat(permit.isHeld()).isFalse();
        BulkheadStats stats = bulkhead.stats();
        assertThat(stats.inUse()).isZero();
        assertThat(stats.accepted()).isEqualTo(1);
        assertThat(stats.succeeded()).isEqualTo(1);
    }

    @Test
    void permitMarkedFailedCountsAsAFailure() throws Exception {
        Bulkhead bulkhead = check.track(Bulkhead.of("orders", 1));

        try (Bulkhead.Permit permit = bulkhead.acquire()) {
            permit.markFailed();
        }

        assertThat(bulkhead.stats().failed()).isEqualTo(1);
        assertThat(bulkhead.stats().succeeded()).isZero();
    }

    @Test
    void acquireOnAFullBulkheadThrowsTheRejection() throws Exception {
        Bulkhead bulkhead = check.track(Bulkhead.of("orders", 1));
        try (Bulkhead.Permit held = bulkhead.acquire()) {
            assertThatThrownBy(bulkhead::acquire).isInstanceOf(BulkheadFullException.class);
            assertThat(held.isHeld()).isTrue();
        }
    }

    @Test
    void asyncCallHoldsThePermitUntilTheStageCompletes() throws Exception {
        Bulkhead bulkhead = check.track(Bulkhead.of("async", 1));
        CompletableFuture<String> work = new CompletableFuture<>();

        CompletableFuture<String> result = bulkhead.callAsync(() -> work);

        assertThat(bulkhead.stats().inUse()).isEqualTo(1);
        assertThat(bulkhead.callAsync(() -> CompletableFuture.completedFuture("x")))
                .failsWithin(Duration.ZERO).withThrowableThat().havingCause()
                .isInstanceOf(BulkheadFullException.class);
        work.complete("finished");
        assertThat(result.get()).isEqualTo("finished");
        assertThat(bulkhead.stats().inUse()).isZero();
        assertThat(bulkhead.stats().succeeded()).isEqualTo(1);
    }

    @Test
    void asyncCallReleasesOnceWhenTheStageFails() {
        Bulkhead bulkhead = check.track(Bulkhead.of("async", 1));
        CompletableFuture<String> work = new CompletableFuture<>();
        CompletableFuture<String> result = bulkhead.callAsync(() -> work);

        work.completeExceptionally(new IOException("down"));

        assertThat(result).isCompletedExceptionally();
        assertThat(bulkhead.stats().failed()).isEqualTo(1);
        assertThat(bulkhead.stats().inUse()).isZero();
    }

    @Test
    void asyncCallReleasesOnceWhenTheSuppliedStageIsCancelled() {
        Bulkhead bulkhead = check.track(Bulkhead.of("async", 1));
        CompletableFuture<String> work = new CompletableFuture<>();
        CompletableFuture<String> result = bulkhead.callAsync(() -> work);

        work.cancel(true);

        assertThat(result).isCompletedExceptionally();
        assertThat(bulkhead.stats().failed()).isEqualTo(1);
        assertThat(bulkhead.stats().inUse()).isZero();
    }

    @Test
    void cancellingTheReturnedFutureCancelsTheWorkAndReleasesOnce() {
        Bulkhead bulkhead = check.track(Bulkhead.of("async", 1));
        CompletableFuture<String> work = new CompletableFuture<>();
        CompletableFuture<String> result = bulkhead.callAsync(() -> work);

        assertThat(result.cancel(true)).isTrue();
        assertThat(result.cancel(true)).isTrue();

        assertThat(work).isCancelled();
        assertThat(bulkhead.stats().inUse()).isZero();
        assertThat(bulkhead.stats().accepted()).isEqualTo(1);
        assertThat(bulkhead.stats().failed()).isEqualTo(1);
        assertThatThrownBy(result::join).isInstanceOf(CancellationException.class);
    }

    @Test
    void asyncCallWhoseSupplierThrowsFailsAndReleases() {
        Bulkhead bulkhead = check.track(Bulkhead.of("async", 1));
        IllegalStateException failure = new IllegalStateException("no connection");

        CompletableFuture<Object> result = bulkhead.callAsync(() -> {
            throw failure;
        });

        assertThat(result).failsWithin(Duration.ZERO).withThrowableThat().havingCause().isSameAs(failure);
        assertThat(bulkhead.stats().inUse()).isZero();
        assertThat(bulkhead.stats().failed()).isEqualTo(1);
    }

    @Test
    void asyncCallWhoseSupplierReturnsNullFailsWithAClearMessage() {
        Bulkhead bulkhead = check.track(Bulkhead.of("async", 1));

        CompletableFuture<Object> result = bulkhead.callAsync(() -> null);

        assertThat(result).failsWithin(Duration.ZERO).withThrowableThat().havingCause()
                .isInstanceOf(NullPointerException.class)
                .withMessageContaining("returned null instead of a CompletionStage");
        assertThat(bulkhead.stats().inUse()).isZero();
    }

    @Test
    void resizeUpAdmitsWaitingCallersAtOnce() throws Exception {
        Bulkhead bulkhead = check.track(Bulkhead.builder("elastic").maxConcurrent(1)
                .maxWait(Duration.ofSeconds(30)).build());
        Holders holders = new Holders();
        holders.hold(bulkhead, 1);
        CountDownLatch admitted = new CountDownLatch(2);
        CountDownLatch finish = new CountDownLatch(1);
        List<Thread> waiters = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            waiters.add(Thread.ofVirtual().start(() -> bulkhead.run(() -> {
                admitted.countDown();
                awaitQuietly(finish);
            })));
        }
        await().until(() -> bulkhead.stats().waiting() == 2);

        bulkhead.resize(3);

        assertThat(admitted.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(bulkhead.stats().inUse()).isEqualTo(3);
        assertThat(bulkhead.maxConcurrent()).isEqualTo(3);
        finish.countDown();
        for (Thread waiter : waiters) {
            waiter.join();
        }
        holders.releaseAll();
    }

    @Test
    void resizeDownKeepsInFlightPermitsAndAdmitsOnlyBelowTheNewLimit() throws Exception {
        Bulkhead bulkhead = check.track(Bulkhead.of("shrinking", 3));
        Bulkhead.Permit first = bulkhead.acquire();
        Bulkhead.Permit second = bulkhead.acquire();
        Bulkhead.Permit third = bulkhead.acquire();

        bulkhead.resize(1);

        assertThat(bulkhead.stats().inUse()).isEqualTo(3);
        assertThat(bulkhead.stats().maxConcurrent()).isEqualTo(1);
        first.close();
        second.close();
        assertThatThrownBy(bulkhead::acquire).isInstanceOf(BulkheadFullException.class);
        third.close();
        bulkhead.acquire().close();
        assertThat(bulkhead.stats().accepted()).isEqualTo(4);
    }

    @Test
    void resizeRejectsALimitBelowOne() {
        Bulkhead bulkhead = check.track(Bulkhead.of("orders", 3));
        assertThatThrownBy(() -> bulkhead.resize(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxConcurrent must be between 1 and 2147483647, was 0");
    }

    @Test
    void fairBulkheadServesWaitersInArrivalOrder() throws Exception {
        Bulkhead bulkhead = check.track(Bulkhead.builder("fair").maxConcurrent(1).fair(true)
                .maxWait(Duration.ofSeconds(30)).build());
        Holders holders = new Holders();
        holders.hold(bulkhead, 1);
        List<Integer> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> waiters = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int id = i;
            waiters.add(Thread.ofPlatform().start(() -> bulkhead.run(() -> order.add(id))));
            await().until(() -> bulkhead.stats().waiting() == id + 1);
        }

        holders.releaseAll();
        for (Thread waiter : waiters) {
            waiter.join();
        }

        assertThat(order).containsExactly(0, 1, 2, 3, 4);
        assertThat(bulkhead.stats().rejected()).isZero();
    }

    @Test
    void newcomerToAFairBulkheadNeverTakesThePermitFreedForAWaiter() throws Exception {
        Bulkhead bulkhead = check.track(Bulkhead.builder("fair").maxConcurrent(1).fair(true)
                .maxWait(Duration.ofSeconds(30)).build());
        Bulkhead.Permit held = bulkhead.acquire();
        CountDownLatch waiterDone = new CountDownLatch(1);
        CountDownLatch newcomerTried = new CountDownLatch(1);
        Thread waiter = Thread.ofPlatform().start(() -> bulkhead.run(() -> {
            awaitQuietly(newcomerTried);
            waiterDone.countDown();
        }));
        await().until(() -> bulkhead.stats().waiting() == 1);

        held.close();
        // Whether or not the waiter has woken yet, the permit is its own.
        Optional<Bulkhead.Permit> newcomer = bulkhead.tryAcquire();
        newcomerTried.countDown();

        assertThat(newcomer).isEmpty();
        waiter.join();
        assertThat(waiterDone.getCount()).isZero();
    }

    @Test
    void tryAcquireTakesAFreePermitAndRefusesQuietlyWhenFull() {
        Bulkhead bulkhead = check.track(Bulkhead.of("probe", 1));

        Optional<Bulkhead.Permit> first = bulkhead.tryAcquire();
        Optional<Bulkhead.Permit> second = bulkhead.tryAcquire();

        assertThat(first).isPresent();
        assertThat(second).isEmpty();
        assertThat(bulkhead.stats().rejected()).isZero();
        first.get().close();
    }

    @Test
    void listenersHearRejectionsAndCannotBreakTheBulkhead() throws Exception {
        List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        Bulkhead bulkhead = check.track(Bulkhead.builder("noisy").maxConcurrent(1)
                .listener(new CompartmentListener() {
                    @Override
                    public void onRejected(String compartment, CompartmentRejectedException rejection) {
                        throw new IllegalStateException("listener bug");
                    }
                })
                .listener(new CompartmentListener() {
                    @Override
                    public void onRejected(String compartment, CompartmentRejectedException rejection) {
                        heard.add(compartment + ": " + rejection.getClass().getSimpleName());
                    }
                })
                .build());
        Holders holders = new Holders();
        holders.hold(bulkhead, 1);

        assertThatThrownBy(() -> bulkhead.run(() -> {})).isInstanceOf(BulkheadFullException.class);

        assertThat(heard).containsExactly("noisy: BulkheadFullException");
        assertThat(bulkhead.listenerFailures()).isEqualTo(1);
        assertThat(bulkhead.stats().rejected()).isEqualTo(1);
        holders.releaseAll();
    }

    @Test
    void statsReportTheNameLimitAndUtilization() throws Exception {
        Bulkhead bulkhead = check.track(Bulkhead.of("orders", 4));
        try (Bulkhead.Permit permit = bulkhead.acquire()) {
            BulkheadStats stats = bulkhead.stats();
            assertThat(stats.name()).isEqualTo("orders");
            assertThat(stats.maxConcurrent()).isEqualTo(4);
            assertThat(stats.inUse()).isEqualTo(1);
            assertThat(stats.utilization()).isEqualTo(0.25);
        }
        assertThat(bulkhead.toString()).contains("orders");
    }

    @Test
    void nullTasksAreRefusedWithAClearMessage() {
        Bulkhead bulkhead = check.track(Bulkhead.of("orders", 1));
        assertThatThrownBy(() -> bulkhead.call(null)).isInstanceOf(NullPointerException.class).hasMessage("task");
        assertThatThrownBy(() -> bulkhead.run(null)).isInstanceOf(NullPointerException.class).hasMessage("task");
        assertThatThrownBy(() -> bulkhead.callAsync(null)).isInstanceOf(NullPointerException.class);
        assertThat(bulkhead.stats().accepted()).isZero();
    }

    private static BulkheadFullException catchRejection(Runnable call) {
        try {
            call.run();
        } catch (BulkheadFullException e) {
            return e;
        }
        throw new AssertionError("expected a BulkheadFullException");
    }
}
