package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.watertight.testing.ManualTimeSource;
import dev.watertight.testing.RateLimiterCheck;
import dev.watertight.testing.SlidingWindows;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RateLimiterTest {
    @RegisterExtension
    final RateLimiterCheck check = new RateLimiterCheck();

    private final ManualTimeSource clock = new ManualTimeSource();

    private RateLimiter limiter(String name, int permitsPerPeriod, Duration period, int burst) {
        return check.track(RateLimiter.builder(name).permitsPerPeriod(permitsPerPeriod).period(period)
                .burst(burst).timeSource(clock).build());
    }

    private RateLimiter waitingLimiter(
            String name, int permitsPerPeriod, Duration period, int burst, Duration maxWait) {
        return check.track(RateLimiter.builder(name).permitsPerPeriod(permitsPerPeriod).period(period)
                .burst(burst).maxWait(maxWait).timeSource(clock).build());
    }

    private void advanceMillis(long millis) {
        clock.advance(millis, TimeUnit.MILLISECONDS);
    }

    /** Starts a platform thread that calls {@code acquire()}; the future completes with its outcome. */
    private static CompletableFuture<Void> acquireOnAnotherThread(RateLimiter limiter, List<Thread> started) {
        CompletableFuture<Void> outcome = new CompletableFuture<>();
        started.add(Thread.ofPlatform().start(() -> {
            try {
                limiter.acquire();
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.completeExceptionally(e);
            }
        }));
        return outcome;
    }

    private static RateLimitExceededException rejectionOf(CompletableFuture<Void> outcome) {
        assertThat(outcome).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                .havingCause().isInstanceOf(RateLimitExceededException.class);
        return (RateLimitExceededException) outcome.exceptionNow();
    }

    // ---- granting ------------------------------------------------------------------------

    @Test
    void startsFullAndGrantsTheWholeBurstAtOnce() {
        RateLimiter limiter = limiter("search", 10, Duration.ofSeconds(1), 3);

        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(limiter.tryAcquire()).isFalse();
    }

    @Test
    void refusalByTryAcquireIsAnAnswerNotARejection() {
        RateLimiter limiter = limiter("search", 1, Duration.ofSeconds(1), 1);
        limiter.tryAcquire();

        assertThat(limiter.tryAcquire()).isFalse();
        assertThat(limiter.stats().rejected()).isZero();
        assertThat(limiter.stats().granted()).isEqualTo(1);
    }

    @Test
    void earnsOnePermitPerInterval() {
        RateLimiter limiter = limiter("search", 10, Duration.ofSeconds(1), 1);
        assertThat(limiter.tryAcquire()).isTrue();

        clock.advance(100_000_000 - 1, TimeUnit.NANOSECONDS);
        assertThat(limiter.tryAcquire()).as("one nanosecond before the interval").isFalse();
        clock.advance(1, TimeUnit.NANOSECONDS);
        assertThat(limiter.tryAcquire()).as("at the interval").isTrue();
        assertThat(limiter.tryAcquire()).isFalse();
    }

    @Test
    void neverSavesUpMoreThanTheBurstHoweverLongItIdles() {
        RateLimiter limiter = limiter("search", 10, Duration.ofSeconds(1), 4);

        clock.advance(1000, TimeUnit.DAYS);

        assertThat(limiter.stats().availablePermits()).isEqualTo(4);
        assertThat(limiter.tryAcquire(4)).isTrue();
        assertThat(limiter.tryAcquire()).isFalse();
    }

    @Test
    void severalPermitsAreGrantedAllOrNothing() {
        RateLimiter limiter = limiter("batch", 10, Duration.ofSeconds(1), 5);

        assertThat(limiter.tryAcquire(3)).isTrue();
        assertThat(limiter.tryAcquire(3)).as("only 2 left").isFalse();
        assertThat(limiter.stats().availablePermits()).as("the refusal took nothing").isEqualTo(2);
        assertThat(limiter.tryAcquire(2)).isTrue();
        assertThat(limiter.stats().granted()).isEqualTo(5);
    }

    @Test
    void askingForMoreThanTheBurstIsRefusedByTryAcquireAndRejectedAtOnceByAcquire() {
        RateLimiter limiter = waitingLimiter("batch", 2, Duration.ofSeconds(1), 2, Duration.ofDays(1));

        assertThat(limiter.tryAcquire(3)).isFalse();
        assertThatThrownBy(() -> limiter.acquire(3))
                .isInstanceOfSatisfying(RateLimitExceededException.class, rejection -> {
                    assertThat(rejection.burstExceeded()).isTrue();
                    assertThat(rejection.permits()).isEqualTo(3);
                    assertThat(rejection.retryAfterNanos()).isEqualTo(Long.MAX_VALUE);
                    assertThat(rejection.waitedNanos()).isZero();
                })
                .hasMessage("RateLimiter 'batch' refused 3 permits at once: more than its burst of 2, which no"
                        + " wait can grant (rate 2 per 1 s)");
        assertThat(limiter.stats().availablePermits()).isEqualTo(2);
    }

    @Test
    void permitsBelowOneAreIllegal() {
        RateLimiter limiter = limiter("search", 10, Duration.ofSeconds(1), 5);

        assertThatThrownBy(() -> limiter.tryAcquire(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("permits must be between 1 and 2147483647, was 0");
        assertThatThrownBy(() -> limiter.acquire(-1))
                .hasMessage("permits must be between 1 and 2147483647, was -1");
        assertThat(limiter.stats().granted()).isZero();
    }

    @Test
    void intervalIsRoundedUpWhenThePeriodIsNotAMultipleOfTheRate() {
        RateLimiter limiter = limiter("thirds", 3, Duration.ofSeconds(1), 1);
        limiter.tryAcquire();

        clock.advance(333_333_333, TimeUnit.NANOSECONDS);
        assertThat(limiter.tryAcquire()).as("a third of a second, rounded down, is too early").isFalse();
        clock.advance(1, TimeUnit.NANOSECONDS);
        assertThat(limiter.tryAcquire()).as("the interval is 333,333,334 ns").isTrue();
    }

    /** The issue's own test: on a fake clock, no window of length period holds more than the bound. */
    @Test
    void greedyCallerOnAFakeClockNeverGetsMoreThanTheBoundInAnyWindow() {
        record Case(int permitsPerPeriod, long periodNanos, int burst, long closedMax, long halfOpenMax) {}
        List<Case> cases = List.of(
                new Case(4, 1000, 3, 3 + 4, 3 + 4 - 1),      // interval 250 ns, exact: both bounds reached
                new Case(3, 1000, 2, 2 + 2, 2 + 3 - 1),      // interval 334 ns, rounded up
                new Case(1, 1000, 1, 1 + 1, 1),              // burst 1: one per half-open period
                new Case(7, 1000, 7, 7 + 6, 7 + 7 - 1));     // interval 143 ns
        for (Case c : cases) {
            RateLimiter limiter =
                    limiter("greedy", c.permitsPerPeriod(), Duration.ofNanos(c.periodNanos()), c.burst());
            SlidingWindows grants = new SlidingWindows();
            for (long elapsed = 0; elapsed < 20 * c.periodNanos(); elapsed++) {
                while (limiter.tryAcquire()) {
                    grants.add(elapsed, 1);
                }
                clock.advance(1, TimeUnit.NANOSECONDS);
            }

            assertThat(grants.maxInClosedWindow(c.periodNanos())).as("%s, closed windows", c)
                    .isLessThanOrEqualTo(c.burst() + c.permitsPerPeriod())
                    .isEqualTo(c.closedMax());
            assertThat(grants.maxInHalfOpenWindow(c.periodNanos())).as("%s, half-open windows", c)
                    .isLessThanOrEqualTo(c.burst() + c.permitsPerPeriod() - 1)
                    .isEqualTo(c.halfOpenMax());
            long interval = Math.ceilDiv(c.periodNanos(), c.permitsPerPeriod());
            assertThat(grants.total()).as("%s, total over 20 periods", c)
                    .isEqualTo(c.burst() + (20 * c.periodNanos() - 1) / interval);
        }
    }

    // ---- call and run --------------------------------------------------------------------

    @Test
    void callReturnsTheTaskResultAndRunRunsTheTask() throws Exception {
        RateLimiter limiter = limiter("search", 10, Duration.ofSeconds(1), 2);
        AtomicInteger runs = new AtomicInteger();

        assertThat(limiter.call(() -> "found")).isEqualTo("found");
        limiter.run(runs::incrementAndGet);

        assertThat(runs).hasValue(1);
        assertThat(limiter.stats().granted()).isEqualTo(2);
    }

    @Test
    void callRethrowsTheTaskExceptionUnchangedAndKeepsThePermitSpent() {
        RateLimiter limiter = limiter("search", 10, Duration.ofSeconds(1), 1);
        IOException failure = new IOException("index offline");

        assertThatThrownBy(() -> limiter.call(() -> {
            throw failure;
        })).isSameAs(failure);
        assertThat(limiter.tryAcquire()).as("a permit is spent whatever the call does").isFalse();
    }

    @Test
    void rejectsAtOnceWhenOverTheRateAndNoWaitIsAllowed() {
        RateLimiter limiter = limiter("search", 2, Duration.ofSeconds(1), 1);
        AtomicInteger runs = new AtomicInteger();
        limiter.run(runs::incrementAndGet);

        assertThatThrownBy(() -> limiter.run(runs::incrementAndGet))
                .isInstanceOf(RateLimitExceededException.class)
                .isInstanceOf(CompartmentRejectedException.class)
                .isInstanceOf(java.util.concurrent.RejectedExecutionException.class)
                .hasMessage("RateLimiter 'search' is over its rate of 2 per 1 s: 1 permit free again in 500 ms,"
                        + " rejected without waiting (maxWait 0 ms)");
        assertThat(runs).hasValue(1);
        assertThat(limiter.stats().rejected()).isEqualTo(1);
    }

    @Test
    void rejectionNamesTheCompartmentRateAndWhenToRetry() {
        RateLimiter limiter = limiter("search", 4, Duration.ofSeconds(2), 1);
        limiter.acquire();
        advanceMillis(100);

        RateLimitExceededException rejection = catchRejection(limiter::acquire);

        assertThat(rejection.compartment()).isEqualTo("search");
        assertThat(rejection.permitsPerPeriod()).isEqualTo(4);
        assertThat(rejection.period()).isEqualTo(Duration.ofSeconds(2));
        assertThat(rejection.permits()).isEqualTo(1);
        assertThat(rejection.retryAfterNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(400));
        assertThat(rejection.waitedNanos()).isZero();
        assertThat(rejection.interrupted()).isFalse();
        assertThat(rejection.burstExceeded()).isFalse();
    }

    @Test
    void rejectionsCarryNoStackTraceByDefault() {
        RateLimiter limiter = limiter("cheap", 1, Duration.ofSeconds(1), 1);
        limiter.acquire();

        RateLimitExceededException rejection = catchRejection(limiter::acquire);

        assertThat(rejection.getStackTrace()).isEmpty();
        assertThat(rejection.stackTraceCaptured()).isFalse();
    }

    @Test
    void rejectionsCarryTheCallersStackTraceWhenConfigured() {
        RateLimiter limiter = check.track(RateLimiter.builder("traced").permitsPerPeriod(1)
                .writableStackTrace(true).timeSource(clock).build());
        limiter.acquire();

        RateLimitExceededException rejection = catchRejection(limiter::acquire);

        assertThat(rejection.getStackTrace())
                .anyMatch(frame -> frame.getClassName().equals(RateLimiterTest.class.getName()));
    }

    @Test
    void nullTasksAreRefusedWithAClearMessageAndTakeNoPermit() {
        RateLimiter limiter = limiter("search", 1, Duration.ofSeconds(1), 1);

        assertThatThrownBy(() -> limiter.call(null)).isInstanceOf(NullPointerException.class).hasMessage("task");
        assertThatThrownBy(() -> limiter.run(null)).isInstanceOf(NullPointerException.class).hasMessage("task");
        assertThat(limiter.stats().granted()).isZero();
    }

    // ---- waiting -------------------------------------------------------------------------

    @Test
    void refusesAtOnceWhenThePermitCannotBeFreeWithinMaxWait() {
        RateLimiter limiter = waitingLimiter("slow", 1, Duration.ofSeconds(1), 1, Duration.ofMillis(300));
        limiter.acquire();

        RateLimitExceededException rejection = catchRejection(limiter::acquire);

        assertThat(rejection.waitedNanos()).isZero();
        assertThat(rejection.getMessage()).isEqualTo("RateLimiter 'slow' is over its rate of 1 per 1 s: 1 permit"
                + " free again in 1000 ms, rejected without waiting (maxWait 300 ms)");
        assertThat(clock.pending()).as("nothing was scheduled").isZero();
    }

    @Test
    void waitingCallerIsGrantedWhenItsPermitComesDue() throws Exception {
        RateLimiter limiter = waitingLimiter("slow", 4, Duration.ofSeconds(1), 1, Duration.ofSeconds(1));
        limiter.acquire();
        List<Thread> threads = new CopyOnWriteArrayList<>();

        CompletableFuture<Void> waiter = acquireOnAnotherThread(limiter, threads);
        await().until(() -> clock.pending() == 1);
        assertThat(limiter.stats().waiting()).isEqualTo(1);
        assertThat(waiter).isNotDone();

        advanceMillis(250);

        assertThat(waiter).succeedsWithin(Duration.ofSeconds(10));
        assertThat(limiter.stats().granted()).isEqualTo(2);
        assertThat(limiter.stats().waiting()).isZero();
    }

    @Test
    void waiterRefusedAfterWaitingHasTakenNothing() {
        RateLimiter limiter = waitingLimiter("slow", 4, Duration.ofSeconds(1), 1, Duration.ofMillis(300));
        limiter.acquire();
        List<Thread> threads = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> waiter = acquireOnAnotherThread(limiter, threads);
        await().until(() -> clock.pending() == 1);
        advanceMillis(200); // 0.8 of the waiter's permit earned

        // Slower now: the remaining 0.2 permit takes 200 ms, more than the 100 ms of maxWait left.
        limiter.changeRate(1, Duration.ofSeconds(1));

        RateLimitExceededException rejection = rejectionOf(waiter);
        assertThat(rejection.waitedNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
        assertThat(rejection.retryAfterNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
        assertThat(rejection.getMessage()).isEqualTo("RateLimiter 'slow' is over its rate of 1 per 1 s: 1 permit"
                + " free again in 200 ms, waited 200 ms (maxWait 300 ms)");
        advanceMillis(200);
        assertThat(limiter.tryAcquire()).as("the refused waiter left the earned credit in place").isTrue();
        assertThat(limiter.stats().rejected()).isEqualTo(1);
    }

    @Test
    void interruptedWaiterIsRejectedKeepsItsInterruptStatusAndTakesNothing() throws Exception {
        RateLimiter limiter = waitingLimiter("slow", 4, Duration.ofSeconds(1), 1, Duration.ofDays(1));
        limiter.acquire();
        AtomicInteger interruptStatus = new AtomicInteger(-1);
        CompletableFuture<RateLimitExceededException> rejection = new CompletableFuture<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                limiter.acquire();
                rejection.complete(null);
            } catch (RateLimitExceededException e) {
                interruptStatus.set(Thread.currentThread().isInterrupted() ? 1 : 0);
                rejection.complete(e);
            }
        });
        await().until(() -> clock.pending() == 1);

        waiter.interrupt();
        waiter.join();

        assertThat(rejection.get().interrupted()).isTrue();
        assertThat(rejection.get().getMessage()).isEqualTo("RateLimiter 'slow' refused the call: the caller was"
                + " interrupted after waiting 0 ms for 1 permit (rate 4 per 1 s)");
        assertThat(interruptStatus).hasValue(1);
        assertThat(clock.pending()).as("its wake-up was cancelled").isZero();
        advanceMillis(250);
        assertThat(limiter.tryAcquire()).as("the interrupted waiter took nothing").isTrue();
    }

    @Test
    void waitersTakeTurnsInArrivalOrderAndAQueuedOneCanBeInterrupted() throws Exception {
        RateLimiter limiter = waitingLimiter("turns", 10, Duration.ofSeconds(1), 1, Duration.ofSeconds(10));
        limiter.acquire();
        List<String> served = new CopyOnWriteArrayList<>();
        List<Thread> threads = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Void>> outcomes = new CopyOnWriteArrayList<>();
        for (String name : List.of("first", "second", "interrupted", "third")) {
            CompletableFuture<Void> outcome = new CompletableFuture<>();
            outcomes.add(outcome);
            Thread thread = Thread.ofPlatform().name(name).start(() -> {
                try {
                    limiter.run(() -> served.add(name));
                    outcome.complete(null);
                } catch (Throwable e) {
                    outcome.completeExceptionally(e);
                }
            });
            threads.add(thread);
            if (name.equals("first")) {
                await().until(() -> clock.pending() == 1); // the head, parked on the rate
            } else {
                await().until(() -> thread.getState() == Thread.State.TIMED_WAITING); // queued for its turn
            }
        }
        assertThat(limiter.stats().waiting()).isEqualTo(4);

        threads.get(2).interrupt();
        assertThat(rejectionOf(outcomes.get(2)).interrupted()).isTrue();
        for (int i = 0; i < 3; i++) {
            int before = served.size();
            await().until(() -> clock.pending() == 1);
            advanceMillis(100);
            await().until(() -> served.size() == before + 1);
        }

        assertThat(served).containsExactly("first", "second", "third");
        assertThat(limiter.stats().rejected()).isEqualTo(1);
    }

    @Test
    void waiterWhoseTurnComesTooLateIsRefusedWithTheTimeItWaited() {
        RateLimiter limiter = waitingLimiter("turns", 10, Duration.ofSeconds(1), 1, Duration.ofMillis(150));
        limiter.acquire();
        List<Thread> threads = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> first = acquireOnAnotherThread(limiter, threads);
        await().until(() -> clock.pending() == 1);
        CompletableFuture<Void> second = acquireOnAnotherThread(limiter, threads);
        await().until(() -> threads.get(1).getState() == Thread.State.TIMED_WAITING);

        advanceMillis(100); // the first is served; the second's permit is now 100 ms away, 50 ms left

        assertThat(first).succeedsWithin(Duration.ofSeconds(10));
        RateLimitExceededException rejection = rejectionOf(second);
        assertThat(rejection.waitedNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(rejection.retryAfterNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(rejection.interrupted()).isFalse();
    }

    @Test
    @SuppressWarnings("try") // the scope only sets the deadline, as Timeout does
    void neverWaitsPastTheDeadlineOfAnEnclosingTimeout() {
        RateLimiter limiter = waitingLimiter("nested", 2, Duration.ofSeconds(1), 1, Duration.ofHours(1));
        limiter.acquire();

        RateLimitExceededException rejection;
        try (Deadline.Scope scope = Deadline.within(clock, TimeUnit.MILLISECONDS.toNanos(100))) {
            rejection = catchRejection(limiter::acquire);
        }

        assertThat(rejection.waitedNanos()).as("500 ms to wait, 100 ms left: refused at once").isZero();
        assertThat(clock.pending()).isZero();
    }

    @Test
    void waitingCallerOnTheSystemClockIsGrantedWithoutAFakeClock() {
        RateLimiter limiter = check.track(RateLimiter.builder("real").permitsPerPeriod(100)
                .burst(1).maxWait(Duration.ofSeconds(5)).build());
        limiter.acquire();

        limiter.acquire(); // parks for about 10 ms

        assertThat(limiter.stats().granted()).isEqualTo(2);
    }

    @Test
    void interruptedWaiterOnTheSystemClockIsRejected() throws Exception {
        RateLimiter limiter = check.track(RateLimiter.builder("real").permitsPerPeriod(1)
                .period(Duration.ofHours(1)).maxWait(Duration.ofHours(2)).build());
        limiter.acquire();
        List<Thread> threads = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> waiter = acquireOnAnotherThread(limiter, threads);
        await().until(() -> limiter.stats().waiting() == 1);

        threads.get(0).interrupt();

        assertThat(rejectionOf(waiter).interrupted()).isTrue();
    }

    @Test
    void rateChangeWakesWaitersToCheckTheNewRate() {
        AtomicInteger schedules = new AtomicInteger();
        TimeSource counting = new TimeSource() {
            @Override
            public long nanoTime() {
                return clock.nanoTime();
            }

            @Override
            public Future<?> schedule(Runnable action, long delayNanos) {
                schedules.incrementAndGet();
                return clock.schedule(action, delayNanos);
            }
        };
        RateLimiter limiter = check.track(RateLimiter.builder("hourly").permitsPerPeriod(1)
                .period(Duration.ofHours(1)).maxWait(Duration.ofHours(2)).timeSource(counting).build());
        limiter.acquire();
        List<Thread> threads = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> waiter = acquireOnAnotherThread(limiter, threads);
        await().until(() -> schedules.get() == 1);

        limiter.changeRate(10, Duration.ofSeconds(1));

        await().until(() -> schedules.get() == 2); // woke, and parked again for 100 ms, not an hour
        assertThat(waiter).isNotDone();
        advanceMillis(100);
        assertThat(waiter).succeedsWithin(Duration.ofSeconds(10));
    }

    // ---- rate changes --------------------------------------------------------------------

    @Test
    void rateChangeCarriesOverTheEarnedShareOfTheNextPermit() {
        RateLimiter limiter = limiter("elastic", 1, Duration.ofMinutes(1), 1);
        limiter.acquire();
        advanceMillis(30_000); // half a permit earned

        limiter.changeRate(1, Duration.ofSeconds(1));

        advanceMillis(499);
        assertThat(limiter.tryAcquire()).isFalse();
        advanceMillis(1);
        assertThat(limiter.tryAcquire()).as("half of the new interval was already earned").isTrue();
    }

    @Test
    void rateChangeKeepsTheSavedPermitsCappedAtTheNewBurst() {
        RateLimiter limiter = limiter("elastic", 10, Duration.ofSeconds(1), 10);

        limiter.changeRate(10, Duration.ofSeconds(1), 4);
        assertThat(limiter.stats().availablePermits()).isEqualTo(4);

        limiter.changeRate(100, Duration.ofSeconds(1), 50);
        assertThat(limiter.stats().availablePermits()).as("a raise does not refill").isEqualTo(4);
        assertThat(limiter.stats().burst()).isEqualTo(50);
    }

    @Test
    void rateChangeWithoutABurstKeepsTheBurst() {
        RateLimiter limiter = limiter("elastic", 10, Duration.ofSeconds(1), 5);

        limiter.changeRate(20, Duration.ofMillis(500));

        RateLimiterStats stats = limiter.stats();
        assertThat(stats.permitsPerPeriod()).isEqualTo(20);
        assertThat(stats.period()).isEqualTo(Duration.ofMillis(500));
        assertThat(stats.burst()).isEqualTo(5);
        assertThat(limiter.config().permitsPerPeriod()).as("the config is as built").isEqualTo(10);
    }

    @Test
    void rateChangeAppliesAtOnce() {
        RateLimiter limiter = limiter("elastic", 1, Duration.ofHours(1), 1);
        limiter.acquire();

        limiter.changeRate(1000, Duration.ofSeconds(1));

        advanceMillis(1);
        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(limiter.tryAcquire()).isFalse();
    }

    @Test
    void rateChangeToTheSameRateChangesNothing() {
        RateLimiter limiter = limiter("steady", 3, Duration.ofSeconds(1), 2);
        limiter.acquire();
        clock.advance(100_000_000, TimeUnit.NANOSECONDS);

        limiter.changeRate(3, Duration.ofSeconds(1), 2);

        clock.advance(233_333_333, TimeUnit.NANOSECONDS);
        assertThat(limiter.tryAcquire(2)).isFalse();
        clock.advance(1, TimeUnit.NANOSECONDS);
        assertThat(limiter.tryAcquire(2)).isTrue();
    }

    @Test
    void rateChangeRejectsBadValuesAndKeepsTheRate() {
        RateLimiter limiter = limiter("elastic", 10, Duration.ofSeconds(1), 5);

        assertThatThrownBy(() -> limiter.changeRate(0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("permitsPerPeriod must be between 1 and 2147483647, was 0");
        assertThatThrownBy(() -> limiter.changeRate(10, Duration.ZERO))
                .hasMessageStartingWith("period must be a positive duration");
        assertThatThrownBy(() -> limiter.changeRate(10, Duration.ofSeconds(1), 0))
                .hasMessage("burst must be between 1 and 2147483647, was 0");
        assertThatThrownBy(() -> limiter.changeRate(1000, Duration.ofNanos(999)))
                .hasMessage("permitsPerPeriod must be at most one per nanosecond of period,"
                        + " was 1000 per PT0.000000999S");

        assertThat(limiter.stats().permitsPerPeriod()).isEqualTo(10);
        assertThat(limiter.stats().availablePermits()).isEqualTo(5);
    }

    // ---- the clock -----------------------------------------------------------------------

    @Test
    void clockGoingBackwardsGrantsNothingAndBlocksOnlyUntilThePermitIsEarned() {
        RateLimiter limiter = limiter("rewound", 10, Duration.ofSeconds(1), 2);
        limiter.tryAcquire(2);

        clock.advance(-1, TimeUnit.HOURS);

        assertThat(limiter.tryAcquire()).isFalse();
        assertThat(limiter.stats().availablePermits()).isZero();
        advanceMillis(99);
        assertThat(limiter.tryAcquire()).isFalse();
        advanceMillis(1);
        assertThat(limiter.tryAcquire()).as("one interval after the jump, not an hour").isTrue();
        assertThat(limiter.tryAcquire()).isFalse();
    }

    @Test
    void clockGoingBackwardsByLessThanTheCreditTakesCreditAway() {
        RateLimiter limiter = limiter("rewound", 10, Duration.ofSeconds(1), 2);

        advanceMillis(-50); // the full bucket loses 50 ms of its 200 ms of credit

        assertThat(limiter.stats().availablePermits()).isEqualTo(1);
        assertThat(limiter.tryAcquire(2)).isFalse();
        assertThat(limiter.tryAcquire()).isTrue();
    }

    @Test
    void readingsThatWrapPastLongMaxValueAreHandled() {
        clock.advance(Long.MAX_VALUE - clock.nanoTime() - 50_000_000, TimeUnit.NANOSECONDS);
        RateLimiter limiter = limiter("wrapping", 10, Duration.ofSeconds(1), 1);
        assertThat(limiter.tryAcquire()).isTrue();

        advanceMillis(99); // now past Long.MAX_VALUE, negative
        assertThat(clock.nanoTime()).isNegative();
        assertThat(limiter.tryAcquire()).isFalse();
        advanceMillis(1);
        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(limiter.tryAcquire()).isFalse();
    }

    // ---- stats, listeners, docs ----------------------------------------------------------

    @Test
    void statsReportTheRateThePermitsAndTheCounters() {
        RateLimiter limiter = limiter("search", 10, Duration.ofSeconds(1), 5);
        limiter.tryAcquire(2);
        limiter.tryAcquire(4);
        limiter.tryAcquire(3);
        assertThatThrownBy(() -> limiter.acquire(3)).isInstanceOf(RateLimitExceededException.class);

        RateLimiterStats stats = limiter.stats();

        assertThat(stats).isEqualTo(new RateLimiterStats("search", 10, Duration.ofSeconds(1), 5, 0, 0, 5, 1));
        assertThat(limiter.toString()).contains("search").contains("10 per PT1S");
    }

    @Test
    void listenersHearRejectionsAndCannotBreakTheLimiter() {
        List<String> heard = new CopyOnWriteArrayList<>();
        RateLimiter limiter = check.track(RateLimiter.builder("noisy").permitsPerPeriod(1).timeSource(clock)
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
        limiter.acquire();

        assertThatThrownBy(limiter::acquire).isInstanceOf(RateLimitExceededException.class);
        assertThat(limiter.tryAcquire()).isFalse(); // not a rejection: no event

        assertThat(heard).containsExactly("noisy: RateLimitExceededException");
        assertThat(limiter.listenerFailures()).isEqualTo(1);
        assertThat(limiter.stats().rejected()).isEqualTo(1);
    }

    record Page(int number) {}

    /** The example in {@link RateLimiter}'s Javadoc, compiled and run. Keep the two in step. */
    @Test
    void javadocExampleRuns() throws Exception {
        String query = "boots";
        List<String> prefetched = new CopyOnWriteArrayList<>();
        var index = new Object() {
            Page search(String q) {
                return new Page(1);
            }

            void prefetch(String q, int page) {
                prefetched.add(q + " " + page);
            }
        };

        RateLimiter search = RateLimiter.builder("search")
                .permitsPerPeriod(100)
                .period(Duration.ofSeconds(1))
                .burst(20)
                .build();

        Page page = search.call(() -> index.search(query)); // RateLimitExceededException if over the rate
        if (search.tryAcquire()) {
            index.prefetch(query, page.number() + 1);          // optional work, only while under the rate
        }

        assertThat(prefetched).containsExactly("boots 2");
    }

    private static RateLimitExceededException catchRejection(Runnable call) {
        try {
            call.run();
        } catch (RateLimitExceededException e) {
            return e;
        }
        throw new AssertionError("expected a RateLimitExceededException");
    }
}
