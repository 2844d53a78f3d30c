package dev.watertight.demo.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.watertight.Bulkhead;
import dev.watertight.BulkheadFullException;
import dev.watertight.Compartment;
import dev.watertight.CompartmentRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.json.Json;

class SnapshotJsonTest {
    private static SampleCompartments sample;

    @BeforeAll
    static void buildTheSample() throws Exception {
        sample = new SampleCompartments();
    }

    @AfterAll
    static void closeTheSample() {
        sample.close();
    }

    @Test
    void writesEveryCompartmentWithTheStatsOfItsGuards() {
        Map<String, Object> snapshot = parse(sample.snapshot().get());

        assertThat(snapshot.get("mode")).isEqualTo("compartments");
        assertThat(Instant.parse((String) snapshot.get("at"))).isNotNull();
        List<Map<String, Object>> compartments = list(snapshot, "compartments");
        assertThat(compartments).extracting(c -> c.get("name")).containsExactly("user-ops", "reporting", "payments \"EU\"");

        Map<String, Object> userOps = compartments.get(0);
        assertThat(map(userOps, "bulkhead")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "maxConcurrent", 3L, "inUse", 1L, "waiting", 0L, "accepted", 10L, "rejected", 1L,
                "succeeded", 7L, "failed", 2L)); // 5 calls + 2 failing calls + 3 permits taken by hand, 2 given back
        assertThat(userOps).containsEntry("threadPool", null).containsEntry("circuitBreaker", null)
                .containsEntry("rateLimiter", null).containsEntry("cpu", null);

