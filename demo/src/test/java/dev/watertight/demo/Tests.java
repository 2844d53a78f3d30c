package dev.watertight.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;

/** What the demo's tests share. */
final class Tests {
    private Tests() {}

    /** The defaults with quick stubs and reports, so tests stay fast. */
    static ShopService.Options fast() {
        return ShopService.Options.defaults()
                .reportDelay(Duration.ofMillis(50))
                .stubLatency(Map.of("payment", Duration.ofMillis(1), "email", Duration.ofMillis(1),
                        "analytics", Duration.ofMillis(1)));
    }

    static long signUp(Http http, String name) {
        Http.Answer created = http.post("/users", "{\"username\":\"" + name + "\",\"email\":\"" + name + "@example.org\"}");
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        return created.json().path("id").asLong();
    }

    static JsonNode compartment(JsonNode snapshot, String name) {
        for (JsonNode compartment : snapshot.path("compartments")) {
            if (compartment.path("name").asText().equals(name)) {
                return compartment;
            }
        }
        throw new AssertionError("no compartment " + name + " in " + snapshot);
    }
}
