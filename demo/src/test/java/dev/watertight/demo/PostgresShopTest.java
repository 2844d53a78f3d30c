package dev.watertight.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The shop on the machine's PostgreSQL, as CI runs it, in both builds. */
class PostgresShopTest {
    static final String URL = System.getProperty("watertight.test.postgres", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String USER = System.getProperty("watertight.test.postgres.user", "postgres");

    @ParameterizedTest
    @EnumSource(Mode.class)
    void servesEveryEndpointOnPostgres(Mode mode) {
        try (ShopService shop = ShopService.start(Tests.fast().mode(mode).database(URL, USER, null))) {
            Http http = new Http(shop.baseUri());
            long user = Tests.signUp(http, "pg-" + mode);
            Http.Answer read = http.get("/users/" + user);
            assertThat(read.status()).as("%s", read).isEqualTo(200);
            Http.Answer order = http.post("/orders", "{\"userId\":" + user + ",\"amount\":12.34}");
            assertThat(order.status()).as("%s", order).isEqualTo(201);
            Http.Answer report = http.get("/reports/sales");
            assertThat(report.status()).as("%s", report).isEqualTo(200);
            assertThat(report.json().path("orders").asLong()).isPositive();
            assertThat(report.json().path("tookMs").asLong()).as("pg_sleep ran").isGreaterThanOrEqualTo(40);
        }
    }
}