        Map<String, Object> reporting = compartments.get(1);
        assertThat(reporting).containsEntry("bulkhead", null);
        assertThat(map(reporting, "threadPool")).containsEntry("threads", 1L).containsEntry("queueCapacity", 2L)
                .containsEntry("activeThreads", 0L).containsEntry("queued", 0L).containsEntry("submitted", 5L)
                .containsEntry("rejected", 1L).containsEntry("failed", 2L).containsEntry("succeeded", 3L);
        assertThat(map(reporting, "circuitBreaker")).containsEntry("state", "OPEN").containsEntry("notPermitted", 1L)
                .containsEntry("windowFailures", 2L);
        assertThat(number(map(reporting, "circuitBreaker"), "failureRate")).isEqualTo(100.0);
        assertThat(map(reporting, "health")).containsEntry("health", "UNHEALTHY").containsEntry("breakerState", "OPEN");
        assertThat((List<?>) map(reporting, "health").get("reasons")).isNotEmpty();
    }

    @Test
    void writesConnectionsMemoryEventsAndTheHealthReport() {
        Map<String, Object> snapshot = parse(sample.snapshot().get());

        assertThat(list(snapshot, "connections")).extracting(c -> c.get("name")).containsExactly("read", "write", "analytics");
        assertThat(list(snapshot, "connections").get(2)).containsEntry("limit", 2L).containsEntry("inUse", 2L)
                .containsEntry("waiting", 5L).containsEntry("acquireTimeouts", 4L);
        assertThat(number(list(snapshot, "connections").get(2), "acquireWaitP99Millis")).isEqualTo(250.0);
        assertThat(list(snapshot, "memory")).singleElement().satisfies(memory -> assertThat(memory)
                .containsEntry("name", "caches").containsEntry("parent", null)
                .containsEntry("budget", 64 * SampleCompartments.MIB).containsEntry("reserved", 40 * SampleCompartments.MIB));
        assertThat(list(snapshot, "events")).extracting(e -> e.get("compartment") + " " + e.get("kind"))
                .contains("user-ops REJECTED", "reporting REJECTED", "reporting STATE_CHANGE");
        assertThat(map(snapshot, "health")).containsEntry("health", "UNHEALTHY");
        assertThat(list(map(snapshot, "health"), "compartments")).hasSize(3);
    }

    @Test
    void keepsOnlyTheMostRecentEvents() {
        Map<String, Object> all = parse(sample.snapshot().get());
        Map<String, Object> lastTwo = parse(SnapshotJson.builder(sample.registry).events(2).build().get());

        List<Map<String, Object>> events = list(all, "events");
        assertThat(list(lastTwo, "events")).containsExactlyElementsOf(events.subList(events.size() - 2, events.size()));
        assertThat(list(parse(SnapshotJson.builder(sample.registry).events(0).build().get()), "events")).isEmpty();
    }

    @Test
    void withoutMonitorOrConnectionsThoseAreNullOrEmpty() {
        Clock clock = Clock.fixed(Instant.parse("2025-01-01T12:00:00Z"), ZoneOffset.UTC);
        Map<String, Object> snapshot = parse(SnapshotJson.builder(sample.registry).mode("shared").clock(clock).build().get());

        assertThat(snapshot).containsEntry("at", "2025-01-01T12:00:00Z").containsEntry("mode", "shared")
                .containsEntry("health", null).containsEntry("connections", List.of());
        assertThat(list(snapshot, "compartments")).allSatisfy(c -> assertThat(c).containsEntry("health", null));
    }

    @Test
    void escapesEveryCharacterJsonCannotHoldAsItIs() throws Exception {
        String name = "odd \"name\" \\ with \u2028 and \u2029 é"; // names hold no control character
        try (CompartmentRegistry registry = CompartmentRegistry.create()) {
            Compartment odd = registry.register(Compartment.builder(name)
                    .bulkhead(Bulkhead.builder(name).maxConcurrent(1).listener(registry.listener()).build()).build());
            try (Bulkhead.Permit permit = odd.bulkhead().orElseThrow().tryAcquire().orElseThrow()) {
                assertThatThrownBy(() -> odd.call(() -> "no room")).isInstanceOf(BulkheadFullException.class);
            }

            String json = SnapshotJson.of(registry).get();

            assertThat(json).doesNotContain("\u2028", "\u2029");
            Map<String, Object> snapshot = parse(json);
            assertThat(list(snapshot, "compartments").get(0)).containsEntry("name", name);
            assertThat(list(snapshot, "events").get(0)).containsEntry("compartment", name);
        }
    }

    @Test
    void sampleFileHasTheShapeTheWriterWrites() throws IOException {
        Map<String, Object> written = parse(sample.snapshot().get());
        Map<String, Object> documented;
        try (InputStream in = getClass().getResourceAsStream("/dashboard/sample-snapshot.json")) {
            assertThat(in).as("dashboard/sample-snapshot.json").isNotNull();
            documented = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }

        assertSameShape("", written, documented);
    }

    @Test
    void refusesSettingsItCannotShow() {
        SnapshotJson.Builder builder = SnapshotJson.builder(sample.registry);
        assertThatThrownBy(() -> builder.mode("pooled")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mode must be 'compartments' or 'shared', but was 'pooled'");
        assertThatThrownBy(() -> builder.events(1001)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("events must be from 0 to 1000, but was 1001");
    }

    // Every member the writer writes is in the sample and the other way round; where the writer
    // wrote null (a guard the sample registry lacks), the sample's value is not compared.
    @SuppressWarnings("unchecked")
    private static void assertSameShape(String path, Object written, Object documented) {
        if (written instanceof Map<?, ?> writtenObject) {
            assertThat(documented).as(path).isInstanceOf(Map.class);
            Map<String, Object> documentedObject = (Map<String, Object>) documented;
            assertThat(documentedObject.keySet()).as(path).containsExactlyInAnyOrderElementsOf((Iterable<String>) writtenObject.keySet());
            writtenObject.forEach((key, value) -> {
                if (value != null) {
                    assertSameShape(path + key + ".", value, documentedObject.get(key));
                }
            });
        } else if (written instanceof List<?> writtenList && !writtenList.isEmpty() && writtenList.get(0) instanceof Map) {
            assertThat(documented).as(path).isInstanceOf(List.class);
            List<?> documentedList = (List<?>) documented;
            assertThat(documentedList).as(path).isNotEmpty();
            for (int i = 0; i < writtenList.size(); i++) {
                assertSameShape(path + i + ".", writtenList.get(i), documentedList.get(Math.min(i, documentedList.size() - 1)));
            }
        }
    }

    @Test
    void escapesControlCharactersAsTheJsonGrammarRequires() {
        String text = "line\nbreak\ttab\r\u0001\u001f\b\f\"\\";
        String json = new JsonText().beginObject().field("text", text).endObject().toString();

        assertThat(json).isEqualTo("{\"text\":\"line\\nbreak\\ttab\\r\\u0001\\u001F\\b\\f\\\"\\\\\"}");
        assertThat(parse(json)).containsEntry("text", text);
    }

    @Test
    void writesNumbersJsonCannotHoldAsNull() {
        String json = new JsonText().beginArray().value(Double.NaN).value(Double.POSITIVE_INFINITY).value((Double) null)
                .value(1.5).value(-3L).endArray().toString();

        assertThat(json).isEqualTo("[null,null,null,1.5,-3]");
    }

    private static double number(Map<String, Object> object, String key) {
        assertThat(object.get(key)).as(key).isInstanceOf(Number.class);
        return ((Number) object.get(key)).doubleValue();
    }

    private static Map<String, Object> parse(String json) {
        return new Json().toType(json, Json.MAP_TYPE);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> object, String key) {
        assertThat(object.get(key)).as(key).isInstanceOf(Map.class);
        return (Map<String, Object>) object.get(key);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> object, String key) {
        assertThat(object.get(key)).as(key).isInstanceOf(List.class);
        return (List<Map<String, Object>>) object.get(key);
    }
}
