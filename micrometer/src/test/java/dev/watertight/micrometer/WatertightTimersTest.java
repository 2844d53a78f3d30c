package dev.watertight.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.watertight.Bulkhead;
import dev.watertight.BulkheadFullException;
import dev.watertight.Compartment;
import dev.watertight.CompartmentConfig;
import dev.watertight.CompartmentRegistry;
import dev.watertight.ThreadPoolBulkhead;
import dev.watertight.TimeSource;
import dev.watertight.WatertightConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The timers {@code timers()} adds, as a Prometheus scrape shows them after a known sequence of calls. */
class WatertightTimersTest {

    /** A clock the test moves by hand; nothing in these tests schedules on it. */
    private static final class HandMovedClock implements TimeSource {
        private final AtomicLong now = new AtomicLong(1_000_000_000L);

        void advanceSeconds(long seconds) {
            now.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
        }

        @Override
        public long nanoTime() {
            return now.get();
        }

        @Override
        public Future<?> schedule(Runnable action, long delayNanos) {
            return new CompletableFuture<>(); // never due: the pools here have no timeout and close empty
        }
    }

    @Test
    void aBulkheadsTimersCountEveryAdmittedCallAndNoRefusedOne() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Bulkhead payments = Bulkhead.of("payments", 1);
        new WatertightMetrics().timers().bulkhead(payments).bindTo(registry);

        payments.call(() -> "ok");
        assertThatThrownBy(() -> payments.call(() -> {
            throw new IOException("down");
        })).isInstanceOf(IOException.class);
        try (Bulkhead.Permit held = payments.acquire()) {
            assertThatThrownBy(() -> payments.call(() -> 1)).isInstanceOf(BulkheadFullException.class);
        }
        String scrape = registry.scrape();

