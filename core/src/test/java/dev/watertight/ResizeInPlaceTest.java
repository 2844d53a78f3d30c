package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.watertight.testing.ManualTimeSource;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The guards without a config record, and {@link Retry}: {@link Timeout#reconfigure},
 * {@link Retry#reconfigure}, {@link MemoryBulkhead#resize} and {@link CpuBudget#resize}.
 */
class ResizeInPlaceTest {
    private final ManualTimeSource time = new ManualTimeSource();

    @Test
    void aNewTimeoutAppliesToCallsThatStartAfterwards() throws Exception {
        Timeout timeout = Timeout.builder("quick").timeout(Duration.ofHours(1)).timeSource(time).build();
        CountDownLatch bodyWaiting = new CountDownLatch(1);
        AtomicReference<Exception> thrown = new AtomicReference<>();
        Thread before = Thread.ofPlatform().start(() -> {
            try {
                timeout.call(() -> {
                    bodyWaiting.countDown();
                    new CountDownLatch(1).await(); // interrupted by its own timeout, an hour on
                    return "never";
                });
            } catch (Exception e) {
                thrown.set(e);
            }
        });
        bodyWaiting.await();
        await().until(() -> time.pending() == 1);

        timeout.reconfigure(Duration.ofSeconds(1));
        assertThat(timeout.timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> timeout.call(() -> {
            time.advance(1, TimeUnit.SECONDS); // the timer fires on this very thread
            return "late";
        })).isInstanceOf(TaskTimeoutException.class).hasMessageContaining("1000 ms");
        assertThat(before.isAlive()).as("the call that started before keeps its hour").isTrue();

        time.advance(1, TimeUnit.HOURS);
        before.join();
        assertThat(thrown.get()).isInstanceOf(TaskTimeoutException.class).hasMessageContaining("3600000 ms");
        assertThat(timeout.stats().timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> timeout.reconfigure(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("timeout must be a positive duration");
    }

    @Test
    void aRetryTakesANewMaxAttemptsAndKeepsItsPredicates() throws Exception {
        Retry retry = Retry.builder("lookup").maxAttempts(2).backoff(Backoff.none())
                .retryOn(failure -> failure instanceof IOException).timeSource(time).build();
        AtomicInteger attempts = new AtomicInteger();

        retry.reconfigure(Retry.builder("lookup").maxAttempts(5).backoff(Backoff.none()).config());

        assertThat(retry.call(() -> {
            if (attempts.incrementAndGet() < 5) {
                throw new IOException("flaky");
            }
            return "found";
        })).isEqualTo("found");
        assertThat(attempts.get()).isEqualTo(5);
        attempts.set(0);
        assertThatThrownBy(() -> retry.call(() -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("not retried: the predicate built in is kept");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(attempts.get()).isEqualTo(1);
        assertThat(retry.config().maxAttempts()).isEqualTo(5);
        assertThat(retry.config().timeSource()).isSameAs(time);
        assertThatThrownBy(() -> retry.reconfigure(Retry.builder("other").config()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name cannot change on a running retry: is 'lookup', was given 'other'");
        assertThatThrownBy(() -> Retry.builder("lookup").maxAttempts(0))
                .hasMessage("maxAttempts must be between 1 and 2147483647, was 0");
    }

    @Test
    void aLoweredMemoryBudgetTakesNothingBackAndRefusesUntilBelow() {
        MemoryBulkhead cache = MemoryBulkhead.builder("cache").budget(1000).build();
        assertThat(cache.tryReserve(800)).isTrue();

        cache.resize(500);

        assertThat(cache.reserved()).isEqualTo(800);
        assertThat(cache.budget()).isEqualTo(500);
        assertThat(cache.tryReserve(1)).isFalse();
        cache.release(300);
        assertThat(cache.tryReserve(1)).as("500 held of 500").isFalse();
        cache.release(100);
        assertThat(cache.tryReserve(100)).isTrue();
        assertThat(cache.tryReserve(1)).isFalse();
        assertThat(cache.stats().budget()).isEqualTo(500);
    }

    @Test
    void aRaisedMemoryBudgetWakesWaitersAtOnce() throws Exception {
        MemoryBulkhead cache = MemoryBulkhead.builder("cache").budget(100).build();
        assertThat(cache.tryReserve(100)).isTrue();
        CompletableFuture<MemoryReservation> waiter = new CompletableFuture<>();
        Thread waiting = Thread.ofPlatform().start(() -> waiter.complete(cache.reserve(50, Duration.ofMinutes(1))));
        await().until(() -> waiting.getState() == Thread.State.TIMED_WAITING);

        cache.resize(150);

        try (MemoryReservation reservation = waiter.get(10, TimeUnit.SECONDS)) {
            assertThat(cache.reserved()).isEqualTo(150);
        }
        cache.release(100);
        assertThat(cache.reserved()).isZero();
    }

    @Test
    void memoryBudgetsKeepTheParentAndChildRulesWhenResized() {
        MemoryBulkhead caches = MemoryBulkhead.builder("caches").budget(1000).build();
        MemoryBulkhead users = MemoryBulkhead.builder("users").budget(600).parent(caches).build();

        assertThatThrownBy(() -> users.resize(1001))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("budget of 'users' must be at most the budget of its parent 'caches', 1000 B, was 1001 B");
        assertThatThrownBy(() -> caches.resize(599))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("budget of 'caches' must be at least the budget of its child 'users', 600 B, was 599 B");
        assertThatThrownBy(() -> caches.resize(0))
                .hasMessage("budget of 'caches' must be between 1 byte and 4 EiB (2^62 bytes), was 0 bytes");
        caches.resize(600);
        users.resize(100);
        caches.resize(100);
        assertThat(users.tryReserve(100)).isTrue();
        users.release(100);
        assertThat(caches.budget()).isEqualTo(100);
    }

    @Test
    void aCpuBudgetChargesAtItsNewRateFromTheResizeOn() {
        CpuBudget reporting = CpuBudget.builder("reporting").cores(1).window(Duration.ofMillis(100))
                .whenOver(CpuBudget.WhenOver.REFUSE).timeSource(time).build();
        reporting.charge(Duration.ofMillis(150).toNanos()); // 150 ms at 1 core: 50 ms over the window
        assertThatThrownBy(reporting::admit).isInstanceOf(CpuBudgetExceededException.class);
        time.advance(50, TimeUnit.MILLISECONDS);
        reporting.admit();

        reporting.resize(0.5);

        assertThat(reporting.cores()).isEqualTo(0.5);
        reporting.charge(Duration.ofMillis(10).toNanos()); // 20 ms at half a core
        assertThatThrownBy(reporting::admit).isInstanceOf(CpuBudgetExceededException.class);
        time.advance(19, TimeUnit.MILLISECONDS);
        assertThatThrownBy(reporting::admit).isInstanceOf(CpuBudgetExceededException.class);
        time.advance(1, TimeUnit.MILLISECONDS);
        reporting.admit();
        assertThat(reporting.stats().cores()).isEqualTo(0.5);
        assertThatThrownBy(() -> reporting.resize(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cores must be between 0.001 and 1024.0, was 0.0");
    }
}
