package dev.watertight.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The client's mistakes get 4xx with a JSON error, in both builds, and the server stays up. */
class HttpContractTest {
    private static final Map<Mode, ShopService> SHOPS = new EnumMap<>(Mode.class);

    @BeforeAll
    static void start() {
        for (Mode mode : Mode.values()) {
            SHOPS.put(mode, ShopService.start(Tests.fast().mode(mode)));
        }
    }

    @AfterAll
    static void stop() {
        SHOPS.values().forEach(ShopService::close);
    }

    private static Http http(Mode mode) {
        return new Http(SHOPS.get(mode).baseUri());
    }

    private static void assertError(Http.Answer answer, int status, String saying) {
        assertThat(answer.status()).as("%s", answer).isEqualTo(status);
        assertThat(answer.json()).as("a JSON body: %s", answer).isNotNull();
        assertThat(answer.json().path("error").asText()).contains(saying);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void malformedJsonIs400(Mode mode) {
        assertError(http(mode).post("/users", "{\"username\": \"ann\""), 400, "malformed JSON");
        assertError(http(mode).post("/orders", "not json at all"), 400, "malformed JSON");
        assertError(http(mode).post("/users", ""), 400, "JSON object");
        assertError(http(mode).post("/users", "[1, 2]"), 400, "must be a JSON object");
        assertServerStillServes(mode);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void wrongTypesAndMissingFieldsAre400NamingTheField(Mode mode) {
        assertError(http(mode).post("/users", "{\"username\": 5, \"email\": \"a@b.c\"}"), 400, "field 'username' must be a string");
        assertError(http(mode).post("/users", "{\"username\": \"ann\"}"), 400, "missing field 'email'");
        assertError(http(mode).post("/users", "{\"username\": \"ann\", \"email\": \"nope\"}"), 400, "e-mail address");
        assertError(http(mode).post("/orders", "{\"userId\": \"1\", \"amount\": 5}"), 400, "field 'userId' must be a positive whole number");
        assertError(http(mode).post("/orders", "{\"userId\": 1.5, \"amount\": 5}"), 400, "field 'userId'");
        assertError(http(mode).post("/orders", "{\"userId\": 1, \"amount\": \"5\"}"), 400, "field 'amount' must be a number");
        assertError(http(mode).post("/orders", "{\"userId\": 1, \"amount\": -5}"), 422, "field 'amount' must be a number above 0");
        assertError(http(mode).post("/orders", "{\"userId\": 1}"), 400, "missing field 'amount'");
        assertError(http(mode).get("/users/abc"), 400, "positive whole number");
        assertError(http(mode).post("/admin/stubs/payment", "{\"failureRate\": 2}"), 422, "failureRate");
        assertServerStillServes(mode);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void unknownIdsAre404(Mode mode) {
        assertError(http(mode).get("/users/987654321"), 404, "no user with id 987654321");
        assertError(http(mode).post("/orders", "{\"userId\": 987654321, \"amount\": 5}"), 404, "no user with id 987654321");
        assertError(http(mode).get("/reports/nonsense"), 404, "no report type 'nonsense'");
        assertError(http(mode).post("/admin/stubs/nonsense", "{}"), 404, "no stub named 'nonsense'");
        assertError(http(mode).get("/no/such/thing"), 404, "no such resource");
        assertServerStillServes(mode);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void hugeBodiesAre413(Mode mode) {
        String huge = "{\"username\":\"" + "x".repeat(200_000) + "\",\"email\":\"a@b.c\"}";
        Http.Answer answer = http(mode).post("/users", huge);
        assertThat(answer.status()).as("%s", answer.status()).isEqualTo(413);
        assertThat(answer.json().path("error").asText()).isNotBlank();
        assertError(http(mode).post("/users", "{\"username\":\"" + "x".repeat(500) + "\",\"email\":\"a@b.c\"}"), 400,
                "field 'username' must be 1 to 100 characters long");
        assertServerStillServes(mode);
    }

    private static void assertServerStillServes(Mode mode) {
        Tests.signUp(http(mode), "still-" + mode);
    }
}
