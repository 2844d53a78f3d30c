package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.watertight.testing.CompartmentCheck;
import dev.watertight.testing.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link ThreadPoolBulkhead#resize} and {@link ThreadPoolBulkhead#reconfigure}: limits changed in place. */
class ThreadPoolResizeTest {
    @RegisterExtension
    final CompartmentCheck check = new CompartmentCheck();

    /** A task that signals when it starts and blocks until released. */
    private static final class Held {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Integer> future;

        Held submitTo(ThreadPoolBulkhead pool, AtomicInteger running) {
            future = pool.submit(() -> {
                running.incrementAndGet();
                started.countDown();
                try {
                    release.await();
                } finally {
                    running.decrementAndGet();
                }
                return 1;
            });
            return this;
        }

        boolean hasStarted() {
            return started.getCount() == 0;
        }

        void finish() throws Exception {
            release.countDown();
            assertThat(future.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        }
    }

    private static ThreadPoolBulkhead pool(String name, int threads, int queue, boolean virtualThreads) {
        return ThreadPoolBulkhead.builder(name).threads(threads).queueCapacity(queue)
                .virtualThreads(virtualThreads).build();
    }

    @ParameterizedTest(name = "virtual threads: {0}")
    @ValueSource(booleans = {false, true})
    void growingStartsTasksThatWereQueued(boolean virtualThreads) throws Exception {
        ThreadPoolBulkhead pool = check.track(pool("grow", 1, 5, virtualThreads));
        AtomicInteger running = new AtomicInteger();
        List<Held> tasks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            tasks.add(new Held().submitTo(pool, running));
        }
        tasks.get(0).started.await();
        assertThat(pool.stats().queued()).isEqualTo(2);

        pool.resize(3, 5);

        for (Held task : tasks) {
            assertThat(task.started.await(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(running.get()).isEqualTo(3);
        assertThat(pool.stats().threads()).isEqualTo(3);
        assertThat(pool.stats().activeThreads()).isEqualTo(3);
        assertThat(pool.config().threads()).isEqualTo(3);
        for (Held task : tasks) {
            task.finish();
        }
    }

    @ParameterizedTest(name = "virtual threads: {0}")
    @ValueSource(booleans = {false, true})
    void shrinkingLetsRunningTasksFinishAndStartsNoneWhileAsManyAsTheNewLimitRun(boolean virtualThreads)
            throws Exception {
        ThreadPoolBulkhead pool = check.track(pool("shrink", 3, 5, virtualThreads));
        AtomicInteger running = new AtomicInteger();
        List<Held> first = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            first.add(new Held().submitTo(pool, running));
        }
        for (Held task : first) {
            task.started.await();
        }
        Held fourth = new Held().submitTo(pool, running);
        Held fifth = new Held().submitTo(pool, running);

        pool.resize(1, 5);
        assertThat(pool.stats().threads()).isEqualTo(1);
        assertThat(pool.stats().activeThreads()).as("nothing is taken back").isEqualTo(3);

        first.get(0).finish();
        first.get(1).finish();
        // Two of the three have ended and one still runs: at the new limit, so nothing may start.
        assertThat(pool.stats().activeThreads()).isEqualTo(1);
        assertThat(fourth.hasStarted() || fifth.hasStarted()).isFalse();

        first.get(2).finish();
        fourth.started.await();
        assertThat(running.get()).isEqualTo(1);
        assertThat(fifth.hasStarted()).as("one at a time now").isFalse();
        assertThat(pool.stats().queued()).isEqualTo(1);

        fourth.finish();
        fifth.started.await();
        assertThat(running.get()).isEqualTo(1);
        fifth.finish();
    }

    @Test
    void aQueueShrunkBelowWhatItHoldsKeepsEveryTaskAndRefusesNewOnesUntilBelow() throws Exception {
        ThreadPoolBulkhead pool = check.track(pool("queue", 1, 4, false));
        AtomicInteger running = new AtomicInteger();
        List<Held> tasks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tasks.add(new Held().submitTo(pool, running));
        }
        tasks.get(0).started.await();

        pool.resize(1, 1);

        assertThat(pool.stats().queued()).isEqualTo(4);
        assertThat(pool.stats().queueCapacity()).isEqualTo(1);
        assertThatThrownBy(() -> pool.submit(() -> 0)).isInstanceOf(BulkheadFullException.class);
        for (int i = 0; i < 4; i++) {
            tasks.get(i).finish();
            tasks.get(i + 1).started.await();
        }
        // One runs, none waits: the queue has room again.
        CompletableFuture<Integer> late = pool.submit(() -> 2);
        assertThatThrownBy(() -> pool.submit(() -> 0)).isInstanceOf(BulkheadFullException.class);
        tasks.get(4).finish();
        assertThat(late.get(10, TimeUnit.SECONDS)).isEqualTo(2);
        ThreadPoolStats stats = pool.stats();
        assertThat(stats.succeeded()).isEqualTo(6);
        assertThat(stats.rejected()).isEqualTo(2);
    }

