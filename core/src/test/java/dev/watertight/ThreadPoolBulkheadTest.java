package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.watertight.testing.CompartmentCheck;
import dev.watertight.testing.ManualTimeSource;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ThreadPoolBulkheadTest {
    @RegisterExtension
    final CompartmentCheck check = new CompartmentCheck();

    private final ManualTimeSource time = new ManualTimeSource();

    /** A task that blocks until the gate opens; counts how many started. */
    private static final class Gate {
        final CountDownLatch open = new CountDownLatch(1);
        final AtomicInteger started = new AtomicInteger();

        <T> java.util.concurrent.Callable<T> task(T result) {
            return () -> {
                started.incrementAndGet();
                open.await();
                return result;
            };
        }

        void open() {
            open.countDown();
        }
    }

    /** Waits without reacting to interrupts, like code that swallows them; reports if it saw one. */
    private static void awaitIgnoringInterrupts(CountDownLatch latch, AtomicBoolean sawInterrupt) {
        for (;;) {
            try {
                latch.await();
                return;
            } catch (InterruptedException ignored) {
                sawInterrupt.set(true);
            }
        }
    }

    private static Throwable causeOf(CompletableFuture<?> future) {
        try {
            future.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (CancellationException e) {
            return e;
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected the future to fail");
    }

    @Test
    void runsTasksOnDaemonThreadsNamedAfterTheCompartment() throws Exception {
        ThreadPoolBulkhead pool = check.track(ThreadPoolBulkhead.of("user-ops", 2, 5));

        Thread worker = pool.submit(Thread::currentThread).get(10, TimeUnit.SECONDS);

        assertThat(worker.getName()).isEqualTo("watertight-user-ops-1");
        assertThat(worker.isDaemon()).isTrue();
        assertThat(worker.isVirtual()).isFalse();
    }

    @Test
    void runsTasksOnVirtualThreadsWhenAsked() throws Exception {
        ThreadPoolBulkhead pool = check.track(ThreadPoolBulkhead.builder("io-ops").threads(2)
                .queueCapacity(0).virtualThreads(true).build());

        Thread worker = pool.submit(Thread::currentThread).get(10, TimeUnit.SECONDS);

        assertThat(worker.isVirtual()).isTrue();
        assertThat(worker.getName()).isEqualTo("watertight-io-ops-1");
    }

    @Test
    void startsThreadsOnlyWhenWorkArrives() throws Exception {
        ThreadPoolBulkhead pool = check.track(ThreadPoolBulkhead.of("lazy-pool", 4, 10));
        assertThat(threadsNamed("watertight-lazy-pool-")).isZero();

        pool.submit(() -> 1).get(10, TimeUnit.SECONDS);

        assertThat(threadsNamed("watertight-lazy-pool-")).isEqualTo(1);
    }

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith(prefix))
                .count();
    }

    @Test
    void successAndFailureAreCountedBeforeTheFutureCompletes() throws Exception {
        ThreadPoolBulkhead pool = check.track(ThreadPoolBulkhead.of("orders", 1, 1));
        IOException failure = new IOException("payment down");

        assertThat(pool.submit(() -> "ok").get(10, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThat(causeOf(pool.submit(() -> {
            throw failure;
        }))).isSameAs(failure);

        ThreadPoolStats stats = pool.stats();
        assertThat(stats.submitted()).isEqualTo(2);
        assertThat(stats.succeeded()).isEqualTo(1);
        assertThat(stats.failed()).isEqualTo(1);
        // The worker lets go of its task just after completing the future, so this one may lag.
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.stats().activeThreads() == 0);
    }

    @Test
    void taskThatThrowsAnErrorFailsItsFutureAndItsWorkerKeepsServing() throws Exception {
        ThreadPoolBulkhead pool = check.track(ThreadPoolBulkhead.of("fragile", 1, 1));
        StackOverflowError error = new StackOverflowError("deep");

        assertThat(causeOf(pool.submit(() -> {
            throw error;
        }))).isSameAs(error);
        Thread worker = pool.submit(Thread::currentThread).get(10, TimeUnit.SECONDS);

        assertThat(worker.getName()).isEqualTo("watertight-fragile-1");
        assertThat(pool.stats().failed()).isEqualTo(1);
        assertThat(pool.stats().succeeded()).isEqualTo(1);
    }

    @Test
    void rejectsAtOnceWhenEveryThreadIsBusyAndTheQueueIsFull() throws Exception {
        ThreadPoolBulkhead pool = check.track(ThreadPoolBulkhead.of("reporting", 2, 3));
        Gate gate = new Gate();
        List<CompletableFuture<String>> admitted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            admitted.add(pool.submit(gate.task("report-" + i)));
        }
        await().until(() -> gate.started.get() == 2);

        assertThatThrownBy(() -> pool.submit(gate.task("one too many")))
                .isInstanceOf(BulkheadFullException.class)
                .isInstanceOf(RejectedExecutionException.class)
                .hasMessage("ThreadPoolBulkhead 'reporting' is full: all 2 threads busy and its queue of 3 full");
        ThreadPoolStats stats = pool.stats();
        assertThat(stats.activeThreads()).isEqualTo(2);
        assertThat(stats.queued()).isEqualTo(3);
        assertThat(stats.rejected()).isEqualTo(1);

        gate.open();
        for (CompletableFuture<String> future : admitted) {
            assertThat(future.get(10, TimeUnit.SECONDS)).startsWith("report-");
        }
        assertThat(gate.started).hasValue(5);
    }

    @Test
    void withoutAQueueHandsEachTaskToAnIdleThreadAndRejectsOnlyWhenAllAreBusy() throws Exception {
        ThreadPoolBulkhead pool = check.track(ThreadPoolBulkhead.of("handoff", 2, 0));
        Gate gate = new Gate();

        CompletableFuture<Integer> first = pool.submit(gate.task(1));
        CompletableFuture<Integer> second = pool.submit(gate.task(2));

        assertThatThrownBy(() -> pool.submit(gate.task(3))).isInstanceOf(BulkheadFullException.class);
        gate.open();
        assertThat(first.get(10, TimeUnit.SECONDS) + second.get(10, TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(pool.submit(() -> 4).get(10, TimeUnit.SECONDS)).isEqualTo(4);
    }

    @Test
    void timeoutFailsTheFutureAndInterruptsTheTask() throws Exception {
        ThreadPoolBulkhead pool = check.track(ThreadPoolBulkhead.builder("user-ops").threads(1)
                .queueCapacity(1).timeout(Duration.ofSeconds(2)).timeSource(time).build());
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        CompletableFuture<String> future = pool.submit(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
                return "never";
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        await().until(() -> time.pending() == 1);

        time.advance(1999, TimeUnit.MILLISECONDS);
        assertThat(future).isNotDone();
        time.advance(1, TimeUnit.MILLISECONDS);

        Throwable cause = causeOf(future);
        assertThat(cause).isInstanceOf(TaskTimeoutException.class).isInstanceOf(TimeoutException.class)
                .hasMessage("Task in compartment 'user-ops' timed out after 2000 ms and was interrupted");
        assertThat(((TaskTimeoutException) cause).timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
        await().until(() -> pool.stats().activeThreads() == 0);
        assertThat(pool.stats().timedOut()).isEqualTo(1);
        assertThat(pool.stats().failed()).isZero();
    }

    @Test
    void timedOutTaskThatIgnoresInterruptsKeepsItsThreadUntilItReallyReturns() throws Exception {
        ThreadPoolBulkhead pool = check.track(ThreadPoolBulkhead.builder("stubborn").threads(1)
                .queueCapacity(1).timeout(Duration.ofSeconds(1)).timeSource(time).build());
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean sawInterrupt = new AtomicBoolean();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        java.util.concurrent.Callable<String> stubborn = () -> {
            peak.accumulateAndGet(running.incrementAndGet(), Math::max);
            awaitIgnoringInterrupts(release, sawInterrupt);
            running.decrementAndGet();
            return "late";
        };
        CompletableFuture<String> first = pool.submit(stubborn);
        await().until(() -> running.get() == 1 && time.pending() == 1);

        time.advance(1, TimeUnit.SECONDS);

        assertThat(causeOf(first)).isInstanceOf(TaskTimeoutException.class);
        await().untilTrue(sawInterrupt);
        assertThat(pool.stats().activeThreads()).isEqualTo(1);
        CompletableFuture<String> second = pool.submit(stubborn); // waits in the queue
        assertThatThrownBy(() -> pool.submit(stubborn)).isInstanceOf(BulkheadFullException.class);
        assertThat(pool.stats().queued()).isEqualTo(1);
        assertThat(running).hasValue(1);

        release.countDown();
        assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("late");
        assertThat(peak).hasValue(1);
    }

    @Test
    void cancelledQueuedTaskIsRemovedAndNeverRuns() throws Exception {
        ThreadPoolBulkhead pool = check.track(ThreadPoolBulkhead.of("order-ops", 1, 5));
        Gate gate = new Gate();
        CompletableFuture<String> blocker = pool.submit(gate.task("blocker"));
        await().until(() -> gate.started.get() == 1);
        AtomicBoolean cancelledRan = new AtomicBoolean();
        CompletableFuture<String> before = pool.submit(() -> "before");
        CompletableFuture<String> cancelled = pool.submit(() -> {
            cancelledRan.set(true);
            return "cancelled";
        });
        CompletableFuture<String> after = pool.submit(() -> "after");

        assertThat(cancelled.cancel(true)).isTrue();

        assertThat(pool.stats().queued()).isEqualTo(2);
        assertThat(pool.stats().cancelled()).isEqualTo(1);
        gate.open();
        assertThat(List.of(blocker.get(10, TimeUnit.SECONDS), before.get(10, TimeUnit.SECONDS),
                after.get(10, TimeUnit.SECONDS))).containsExactly("blocker", "before", "after");
        assertThat(cancelled).isCancelled();
        assertThat(cancelledRan).isFalse();
    }

    @Test
    void cancellingARunningTaskInterruptsItAndKeepsItsThreadUntilItReturns() throws Exception {
        ThreadPoolBulkhead pool = check.track(ThreadPoolBulkhead.of("order-ops", 1, 0));
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicBoolean sawInterrupt = new AtomicBoolean();
        CompletableFuture<String> future = pool.submit(() -> {
            started.countDown();
            awaitIgnoringInterrupts(finish, sawInterrupt);
            return "done";
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(future.cancel(true)).isTrue();

        assertThat(future).isCancelled();
        await().untilTrue(sawInterrupt);
        assertThat(pool.stats().activeThreads()).isEqualTo(1);
        assertThatThrownBy(() -> pool.submit(() -> "no room")).isInstanceOf(BulkheadFullException.class);
        finish.countDown();
        await().until(() -> pool.stats().activeThreads() == 0);
        assertThat(pool.stats().cancelled()).isEqualTo(1);
        assertThat(pool.stats().succeeded()).isZero();
    }

    @Test
    void cancelWithoutInterruptLeavesTheRunningTaskAlone() throws Exception {
        ThreadPoolBulkhead pool = check.track(ThreadPoolBulkhead.of("order-ops", 1, 0));
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicBoolean sawInterrupt = new AtomicBoolean();
        CompletableFuture<String> future = pool.submit(() -> {
            started.countDown();
            awaitIgnoringInterrupts(finish, sawInterrupt);
            return "done";
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(future.cancel(false)).isTrue();
        finish.countDown();

        await().until(() -> pool.stats().activeThreads() == 0);
        assertThat(sawInterrupt).isFalse();
        assertThat(future).isCancelled();
    }

    @Test
    void aCancelThatLosesToCompletionReportsFalse() throws Exception {
        ThreadPoolBulkhead pool = check.track(ThreadPoolBulkhead.of("order-ops", 1, 0));
        CompletableFuture<String> future = pool.submit(() -> "done");
        assertThat(future.get(10, TimeUnit.SECONDS)).isEqualTo("done");

        assertThat(future.cancel(true)).isFalse();
        assertThat(pool.stats().cancelled()).isZero();
    }

    @Test
    void interruptMeantForACancelledTaskNeverReachesTheNextTask() throws Exception {
        ThreadPoolBulkhead pool = check.track(ThreadPoolBulkhead.of("reuse", 1, 1));
        for (int i = 0; i < 200; i++) {
            CountDownLatch started = new CountDownLatch(1);
            CompletableFuture<Object> first = pool.submit(() -> {
                started.countDown();
                return null; // returns at once: the cancel below races with the return
            });
            CompletableFuture<Boolean> next = pool.submit(() -> Thread.currentThread().isInterrupted());
            started.await();
            first.cancel(true);
            assertThat(next.get(10, TimeUnit.SECONDS)).as("round %d", i).isFalse();
        }
    }

    @Test
    void closeLetsQueuedAndRunningWorkFinishWithinTheGracePeriod() throws Exception {
        ThreadPoolBulkhead pool = ThreadPoolBulkhead.builder("closing").threads(1).queueCapacity(3)
                .timeSource(time).build();
        Gate gate = new Gate();
        List<CompletableFuture<String>> futures = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            futures.add(pool.submit(gate.task("t" + i)));
        }
        Thread closer = Thread.ofPlatform().start(pool::close);
        await().until(() -> pool.isClosed() && time.pending() == 1);

        assertThatThrownBy(() -> pool.submit(() -> "late"))
                .isInstanceOf(CompartmentClosedException.class)
                .isInstanceOf(RejectedExecutionException.class)
                .hasMessage("Compartment 'closing' is closed and accepts no new tasks");
        gate.open();
        closer.join();

        for (CompletableFuture<String> future : futures) {
            assertThat(future).isCompletedWithValueMatching(value -> value.startsWith("t"));
        }
        CompartmentCheck.assertWhole(pool.stats());
        await().until(() -> threadsNamed("watertight-closing-") == 0);
    }

    @Test
    void closeAfterTheGracePeriodDropsQueuedTasksAndCancelsRunningOnes() throws Exception {
        ThreadPoolBulkhead pool = ThreadPoolBulkhead.builder("forced").threads(1).queueCapacity(2)
                .shutdownGrace(Duration.ofSeconds(5)).timeSource(time).build();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        CompletableFuture<String> running = pool.submit(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return "interrupted";
        });
        AtomicBoolean queuedRan = new AtomicBoolean();
        CompletableFuture<String> queued1 = pool.submit(() -> {
            queuedRan.set(true);
            return "q1";
        });
        CompletableFuture<String> queued2 = pool.submit(() -> "q2");
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        Thread closer = Thread.ofPlatform().start(pool::close);
        await().until(() -> pool.isClosed() && time.pending() == 1);

        time.advance(5, TimeUnit.SECONDS);
        closer.join();

        assertThat(causeOf(queued1)).isInstanceOf(CompartmentClosedException.class)
                .hasMessage("Compartment 'forced' was closed before the queued task could start");
        assertThat(((CompartmentClosedException) causeOf(queued2)).wasQueued()).isTrue();
        assertThat(running).isCancelled();
        assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(queuedRan).isFalse();
        await().untilAsserted(() -> CompartmentCheck.assertWhole(pool.stats()));
        assertThat(pool.stats().cancelled()).isEqualTo(3);
        await().until(() -> threadsNamed("watertight-forced-") == 0);
    }

    @Test
    void closeWithZeroGraceStopsEverythingAtOnce() throws Exception {
        ThreadPoolBulkhead pool = ThreadPoolBulkhead.builder("abrupt").threads(1).queueCapacity(1)
                .shutdownGrace(Duration.ZERO).build();
        Gate gate = new Gate();
        CompletableFuture<String> running = pool.submit(gate.task("r"));
        CompletableFuture<String> queued = pool.submit(gate.task("q"));
        await().until(() -> gate.started.get() == 1);

        pool.close();

        assertThat(running).isCancelled();
        assertThat(causeOf(queued)).isInstanceOf(CompartmentClosedException.class);
        assertThat(gate.started).hasValue(1);
    }

    @Test
    void closeIsIdempotentAndASecondCallerWaitsForTheFirst() throws Exception {
        ThreadPoolBulkhead pool = ThreadPoolBulkhead.builder("twice").threads(1).queueCapacity(0)
                .timeSource(time).build();
        Gate gate = new Gate();
        CompletableFuture<String> task = pool.submit(gate.task("t"));
        Thread first = Thread.ofPlatform().start(pool::close);
        await().until(() -> pool.isClosed() && time.pending() == 1);
        Thread second = Thread.ofPlatform().start(pool::close);
        await().until(() -> second.getState() == Thread.State.WAITING);

        gate.open();
        first.join();
        second.join();

        assertThat(task).isCompletedWithValue("t");
        pool.close();
    }

    @Test
    void closeCalledFromOneOfItsOwnTasksDoesNotDeadlock() throws Exception {
        ThreadPoolBulkhead pool = ThreadPoolBulkhead.of("self-closing", 1, 0);
        CompletableFuture<String> task = pool.submit(() -> {
            pool.close();
            return "closed from inside";
        });

        assertThat(task.get(10, TimeUnit.SECONDS)).isEqualTo("closed from inside");
        assertThat(pool.isClosed()).isTrue();
        await().until(() -> threadsNamed("watertight-self-closing-1") == 0);
    }

    @Test
    void closingFromATimedOutFuturesCallbackNeverStallsTheSharedTimer() throws Exception {
        ThreadPoolBulkhead closing = ThreadPoolBulkhead.builder("closes-on-timeout").threads(1)
                .queueCapacity(0).timeout(Duration.ofMillis(20)).shutdownGrace(Duration.ofMillis(50)).build();
        ThreadPoolBulkhead neighbour = check.track(ThreadPoolBulkhead.builder("neighbour").threads(1)
                .queueCapacity(0).timeout(Duration.ofMillis(20)).build());
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch closeReturned = new CountDownLatch(1);
        AtomicBoolean sawInterrupt = new AtomicBoolean();
        closing.submit(() -> {
            awaitIgnoringInterrupts(release, sawInterrupt);
            return "late";
        }).whenComplete((value, failure) -> {
            closing.close(); // waits out the grace period: must not happen on the timer thread
            closeReturned.countDown();
        });

        // While that close waits, another compartment's timeout still fires.
        CompletableFuture<String> stuck = neighbour.submit(() -> {
            new CountDownLatch(1).await();
            return "never";
        });
        assertThat(causeOf(stuck)).isInstanceOf(TaskTimeoutException.class);
        assertThat(closeReturned.await(10, TimeUnit.SECONDS)).isTrue();
        release.countDown();
    }

    @Test
    void closeCalledAgainByADependentStageOnTheClosingThreadReturnsAtOnce() throws Exception {
        ThreadPoolBulkhead pool = ThreadPoolBulkhead.builder("reentrant").threads(1).queueCapacity(1)
                .shutdownGrace(Duration.ZERO).build();
        Gate gate = new Gate();
        pool.submit(gate.task("running"));
        await().until(() -> gate.started.get() == 1);
        AtomicBoolean innerCloseReturned = new AtomicBoolean();
        pool.submit(gate.task("queued")).whenComplete((value, failure) -> {
            pool.close(); // runs on the closing thread while close() drops this task
            innerCloseReturned.set(true);
        });

        Thread closer = Thread.ofPlatform().start(pool::close);
        closer.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(closer.isAlive()).as("close() deadlocked on itself").isFalse();
        assertThat(innerCloseReturned).isTrue();
        gate.open();
    }

    @Test
    void aTimeSourceThatFailsToScheduleFailsTheTaskNotTheWorker() throws Exception {
        IllegalStateException timerGone = new IllegalStateException("timer shut down");
        TimeSource broken = new TimeSource() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public java.util.concurrent.Future<?> schedule(Runnable action, long delayNanos) {
                throw timerGone;
            }
        };
        ThreadPoolBulkhead pool = check.track(ThreadPoolBulkhead.builder("broken-timer").threads(1)
                .queueCapacity(1).timeout(Duration.ofSeconds(1)).timeSource(broken).build());

        assertThat(causeOf(pool.submit(() -> "never runs"))).isSameAs(timerGone);
        assertThat(causeOf(pool.submit(() -> "nor this"))).isSameAs(timerGone);
        assertThat(pool.stats().failed()).isEqualTo(2);
    }

    @Test
    void listenersHearRejectionsTimeoutsAndCancellations() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        ThreadPoolBulkhead pool = check.track(ThreadPoolBulkhead.builder("watched").threads(1)
                .queueCapacity(1).timeout(Duration.ofSeconds(1)).timeSource(time)
                .listener(new CompartmentListener() {
                    @Override
                    public void onRejected(String compartment, CompartmentRejectedException rejection) {
                        heard.add("rejected " + compartment);
                    }

                    @Override
                    public void onTimedOut(String compartment, Duration timeout) {
                        heard.add("timed out after " + timeout.toMillis());
                    }

                    @Override
                    public void onCancelled(String compartment, boolean wasRunning) {
                        heard.add("cancelled running=" + wasRunning);
                        throw new IllegalStateException("listener bug");
                    }
                })
                .build());
        Gate gate = new Gate();
        CompletableFuture<String> running = pool.submit(gate.task("r"));
        await().until(() -> gate.started.get() == 1 && time.pending() == 1);
        CompletableFuture<String> queued = pool.submit(gate.task("q"));

        assertThatThrownBy(() -> pool.submit(gate.task("x"))).isInstanceOf(BulkheadFullException.class);
        queued.cancel(true);
        time.advance(1, TimeUnit.SECONDS);
        assertThat(causeOf(running)).isInstanceOf(TaskTimeoutException.class);

        // The timeout is reported after its future completes, on a thread of its own.
        await().untilAsserted(() -> assertThat(heard)
                .containsExactly("rejected watched", "cancelled running=false", "timed out after 1000"));
        assertThat(pool.listenerFailures()).isEqualTo(1);
        gate.open();
    }

    @Test
    void statsNameTheCompartmentAndItsSizes() {
        ThreadPoolBulkhead pool = check.track(ThreadPoolBulkhead.of("sizes", 3, 7));
        ThreadPoolStats stats = pool.stats();
        assertThat(stats.name()).isEqualTo("sizes");
        assertThat(stats.threads()).isEqualTo(3);
        assertThat(stats.queueCapacity()).isEqualTo(7);
        assertThat(stats.utilization()).isZero();
        assertThat(pool.toString()).contains("sizes");
    }

    @Test
    void nullTaskIsRefusedAndNothingIsAdmitted() {
        ThreadPoolBulkhead pool = check.track(ThreadPoolBulkhead.of("nulls", 1, 0));
        assertThatThrownBy(() -> pool.submit(null)).isInstanceOf(NullPointerException.class).hasMessage("task");
        assertThat(pool.stats().submitted()).isZero();
    }
}