        assertThat(scrape)
                .contains("watertight_bulkhead_wait_seconds_count{compartment=\"payments\",name=\"payments\"} 3\n")
                .contains("watertight_bulkhead_wait_seconds_sum{compartment=\"payments\",name=\"payments\"} 0.0")
                .contains("watertight_bulkhead_execution_seconds_count{compartment=\"payments\",name=\"payments\"} 3\n")
                .contains("watertight_bulkhead_calls_total{compartment=\"payments\",name=\"payments\",outcome=\"rejected\"} 1.0");
    }

    @Test
    void aCompartmentsThreadPoolTimesItsQueueWaitAndExecutionOnItsOwnClock() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HandMovedClock clock = new HandMovedClock();
        ThreadPoolBulkhead pool = ThreadPoolBulkhead.builder("reporting-pool").threads(1).queueCapacity(2)
                .timeSource(clock).build();
        try {
            Compartment reporting = Compartment.builder("reporting").threadPool(pool).build();
            new WatertightMetrics().timers().compartment(reporting).bindTo(registry);
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch finish = new CountDownLatch(1);

            CompletableFuture<String> blocker = pool.submit(() -> {
                started.countDown();
                finish.await();
                return "report";
            });
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<String> queued = pool.submit(() -> "queued report");
            clock.advanceSeconds(2);
            finish.countDown();
            blocker.get(10, TimeUnit.SECONDS);
            queued.get(10, TimeUnit.SECONDS);
            String scrape = registry.scrape();

            assertThat(scrape)
                    .contains("watertight_threadpool_queue_wait_seconds_count{compartment=\"reporting\",name=\"reporting-pool\"} 2\n")
                    .contains("watertight_threadpool_queue_wait_seconds_sum{compartment=\"reporting\",name=\"reporting-pool\"} 2.0")
                    .contains("watertight_threadpool_queue_wait_seconds_max{compartment=\"reporting\",name=\"reporting-pool\"} 2.0")
                    .contains("watertight_threadpool_execution_seconds_count{compartment=\"reporting\",name=\"reporting-pool\"} 2\n")
                    .contains("watertight_threadpool_execution_seconds_sum{compartment=\"reporting\",name=\"reporting-pool\"} 2.0");
        } finally {
            pool.close();
        }
    }

    @Test
    void aRegistrysCompartmentsAreTimedIncludingThoseAddedByAReload() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CompartmentConfig search = new CompartmentConfig("search", null, null, null,
                Bulkhead.builder("search").maxConcurrent(3).config(), null, null, null);
        CompartmentRegistry compartments = CompartmentRegistry.create(
                new WatertightConfig(Map.of("search", search), Map.of(), Map.of(), Map.of()));
        new WatertightMetrics().registry(compartments).timers().bindTo(registry);

        compartments.compartment("search").call(() -> "found");
        CompartmentConfig checkout = new CompartmentConfig("checkout", null, null, null,
                Bulkhead.builder("checkout").maxConcurrent(2).config(), null, null, null);
        compartments.apply(new WatertightConfig(Map.of("search", search, "checkout", checkout),
                Map.of(), Map.of(), Map.of()));
        compartments.compartment("checkout").call(() -> "paid");
        compartments.compartment("checkout").call(() -> "paid again");

        assertThat(registry.scrape())
                .contains("watertight_bulkhead_execution_seconds_count{compartment=\"search\",name=\"search\"} 1\n")
                .contains("watertight_bulkhead_wait_seconds_count{compartment=\"checkout\",name=\"checkout\"} 2\n")
                .contains("watertight_bulkhead_execution_seconds_count{compartment=\"checkout\",name=\"checkout\"} 2\n");
    }

    @Test
    void aBulkheadBoundAloneAndInItsCompartmentOfTheSameNameIsTimedOnce() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Bulkhead payment = Bulkhead.of("payment", 2);
        Compartment compartment = Compartment.builder("payment").bulkhead(payment).build();
        new WatertightMetrics().timers().bulkhead(payment).compartment(compartment).bindTo(registry);

        compartment.call(() -> "paid");

        assertThat(registry.scrape())
                .contains("watertight_bulkhead_wait_seconds_count{compartment=\"payment\",name=\"payment\"} 1\n")
                .contains("watertight_bulkhead_execution_seconds_count{compartment=\"payment\",name=\"payment\"} 1\n");
    }

    @Test
    void aRegistrysCompartmentBoundAgainByItselfIsTimedOnce() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CompartmentConfig search = new CompartmentConfig("search", null, null, null,
                Bulkhead.builder("search").maxConcurrent(3).config(), null, null, null);
        ThreadPoolBulkhead pool = ThreadPoolBulkhead.builder("reports-pool").threads(1).queueCapacity(1).build();
        try (CompartmentRegistry compartments = CompartmentRegistry.create(
                new WatertightConfig(Map.of("search", search), Map.of(), Map.of(), Map.of()))) {
            Compartment reports = compartments.register(Compartment.builder("reports").threadPool(pool).build());
            new WatertightMetrics().timers().registry(compartments).compartment(compartments.compartment("search"))
                    .compartment(reports).bindTo(registry);

            compartments.compartment("search").call(() -> "found");
            reports.call(() -> "report"); // a pool's timings are made before its future completes

            assertThat(registry.scrape())
                    .contains("watertight_bulkhead_wait_seconds_count{compartment=\"search\",name=\"search\"} 1\n")
                    .contains("watertight_bulkhead_execution_seconds_count{compartment=\"search\",name=\"search\"} 1\n")
                    .contains("watertight_threadpool_queue_wait_seconds_count{compartment=\"reports\",name=\"reports-pool\"} 1\n")
                    .contains("watertight_threadpool_execution_seconds_count{compartment=\"reports\",name=\"reports-pool\"} 1\n");
        }
    }

    @Test
    void aGuardBoundToTwoMeterRegistriesIsTimedInEach() throws Exception {
        PrometheusMeterRegistry first = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PrometheusMeterRegistry second = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Bulkhead payment = Bulkhead.of("payment", 2);
        WatertightMetrics metrics = new WatertightMetrics().timers().bulkhead(payment);
        metrics.bindTo(first);
        metrics.bindTo(second);

        payment.call(() -> "paid");

        String count = "watertight_bulkhead_execution_seconds_count{compartment=\"payment\",name=\"payment\"} 1\n";
        assertThat(first.scrape()).contains(count);
        assertThat(second.scrape()).contains(count);
    }

    @Test
    void withoutTimersNoTimerIsPublished() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Bulkhead payments = Bulkhead.of("payments", 1);
        new WatertightMetrics().bulkhead(payments).bindTo(registry);

        payments.call(() -> "ok");

        assertThat(registry.scrape())
                .contains("watertight_bulkhead_calls_total{compartment=\"payments\",name=\"payments\",outcome=\"succeeded\"} 1.0")
                .doesNotContain("watertight_bulkhead_wait_seconds")
                .doesNotContain("watertight_bulkhead_execution_seconds");
    }
}