    @Test
    void idleSurplusWorkersRetireAndTheSmallerPoolKeepsServing() throws Exception {
        ThreadPoolBulkhead pool = check.track(pool("retire", 4, 10, false));
        AtomicInteger running = new AtomicInteger();
        List<Held> tasks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            tasks.add(new Held().submitTo(pool, running));
        }
        for (Held task : tasks) {
            task.started.await();
            task.finish();
        }
        String prefix = "watertight-retire-";
        await().until(() -> liveThreads(prefix) == 4);

        pool.resize(2, 10);

        await().atMost(Duration.ofSeconds(10)).until(() -> liveThreads(prefix) == 2);
        List<CompletableFuture<Integer>> more = new ArrayList<>();
        for (int i = 0; i < 12; i++) { // two running, ten queued at most
            more.add(pool.submit(() -> 1));
        }
        for (CompletableFuture<Integer> future : more) {
            assertThat(future.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        }
        assertThat(liveThreads(prefix)).isLessThanOrEqualTo(2);
    }

    private static long liveThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().startsWith(prefix))
                .count();
    }

    @Test
    void resizeIsValidatedLikeTheBuilder() {
        ThreadPoolBulkhead pool = check.track(ThreadPoolBulkhead.of("checked", 2, 2));

        assertThatThrownBy(() -> pool.resize(0, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threads must be between 1 and 100000, was 0");
        assertThatThrownBy(() -> pool.resize(100_001, 2))
                .hasMessage("threads must be between 1 and 100000, was 100001");
        assertThatThrownBy(() -> pool.resize(2, -1))
                .hasMessage("queueCapacity must be between 0 and 2147483647, was -1");
        assertThatThrownBy(() -> pool.resize(2, Integer.MAX_VALUE))
                .hasMessage("threads + queueCapacity must be at most 2147483647, was 2 + 2147483647 = 2147483649");
        assertThat(pool.stats().threads()).as("a refused resize changes nothing").isEqualTo(2);
        assertThat(pool.stats().queueCapacity()).isEqualTo(2);
    }

    @Test
    void reconfigureAppliesTheTimeoutToTasksThatStartAfterwards() throws Exception {
        ManualTimeSource time = new ManualTimeSource();
        ThreadPoolBulkhead pool = check.track(ThreadPoolBulkhead.builder("timed").threads(2).queueCapacity(2)
                .timeSource(time).build());
        AtomicInteger running = new AtomicInteger();
        Held before = new Held().submitTo(pool, running);
        before.started.await();

        pool.reconfigure(ThreadPoolBulkhead.builder("timed").threads(3).queueCapacity(7)
                .timeout(Duration.ofSeconds(1)).shutdownGrace(Duration.ofSeconds(2)).config());
        Held after = new Held().submitTo(pool, running);
        after.started.await();
        time.advance(1, TimeUnit.SECONDS);

        assertThatThrownBy(() -> after.future.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TaskTimeoutException.class);
        assertThat(before.future).as("the task that started before keeps no timeout").isNotDone();
        before.finish();
        after.release.countDown();

        ThreadPoolBulkheadConfig config = pool.config();
        assertThat(config.threads()).isEqualTo(3);
        assertThat(config.queueCapacity()).isEqualTo(7);
        assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.shutdownGrace()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.timeSource()).as("the running pool keeps its time source").isSameAs(time);
        assertThat(pool.stats().threads()).isEqualTo(3);
        assertThat(pool.stats().queueCapacity()).isEqualTo(7);
    }

    @Test
    void reconfigureRefusesToChangeVirtualThreadsOrTheName() {
        ThreadPoolBulkhead pool = check.track(ThreadPoolBulkhead.of("fixed", 2, 2));

        assertThatThrownBy(() -> pool.reconfigure(
                ThreadPoolBulkhead.builder("fixed").threads(2).virtualThreads(true).config()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("virtualThreads cannot change on a running pool: is false, was given true; build a new pool instead");
        assertThatThrownBy(() -> pool.reconfigure(ThreadPoolBulkhead.builder("other").threads(5).config()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name cannot change on a running pool: is 'fixed', was given 'other'");
        assertThat(pool.config().threads()).as("a refused reconfiguration changes nothing").isEqualTo(2);
    }

    @Test
    void theBuildersConfigIsWhatTheBuiltPoolReports() {
        ThreadPoolBulkhead.Builder builder = ThreadPoolBulkhead.builder("same").threads(3).queueCapacity(4)
                .timeout(Duration.ofSeconds(9));
        ThreadPoolBulkhead pool = check.track(builder.build());

        assertThat(builder.config()).isEqualTo(pool.config());
        assertThatThrownBy(() -> ThreadPoolBulkhead.builder("big").threads(2).queueCapacity(Integer.MAX_VALUE).config())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("threads + queueCapacity must be at most");
    }
}
