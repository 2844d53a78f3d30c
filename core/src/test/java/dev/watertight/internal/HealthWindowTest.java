package dev.watertight.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watertight.BulkheadStats;
import dev.watertight.CircuitBreaker;
import dev.watertight.CircuitBreakerStats;
import dev.watertight.CompartmentStats;
import dev.watertight.CpuBudgetStats;
import dev.watertight.RateLimiterStats;
import dev.watertight.ThreadPoolStats;
import dev.watertight.TimeoutStats;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A health window's memory bound, its averages, and what a reading takes from each guard's stats. */
class HealthWindowTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private static HealthReading busy(double utilization, long calls) {
        return new HealthReading(utilization, Double.NaN, calls, 0, calls, 0, null);
    }

    @Test
    void samplingFasterThanTheResolutionMergesSlotsSoMemoryStaysBounded() {
        HealthWindow window = new HealthWindow(30 * SECOND, SECOND);
        assertThat(window.capacity()).isEqualTo(32);
        long now = 0;
        for (int i = 0; i < 10_000; i++) { // every 10 ms for 100 s: half idle, half full, alternating
            window.add(now, busy(i % 2, i));
            now += SECOND / 100;
        }
        assertThat(window.size()).isLessThanOrEqualTo(32);
        assertThat(window.utilization()).isCloseTo(0.5, org.assertj.core.api.Assertions.offset(0.02));
        assertThat(window.offered()).isBetween(2_900L, 3_100L); // 30 s of 100 calls a second
    }

    @Test
    void aLongWindowAtAFineResolutionIsCappedAndStillAverages() {
        HealthWindow window = new HealthWindow(TimeUnit.DAYS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1));
        assertThat(window.capacity()).isEqualTo(HealthWindow.MAX_SLOTS);
        long step = TimeUnit.SECONDS.toNanos(10);
        for (long t = 0; t <= TimeUnit.DAYS.toNanos(2); t += step) {
            window.add(t, busy(0.25, t / step));
        }
        assertThat(window.size()).isLessThanOrEqualTo(HealthWindow.MAX_SLOTS);
        assertThat(window.utilization()).isCloseTo(0.25, org.assertj.core.api.Assertions.offset(0.001));
    }

    @Test
    void theTimeBeforeTheFirstReadingCountsAsIdle() {
        HealthWindow window = new HealthWindow(10 * SECOND, SECOND);
        window.add(0, busy(1.0, 0));
        assertThat(window.utilization()).isEqualTo(0.0);
        window.add(5 * SECOND, busy(1.0, 0));
        assertThat(window.utilization()).isEqualTo(0.5);
    }

    @Test
    void aThreadPoolGivesUtilizationQueueFillAndCountsTimeoutsAsFailures() {
        ThreadPoolStats pool = new ThreadPoolStats("p", 4, 3, 5, 10, 100, 60, 10, 7, 5, 3);
        HealthReading reading = HealthReading.of(stats(null, null, null, pool, null, null));
        assertThat(reading).isEqualTo(new HealthReading(0.75, 0.5, 100, 7, 75, 15, null));
        ThreadPoolStats noQueue = new ThreadPoolStats("p", 4, 4, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(HealthReading.of(stats(null, null, null, noQueue, null, null)).queueFill()).isNaN();
    }

    @Test
    void refusalsOfEveryGuardAddUpAndAdmissionsComeFromTheInnermost() {
        CircuitBreakerStats breaker = new CircuitBreakerStats("c", CircuitBreaker.State.HALF_OPEN, 0, 0, 0, -1, -1, 11);
        RateLimiterStats limiter = new RateLimiterStats("c", 10, Duration.ofSeconds(1), 10, 0, 0, 90, 13);
        BulkheadStats bulkhead = new BulkheadStats("c", 10, 2, 1, 80, 17, 70, 8);
        CpuBudgetStats cpu = new CpuBudgetStats("c", 0.5, Duration.ZERO, 100, 0, 19);
        HealthReading reading = HealthReading.of(stats(breaker, limiter, bulkhead, null, null, cpu));
        assertThat(reading).isEqualTo(new HealthReading(0.2, Double.NaN, 80, 11 + 13 + 17 + 19, 78, 8,
                CircuitBreaker.State.HALF_OPEN));

        HealthReading limiterOnly = HealthReading.of(stats(null, limiter, null, null, null, null));
        assertThat(limiterOnly).isEqualTo(new HealthReading(Double.NaN, Double.NaN, 90, 13, -1, -1, null));
    }

    @Test
    void aTimeoutAloneGivesAFailureRateButNoRejectionRate() {
        TimeoutStats timeout = new TimeoutStats("t", Duration.ofSeconds(1), 50, 5);
        assertThat(HealthReading.of(stats(null, null, null, null, timeout, null)))
                .isEqualTo(new HealthReading(Double.NaN, Double.NaN, -1, -1, 50, 5, null));
    }

    private static CompartmentStats stats(CircuitBreakerStats breaker, RateLimiterStats limiter, BulkheadStats bulkhead,
            ThreadPoolStats pool, TimeoutStats timeout, CpuBudgetStats cpu) {
        return new CompartmentStats("c", null, breaker, limiter, bulkhead, pool, timeout, null, cpu);
    }
}
