package dev.watertight.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Refusals by Watertight's guards are 503 with Retry-After, naming the compartment and why. */
class RejectionTest {

    @Test
    void aFullReportingCompartmentAnswers503WithRetryAfter() {
        // Reports hold the analytics connections long enough for 2 to run and 10 to queue.
        try (ShopService shop = ShopService.start(Tests.fast().reportDelay(Duration.ofSeconds(1)))) {
            Http http = new Http(shop.baseUri());
            List<CompletableFuture<Http.Answer>> reports = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                reports.add(http.getAsync("/reports/sales"));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                JsonNode reporting = Tests.compartment(shop.snapshots().tree(), "reporting");
                return reporting.path("inUse").asInt() == 2 && reporting.path("queued").asInt() == 10;
            });

            Http.Answer refused = http.get("/reports/users");
            assertThat(refused.status()).as("%s", refused).isEqualTo(503);
            assertThat(refused.retryAfter()).hasValueSatisfying(seconds -> assertThat(Long.parseLong(seconds)).isPositive());
            assertThat(refused.json().path("compartment").asText()).isEqualTo("reporting");
            assertThat(refused.json().path("reason").asText()).isEqualTo("full");

            // The neighbours do not notice.
            Tests.signUp(http, "neighbour");
            assertThat(Tests.compartment(shop.snapshots().tree(), "reporting").path("rejected").asLong()).isEqualTo(1);
            // Shutting down answers the queued reports (finished or 503), none hangs.
            shop.close();
            for (CompletableFuture<Http.Answer> report : reports) {
                assertThat(report.join().status()).isIn(200, 503);
            }
        }
    }

    @Test
    void paymentsOverTenThousandAre422AndThreeFailuresOfPaymentItselfOpenItsBreaker() {
        try (ShopService shop = ShopService.start(Tests.fast())) {
            Http http = new Http(shop.baseUri());
            long user = Tests.signUp(http, "big-spender");
            for (int i = 0; i < 5; i++) {
                Http.Answer declined = http.post("/orders", "{\"userId\":" + user + ",\"amount\":10000.01}");
                assertThat(declined.status()).as("%s", declined).isEqualTo(422);
                assertThat(declined.json().path("field").asText()).isEqualTo("amount");
            }
            assertThat(Tests.compartment(shop.snapshots().tree(), "payment").path("breaker").asText()).isEqualTo("CLOSED");
            shop.stub("payment").behave(new DependencyStub.Behaviour(java.time.Duration.ofMillis(1), 1.0));
            for (int i = 0; i < 3; i++) {
                Http.Answer failed = http.post("/orders", "{\"userId\":" + user + ",\"amount\":5}");
                assertThat(failed.status()).as("%s", failed).isEqualTo(502);
                assertThat(failed.json().path("dependency").asText()).isEqualTo("payment");
                assertThat(failed.json().path("error").asText()).contains("injected failure");
            }
            long paymentCalls = shop.stub("payment").calls();

            Http.Answer refused = http.post("/orders", "{\"userId\":" + user + ",\"amount\":5}");
            assertThat(refused.status()).as("%s", refused).isEqualTo(503);
            assertThat(refused.json().path("compartment").asText()).isEqualTo("payment");
            assertThat(refused.json().path("reason").asText()).isEqualTo("circuit-open");
            assertThat(refused.retryAfter()).hasValueSatisfying(seconds -> assertThat(Long.parseLong(seconds)).isBetween(1L, 30L));
            assertThat(shop.stub("payment").calls()).as("an open breaker spares the dependency").isEqualTo(paymentCalls);
            assertThat(Tests.compartment(shop.snapshots().tree(), "payment").path("breaker").asText()).isEqualTo("OPEN");
            assertThat(shop.snapshots().tree().path("events").findValuesAsText("kind")).contains("STATE_CHANGE");
            // Sign-ups, on another compartment, go on.
            Tests.signUp(http, "small-spender");
        }
    }

    @Test
    void exactlyTenThousandIsPaid() {
        try (ShopService shop = ShopService.start(Tests.fast())) {
            Http http = new Http(shop.baseUri());
            long user = Tests.signUp(http, "edge");
            assertThat(http.post("/orders", "{\"userId\":" + user + ",\"amount\":10000}").status()).isEqualTo(201);
        }
    }
}
