package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.watertight.testing.ManualTimeSource;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The monitor over real compartments built with {@link Compartment#builder}: each signal comes
 * from the right counters of the right guard; and sampling on a thread of its own.
 */
class HealthMonitorCompartmentsTest {

    @Test
    void signalsOfABulkheadAndAThreadPoolComeFromTheirStats() throws Exception {
        CircuitBreaker breaker = CircuitBreaker.builder("payments").build();
        Bulkhead bulkhead = Bulkhead.builder("payments").maxConcurrent(4).build();
        Compartment payments = Compartment.builder("payments").circuitBreaker(breaker).bulkhead(bulkhead).build();
        ThreadPoolBulkhead pool = ThreadPoolBulkhead.builder("reporting").threads(1).queueCapacity(2).build();
        Compartment reporting = Compartment.builder("reporting").threadPool(pool).build();
        ManualTimeSource time = new ManualTimeSource();
        HealthMonitor monitor = HealthMonitor.builder(() -> List.of(payments.stats(), reporting.stats()))
                .timeSource(time).build();
        monitor.sample();

        List<Bulkhead.Permit> held = new ArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        try {
            for (int i = 0; i < 20; i++) {
                int call = i;
                Throwable failure = call < 5 ? new IOException("down") : null;
                Callable<String> task = () -> {
                    if (failure != null) {
                        throw (IOException) failure;
                    }
                    return "ok" + call;
                };
                boolean failedOnPayments = calls(payments, task);
                boolean failedOnReporting = calls(reporting, task);
                assertThat(failedOnPayments).isEqualTo(failedOnReporting).isEqualTo(call < 5);
            }
            for (int i = 0; i < 4; i++) {
                held.add(bulkhead.acquire()); // every permit taken...
            }
            for (int i = 0; i < 5; i++) {
                assertThatThrownBy(() -> payments.call(() -> "no room")).isInstanceOf(BulkheadFullException.class);
            }
            pool.submit(() -> {
                release.await();
                return "done";
            });
            await().until(() -> pool.stats().activeThreads() == 1); // ...every thread busy...
            pool.submit(() -> "queued 1");
            pool.submit(() -> "queued 2"); // ...and the queue full
            assertThatThrownBy(() -> pool.submit(() -> "no room")).isInstanceOf(BulkheadFullException.class);

            HealthReport report = null;
            for (int second = 0; second < 30; second++) {
                time.advance(1, TimeUnit.SECONDS);
                report = monitor.sample();
            }

            CompartmentHealth onPayments = report.compartment("payments").orElseThrow();
            assertThat(onPayments.utilization()).isEqualTo(1.0);
            assertThat(onPayments.queueFill()).isNull();
            assertThat(onPayments.failureRate()).isEqualTo(5 / 20.0);
            assertThat(onPayments.rejectionRate()).isEqualTo(5 / (20 + 4 + 5.0));
            assertThat(onPayments.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(onPayments.health()).isEqualTo(Health.UNHEALTHY);
            assertThat(onPayments.reasons()).containsExactly("utilization 1.00 over 30 s >= 0.95",
                    "rejection rate 0.17 (5 of 29 calls) over 30 s >= 0.05",
                    "failure rate 0.25 (5 of 20 calls) over 30 s >= 0.10");

            CompartmentHealth onReporting = report.compartment("reporting").orElseThrow();
            assertThat(onReporting.utilization()).isEqualTo(1.0);
            assertThat(onReporting.queueFill()).isEqualTo(1.0);
            assertThat(onReporting.failureRate()).isEqualTo(5 / 20.0);
            assertThat(onReporting.rejectionRate()).isEqualTo(1 / (20 + 3 + 1.0));
            assertThat(onReporting.breakerState()).isNull();
            assertThat(onReporting.reasons()).contains("queue fill 1.00 over 30 s >= 0.90");

            breaker.forceOpen(); // refusals by the breaker are rejections too
            for (int i = 0; i < 20; i++) {
                assertThatThrownBy(() -> payments.call(() -> "refused")).isInstanceOf(CircuitBreakerOpenException.class);
            }
            time.advance(1, TimeUnit.SECONDS);
            CompartmentHealth open = monitor.sample().compartment("payments").orElseThrow();
            assertThat(open.breakerState()).isEqualTo(CircuitBreaker.State.FORCED_OPEN);
            assertThat(open.reasons()).startsWith("circuit breaker FORCED_OPEN");
            assertThat(open.rejectionRate()).isEqualTo(1.0); // the earlier calls, 31 s old, have left the window
        } finally {
            held.forEach(Bulkhead.Permit::close);
            release.countDown();
            reporting.close();
        }
    }

    private static boolean calls(Compartment compartment, Callable<String> task) {
        try {
            compartment.call(task);
            return false;
        } catch (Exception failure) {
            return true;
        }
    }

    @Test
    void startSamplesOnADaemonThreadOfItsOwnUntilClosed() throws Exception {
        CountDownLatch samples = new CountDownLatch(3);
        AtomicReference<Thread> sampler = new AtomicReference<>();
        HealthMonitor monitor = HealthMonitor.builder(() -> {
            sampler.set(Thread.currentThread());
            samples.countDown();
            return List.of();
        }).build();
        try (HealthMonitor.Sampling sampling = monitor.start(Duration.ofMillis(5))) {
            assertThat(samples.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(sampler.get().getName()).isEqualTo("watertight-health");
            assertThat(sampler.get().isDaemon()).isTrue();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !sampler.get().isAlive());
    }

    @Test
    void samplingOnTheCallersExecutorGoesOnAfterAFailingSampleAndStopsWhenClosed() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
        executor.setRemoveOnCancelPolicy(true);
        HealthMonitor monitor = HealthMonitor.builder(() -> {
            throw new IllegalStateException("registry unavailable");
        }).build();
        try {
            HealthMonitor.Sampling sampling = monitor.start(executor, Duration.ofMillis(5));
            await().atMost(Duration.ofSeconds(10)).until(() -> monitor.samplingFailures() >= 3);
            sampling.close();
            assertThat(executor.getQueue()).isEmpty();
            assertThat(executor.isShutdown()).isFalse();
        } finally {
            executor.shutdownNow();
        }
    }
}
