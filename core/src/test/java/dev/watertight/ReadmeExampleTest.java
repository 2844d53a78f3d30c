package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The README's example, compiled and run, so that it cannot rot. Keep the two in step. */
class ReadmeExampleTest {
    record Order(int amount) {}

    record Receipt(int amount) {}

    record Report(String type) {}

    private final CountDownLatch slowReports = new CountDownLatch(1);
    private String busyCompartment;

    private Receipt charge(Order order) {
        return new Receipt(order.amount());
    }

    private Report buildReport(String type) throws InterruptedException {
        slowReports.await();
        return new Report(type);
    }

    private void respondBusy(String compartment) {
        busyCompartment = compartment;
    }

    @Test
    void readmeExampleRuns() throws Exception {
        Order order = new Order(42);
        String type = "sales";

        Bulkhead payments = Bulkhead.builder("payments").maxConcurrent(10).maxWait(Duration.ofMillis(50)).build();
        Receipt receipt = payments.call(() -> charge(order));          // at most 10 at once

        ThreadPoolBulkhead reporting = ThreadPoolBulkhead.builder("reporting")
                .threads(2).queueCapacity(10).timeout(Duration.ofSeconds(30)).build();
        CompletableFuture<Report> report = reporting.submit(() -> buildReport(type)); // its own 2 threads

        for (int i = 0; i < 11; i++) {
            reporting.submit(() -> buildReport(type)); // fill the other thread and the queue
        }
        try {
            reporting.submit(() -> buildReport(type));
        } catch (BulkheadFullException full) {   // at once, no stack trace
            respondBusy(full.compartment());
        }

        assertThat(receipt.amount()).isEqualTo(42);
        assertThat(busyCompartment).isEqualTo("reporting");
        slowReports.countDown();
        assertThat(report.join().type()).isEqualTo("sales");
        reporting.close();
    }

    @Test
    void readmeCompartmentExampleRuns() throws Exception {
        Order order = new Order(7);

        Compartment payment = Compartment.builder("payment")
                .retry(Retry.builder("payment").maxAttempts(3).build())              // within a retry budget
                .circuitBreaker(CircuitBreaker.builder("payment").consecutiveFailures(3)
                        .openDuration(Duration.ofSeconds(30)).build())                // the seed's payment breaker
                .rateLimiter(RateLimiter.of("payment", 100, Duration.ofSeconds(1)))
                .bulkhead(Bulkhead.of("payment", 10))
                .timeout(Timeout.of("payment", Duration.ofSeconds(2)))
                .build();
        Receipt charged = payment.call(() -> charge(order));

        assertThat(charged.amount()).isEqualTo(7);
        assertThat(payment).hasToString("Compartment[payment: retry 'payment' -> circuit breaker 'payment'"
                + " -> rate limiter 'payment' -> bulkhead 'payment' (10) -> timeout 2000 ms -> call]");
    }
}
