package dev.watertight.seed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watertight.BulkheadFullException;
import dev.watertight.ThreadPoolBulkhead;
import dev.watertight.testing.CompartmentCheck;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The seed's promise, as a test: a flood of slow reports is refused at the {@code reporting}
 * compartment while user and order work keeps its latency. The reports block until the test
 * releases them, so they hold every reporting thread for the whole test; no timing is assumed.
 */
class ReportFloodTest {

    private static String spin(long nanos, String result) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        return result;
    }

    @Test
    void reportFloodIsRejectedAtReportingWhileUserAndOrderWorkKeepsItsLatency() throws Exception {
        try (ECommerceService service = new ECommerceService()) {
            CountDownLatch slowQueryFinishes = new CountDownLatch(1);
            List<CompletableFuture<String>> reports = new ArrayList<>();
            int rejectedReports = 0;
            long slowestRejectionNanos = 0;
            for (int i = 0; i < 100; i++) {
                long start = System.nanoTime();
                try {
                    reports.add(service.generateReport(() -> {
                        slowQueryFinishes.await();
                        return "report";
                    }));
                } catch (BulkheadFullException rejected) {
                    rejectedReports++;
                    slowestRejectionNanos = Math.max(slowestRejectionNanos, System.nanoTime() - start);
                    assertThat(rejected.compartment()).isEqualTo("reporting");
                }
            }

            // 2 running + 10 queued are admitted; the other 88 are refused at once.
            assertThat(reports).hasSize(12);
            assertThat(rejectedReports).isEqualTo(88);
            assertThat(slowestRejectionNanos).isLessThan(TimeUnit.MILLISECONDS.toNanos(50));

            // Meanwhile users sign up and orders go through, each taking about 1 ms of CPU.
            long[] latencies = new long[400];
            for (int i = 0; i < 200; i++) {
                long start = System.nanoTime();
                service.createUser(() -> spin(1_000_000, "user")).get(10, TimeUnit.SECONDS);
                latencies[i] = System.nanoTime() - start;
                start = System.nanoTime();
                service.processOrder(() -> spin(1_000_000, "order")).get(10, TimeUnit.SECONDS);
                latencies[200 + i] = System.nanoTime() - start;
            }
            Arrays.sort(latencies);
            long p99 = latencies[(int) (latencies.length * 0.99)];
            assertThat(p99).as("p99 of user and order work during the flood")
                    .isLessThan(TimeUnit.MILLISECONDS.toNanos(250));
            assertThat(reports).allMatch(report -> !report.isDone());
            assertThat(service.stats("user-ops").succeeded()).isEqualTo(200);
            assertThat(service.stats("order-ops").succeeded()).isEqualTo(200);
            assertThat(service.stats("reporting").rejected()).isEqualTo(88);
            assertThat(service.stats("reporting").activeThreads()).isEqualTo(2);
            assertThat(service.stats("reporting").queued()).isEqualTo(10);

            slowQueryFinishes.countDown();
            for (CompletableFuture<String> report : reports) {
                assertThat(report.get(10, TimeUnit.SECONDS)).isEqualTo("report");
            }
            service.allStats().forEach(stats -> org.awaitility.Awaitility.await()
                    .untilAsserted(() -> CompartmentCheck.assertWhole(
                            service.stats(stats.name()))));
        }
    }

    @Test
    void withOneSharedPoolTheSameFloodStarvesUserWork() throws Exception {
        // How most services are built: one pool with the same 17 threads and 80 queue places.
        try (ThreadPoolBulkhead shared = ThreadPoolBulkhead.of("shared", 17, 80)) {
            CountDownLatch slowQueryFinishes = new CountDownLatch(1);
            CountDownLatch allThreadsTaken = new CountDownLatch(17);
            for (int i = 0; i < 90; i++) {
                shared.submit(() -> {
                    allThreadsTaken.countDown();
                    slowQueryFinishes.await();
                    return "report";
                });
            }
            assertThat(allThreadsTaken.await(10, TimeUnit.SECONDS)).isTrue();

            CompletableFuture<String> signup = shared.submit(() -> "user");

            // Every thread is held by a report and 73 more reports are queued ahead of the user.
            assertThat(shared.stats().activeThreads()).isEqualTo(17);
            assertThat(signup).isNotDone();
            slowQueryFinishes.countDown();
            assertThat(signup.get(10, TimeUnit.SECONDS)).isEqualTo("user");
        }
    }
}
