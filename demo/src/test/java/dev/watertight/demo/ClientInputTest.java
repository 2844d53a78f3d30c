package dev.watertight.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every input is checked before any dependency is called, strictly, and no client can open a
 * breaker while the dependencies are healthy (issue 18, item 1). Against the real server.
 */
class ClientInputTest {
    private static ShopService shop;
    private static Http http;

    @BeforeAll
    static void start() {
        shop = ShopService.start(Tests.fast());
        http = new Http(shop.baseUri());
    }

    @AfterAll
    static void stop() {
        shop.close();
    }

    private static JsonNode refused(Http.Answer answer, int status, String field) {
        assertThat(answer.status()).as("%s", answer).isEqualTo(status);
        assertThat(answer.json()).as("a JSON body: %s", answer).isNotNull();
        if (field != null) {
            assertThat(answer.json().path("field").asText()).as("%s", answer).isEqualTo(field);
            assertThat(answer.json().path("allowed").asText()).as("%s", answer).isNotBlank();
        }
        assertThat(answer.text()).doesNotContain("Exception").doesNotContain("java.");
        return answer.json();
    }

    @Test
    void strictJsonRefusesTrailingDataNonNumbersAndDuplicates() {
        long user = Tests.signUp(http, "strict");
        long paymentsBefore = shop.stub("payment").calls();
        refused(http.post("/orders", "{\"userId\":" + user + ",\"amount\":5}xyz"), 400, null);
        refused(http.post("/orders", "{\"userId\":" + user + ",\"amount\":NaN}"), 400, null);
        refused(http.post("/orders", "{\"userId\":" + user + ",\"amount\":Infinity}"), 400, null);
        refused(http.post("/orders", "{\"userId\":" + user + ",\"amount\":5,\"amount\":6}"), 400, null);
        JsonNode huge = refused(http.post("/orders", "{\"userId\":" + user + ",\"amount\":1e309}"), 422, "amount");
        assertThat(huge.path("value").asText()).isEqualTo("1E+309");
        refused(http.post("/orders", "{\"userId\":" + user + ",\"amount\":10000.01}"), 422, "amount");
        refused(http.post("/orders", "{\"userId\":" + user + ",\"amount\":0.001}"), 422, "amount");
        refused(http.post("/orders", "{\"userId\":18446744073709551716,\"amount\":5}"), 400, "userId");
        refused(http.post("/orders", "{\"userId\":" + user + ",\"amount\":5,\"coupon\":\"x\"}"), 400, "coupon");
        assertThat(shop.stub("payment").calls()).as("payment never called").isEqualTo(paymentsBefore);
    }

    @Test
    void stubChangesAreCheckedWholeAndExactly() {
        var before = shop.stub("analytics").behaviour();
        refused(http.post("/admin/stubs/analytics", "{\"latencyMs\":18446744073709551716}"), 422, "latencyMs");
        refused(http.post("/admin/stubs/analytics", "{\"latency\":5000}"), 400, "latency");
        refused(http.post("/admin/stubs/analytics", "{\"latencyMs\":5.5}"), 400, "latencyMs");
        refused(http.post("/admin/stubs/analytics", "{\"failureRate\":1e400}"), 422, "failureRate");
        assertThat(shop.stub("analytics").behaviour()).isEqualTo(before);
    }

    @Test
    void aDeclinedPaymentIsTheClientsAnswerNeverTheBreakersFailure() throws Exception {
        // Straight at the payment stub through the breaker, as if validation had been skipped.
        Isolation isolation = shop.isolation();
        DependencyClient client = new DependencyClient(new ObjectMapper(),
                java.util.Map.of("payment", shop.stub("payment").uri()));
        try (client) {
            for (int i = 0; i < 10; i++) {
                try {
                    isolation.dependency("payment", () -> client.call("payment", java.util.Map.of("amount", 20_000)));
                } catch (DependencyRefusedException declined) {
                    assertThat(declined.status()).isEqualTo(422);
                }
            }
        }
        assertThat(breaker("payment")).isEqualTo("CLOSED");
    }

    /** Any sequence of requests a client can send leaves every breaker closed, and none is answered 5xx. */
    @Test
    void noSequenceOfClientRequestsOpensABreakerWhileTheDependenciesAreHealthy() {
        long user = Tests.signUp(http, "fuzz");
        List<String> orders = List.of(
                "{\"userId\":" + user + ",\"amount\":10001}", "{\"userId\":" + user + ",\"amount\":1e9}",
                "{\"userId\":" + user + ",\"amount\":1e309}", "{\"userId\":" + user + ",\"amount\":-1}",
                "{\"userId\":" + user + ",\"amount\":5}", "{\"userId\":987654321,\"amount\":5}",
                "{\"userId\":" + user + ",\"amount\":5}trailing", "{\"userId\":" + user + "}",
                "{\"userId\":" + user + ",\"amount\":\"5\"}", "{\"userId\":" + user + ",\"amount\":9999.99}",
                "[]", "", "{\"userId\":" + user + ",\"amount\":5,\"x\":1}", "{\"userId\":0,\"amount\":5}");
        List<String> signUps = List.of("{\"username\":\"u\",\"email\":\"u@example.org\"}",
                "{\"username\":\"u\",\"email\":\"nope\"}", "{\"username\":\"" + "x".repeat(300) + "\",\"email\":\"a@b\"}",
                "{\"username\":\"u\",\"email\":\"not-accepted@" + "x".repeat(250) + "\"}");
        List<String> reads = List.of("/users/" + user, "/users/abc", "/users/-1", "/users/99999999999999999999",
                "/reports/sales", "/reports/nope");
        Random random = new Random(18);
        List<String> fiveHundreds = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Http.Answer answer = switch (random.nextInt(3)) {
                case 0 -> http.post("/orders", orders.get(random.nextInt(orders.size())));
                case 1 -> http.post("/users", signUps.get(random.nextInt(signUps.size())));
                default -> http.get(reads.get(random.nextInt(reads.size())));
            };
            if (answer.status() >= 500) {
                fiveHundreds.add(answer.toString());
            }
            for (String dependency : ShopService.DEPENDENCIES) {
                assertThat(breaker(dependency)).as("%s after request %d", dependency, i).isEqualTo("CLOSED");
            }
        }
        assertThat(fiveHundreds).isEmpty();
    }

    private static String breaker(String compartment) {
        return Tests.compartment(shop.snapshots().tree(), compartment).path("breaker").asText();
    }
}
