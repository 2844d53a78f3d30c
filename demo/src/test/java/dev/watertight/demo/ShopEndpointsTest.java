package dev.watertight.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each endpoint's happy path, in both builds, over real HTTP. */
class ShopEndpointsTest {
    private static final Map<Mode, ShopService> SHOPS = new EnumMap<>(Mode.class);
    private static final AtomicBoolean VIRTUAL = new AtomicBoolean();

    @BeforeAll
    static void start() {
        for (Mode mode : Mode.values()) {
            SHOPS.put(mode, ShopService.start(Tests.fast().mode(mode).withRoutes((config, shop) ->
                    config.routes.get("/test/thread", ctx -> {
                        VIRTUAL.set(Thread.currentThread().isVirtual());
                        ctx.result("ok");
                    }))));
        }
    }

    @AfterAll
    static void stop() {
        SHOPS.values().forEach(ShopService::close);
    }

    private static Http http(Mode mode) {
        return new Http(SHOPS.get(mode).baseUri());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void signsUpAUserAndReadsItBack(Mode mode) {
        Http.Answer created = http(mode).post("/users", "{\"username\":\"ann\",\"email\":\"ann@example.org\"}");
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        assertThat(created.json().path("username").asText()).isEqualTo("ann");
        assertThat(created.json().path("welcomeEmail").asText()).isEqualTo("sent");
        assertThat(created.json().path("session").asText()).isNotBlank();
        long id = created.json().path("id").asLong();

        Http.Answer read = http(mode).get("/users/" + id);
        assertThat(read.status()).as("%s", read).isEqualTo(200);
        assertThat(read.json().path("id").asLong()).isEqualTo(id);
        assertThat(read.json().path("email").asText()).isEqualTo("ann@example.org");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void placesAnOrderThroughPayment(Mode mode) {
        long user = Tests.signUp(http(mode), "bob");
        long paymentsBefore = SHOPS.get(mode).stub("payment").calls();
        Http.Answer order = http(mode).post("/orders", "{\"userId\":" + user + ",\"amount\":42.50}");
        assertThat(order.status()).as("%s", order).isEqualTo(201);
        assertThat(order.json().path("status").asText()).isEqualTo("paid");
        assertThat(order.json().path("amount").decimalValue()).isEqualByComparingTo("42.50");
        assertThat(order.json().path("transactionId").asText()).startsWith("payment-");
        assertThat(SHOPS.get(mode).stub("payment").calls()).isEqualTo(paymentsBefore + 1);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void reportsCountWhatWasStored(Mode mode) {
        long user = Tests.signUp(http(mode), "cy");
        assertThat(http(mode).post("/orders", "{\"userId\":" + user + ",\"amount\":10}").status()).isEqualTo(201);
        Http.Answer sales = http(mode).get("/reports/sales");
        assertThat(sales.status()).as("%s", sales).isEqualTo(200);
        assertThat(sales.json().path("orders").asLong()).isPositive();
        assertThat(sales.json().path("revenue").decimalValue()).isPositive();
        Http.Answer users = http(mode).get("/reports/users");
        assertThat(users.status()).as("%s", users).isEqualTo(200);
        assertThat(users.json().path("users").asLong()).isPositive();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void snapshotShowsTheIsolationOfTheBuild(Mode mode) {
        Tests.signUp(http(mode), "dee");
        Http.Answer snapshot = http(mode).get("/api/snapshot");
        assertThat(snapshot.status()).isEqualTo(200);
        JsonNode root = snapshot.json();
        assertThat(root.path("mode").asText()).isEqualTo(mode.name().toLowerCase(java.util.Locale.ROOT));
        assertThat(root.path("stubs").findValuesAsText("name")).containsExactly("payment", "email", "analytics");
        if (mode == Mode.COMPARTMENTS) {
            assertThat(root.path("compartments").findValuesAsText("name")).contains(
                    "user-ops", "order-ops", "reporting", "payment", "email", "analytics");
            assertThat(root.path("connections").findValuesAsText("name")).containsExactly("read", "write", "analytics");
            assertThat(root.path("memory").findValuesAsText("name")).containsExactly("user-cache", "session-cache", "static-cache");
            assertThat(root.path("caches").get(0).path("entries").asLong()).isPositive();
            assertThat(root.path("health").path("compartments").isArray()).isTrue();
            JsonNode userOps = Tests.compartment(root, "user-ops");
            assertThat(userOps.path("limit").asInt()).isEqualTo(5);
            assertThat(userOps.path("queueCapacity").asInt()).isEqualTo(20);
            assertThat(userOps.path("succeeded").asLong()).isPositive();
            assertThat(Tests.compartment(root, "payment").path("breaker").asText()).isEqualTo("CLOSED");
            assertThat(userOps.path("health").path("health").asText()).isIn("HEALTHY", "DEGRADED", "UNHEALTHY");
        } else {
            JsonNode pool = Tests.compartment(root, "shared-pool");
            assertThat(pool.path("limit").asInt()).isEqualTo(17);
            assertThat(pool.path("succeeded").asLong()).isPositive();
            assertThat(root.path("connections").get(0).path("limit").asInt()).isEqualTo(15);
            assertThat(root.path("health").isNull()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void servesMetricsAndHealth(Mode mode) {
        Tests.signUp(http(mode), "eve");
        Http.Answer metrics = http(mode).get("/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        Http.Answer health = http(mode).get("/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().has("health")).isTrue();
        if (mode == Mode.COMPARTMENTS) {
            assertThat(metrics.text()).contains("watertight_threadpool_tasks_total{compartment=\"user-ops\"");
            assertThat(health.json().path("health").asText()).isIn("HEALTHY", "DEGRADED", "UNHEALTHY");
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void stubsCanBeChangedWhileTheServiceRuns(Mode mode) {
        ShopService shop = SHOPS.get(mode);
        Http.Answer changed = http(mode).post("/admin/stubs/email", "{\"latencyMs\":3,\"failureRate\":1}");
        assertThat(changed.status()).as("%s", changed).isEqualTo(200);
        assertThat(shop.stub("email").behaviour()).isEqualTo(new DependencyStub.Behaviour(Duration.ofMillis(3), 1.0));
        try {
            Http.Answer created = http(mode).post("/users", "{\"username\":\"fay\",\"email\":\"fay@example.org\"}");
            assertThat(created.status()).as("a sign-up survives its e-mail: %s", created).isEqualTo(201);
            assertThat(created.json().path("welcomeEmail").asText()).startsWith("not sent");
        } finally {
            shop.stub("email").behave(new DependencyStub.Behaviour(Duration.ofMillis(1), 0));
        }
        assertThat(http(mode).get("/admin/stubs").json().path("stubs").findValuesAsText("name")).contains("email");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void requestsAreServedOnVirtualThreads(Mode mode) {
        VIRTUAL.set(false);
        assertThat(http(mode).get("/test/thread").status()).isEqualTo(200);
        assertThat(VIRTUAL).isTrue();
    }
}
