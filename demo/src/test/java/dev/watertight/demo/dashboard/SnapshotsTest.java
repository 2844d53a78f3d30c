package dev.watertight.demo.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watertight.Bulkhead;
import dev.watertight.BulkheadFullException;
import dev.watertight.Compartment;
import dev.watertight.CompartmentEvent;
import dev.watertight.CompartmentRegistry;
import dev.watertight.CompartmentStats;
import dev.watertight.HealthReport;
import dev.watertight.MemoryBulkheadStats;
import dev.watertight.caffeine.BudgetedCacheStats;
import dev.watertight.demo.IsolationView;
import dev.watertight.demo.Mode;
import dev.watertight.demo.Snapshots;
import dev.watertight.jdbc.ConnectionCompartmentStats;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.json.Json;

/**
 * The snapshot document as the shop writes it ({@link Snapshots}), over the dashboard's sample
 * registry: what the dashboard's browser test shows is this document.
 */
class SnapshotsTest {
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
        Map<String, Object> snapshot = parse(sample.snapshot().json());

        assertThat(snapshot.get("mode")).isEqualTo("compartments");
        assertThat(Instant.parse((String) snapshot.get("at"))).isNotNull();
        List<Map<String, Object>> compartments = list(snapshot, "compartments");
        assertThat(compartments).extracting(c -> c.get("name")).containsExactly("user-ops", "reporting", "payments \"EU\"");

        Map<String, Object> userOps = compartments.get(0);
        assertThat(map(userOps, "bulkhead")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "name", "user-ops", "maxConcurrent", 3L, "inUse", 1L, "waiting", 0L, "accepted", 10L, "rejected", 1L,
                "succeeded", 7L, "failed", 2L)); // 5 calls + 2 failing calls + 3 permits taken by hand, 2 given back
        assertThat(userOps).containsEntry("threadPool", null).containsEntry("circuitBreaker", null)
                .containsEntry("rateLimiter", null).containsEntry("cpu", null).containsEntry("resources", null);
        // The flat summary: the bulkhead's numbers, and every guard's refusals added up.
        assertThat(userOps).containsEntry("limit", 3L).containsEntry("inUse", 1L).containsEntry("queueCapacity", 0L)
                .containsEntry("rejected", 1L).containsEntry("breaker", null);
        assertThat(map(userOps, "health")).containsEntry("health", "HEALTHY");

        Map<String, Object> reporting = compartments.get(1);
        assertThat(reporting).containsEntry("bulkhead", null);
        assertThat(map(reporting, "threadPool")).containsEntry("threads", 1L).containsEntry("queueCapacity", 2L)
                .containsEntry("activeThreads", 0L).containsEntry("queued", 0L).containsEntry("submitted", 5L)
                .containsEntry("rejected", 1L).containsEntry("failed", 2L).containsEntry("succeeded", 3L);
        assertThat(map(reporting, "circuitBreaker")).containsEntry("state", "OPEN").containsEntry("notPermitted", 1L)
                .containsEntry("windowFailures", 2L);
        assertThat(number(map(reporting, "circuitBreaker"), "failureRate")).isEqualTo(100.0);
        assertThat(reporting).containsEntry("limit", 1L).containsEntry("queueCapacity", 2L)
                .containsEntry("rejected", 2L) // one by the pool, one by the open breaker
                .containsEntry("breaker", "OPEN");
        assertThat(map(reporting, "health")).containsEntry("health", "UNHEALTHY");
        assertThat((List<?>) map(reporting, "health").get("reasons")).isNotEmpty();
    }

    @Test
    void writesTheCpuBudgetAndTheResourcesOfAMeteredCompartment() {
        Map<String, Object> payments = list(parse(sample.snapshot().json()), "compartments").get(2);

        assertThat(number(map(payments, "cpu"), "cores")).isEqualTo(2.0);
        assertThat(map(payments, "cpu")).containsEntry("admitted", 1L).containsEntry("refused", 0L);
        assertThat(number(map(payments, "cpu"), "cpuTimeMs")).isNotNegative();
        assertThat(map(payments, "resources")).containsEntry("calls", 1L).containsEntry("unmeasured", 0L);
        assertThat(number(map(payments, "resources"), "cpuTimeMs")).isNotNegative();
        assertThat(number(map(payments, "resources"), "allocatedBytes")).isNotNegative();
    }

    @Test
    void writesConnectionsMemoryEventsAndTheHealthReport() {
        Map<String, Object> snapshot = parse(sample.snapshot().json());

        assertThat(list(snapshot, "connections")).extracting(c -> c.get("name")).containsExactly("read", "write", "analytics");
        assertThat(list(snapshot, "connections").get(2)).containsEntry("pool", "main").containsEntry("limit", 2L)
                .containsEntry("inUse", 2L).containsEntry("waiting", 5L).containsEntry("acquireTimeouts", 4L);
        assertThat(number(list(snapshot, "connections").get(2), "acquireWaitP99Ms")).isEqualTo(250.0);
        assertThat(list(snapshot, "memory")).singleElement().satisfies(memory -> assertThat(memory)
                .containsEntry("name", "caches").containsEntry("parent", null)
                .containsEntry("budget", 64 * SampleCompartments.MIB).containsEntry("reserved", 40 * SampleCompartments.MIB));
        assertThat(list(snapshot, "caches")).isEmpty();
        assertThat(list(snapshot, "stubs")).isEmpty();
        assertThat(list(snapshot, "events")).extracting(e -> e.get("compartment") + " " + e.get("kind"))
                .contains("user-ops REJECTED", "reporting REJECTED", "reporting STATE_CHANGE");
        assertThat(map(snapshot, "health")).containsEntry("health", "UNHEALTHY");
        assertThat(list(map(snapshot, "health"), "compartments")).hasSize(3)
                .filteredOn(c -> "reporting".equals(c.get("name"))).singleElement()
                .satisfies(reporting -> assertThat(reporting).containsEntry("breakerState", "OPEN"));
    }

    @Test
    void keepsOnlyTheLatestEventsOldestFirst() {
        List<CompartmentEvent> events = LongStream.rangeClosed(1, Snapshots.EVENTS + 10)
                .mapToObj(sequence -> new CompartmentEvent(sequence, Instant.EPOCH.plusSeconds(sequence), "user-ops",
                        CompartmentEvent.Kind.REJECTED, "full"))
                .toList();

        Map<String, Object> snapshot = parse(snapshots(new View(List.of(), null, events)).json());

        assertThat(list(snapshot, "events")).extracting(e -> ((Number) e.get("sequence")).longValue())
                .containsExactlyElementsOf(LongStream.rangeClosed(11, Snapshots.EVENTS + 10).boxed().toList());
        assertThat(list(snapshot, "events").get(0)).containsEntry("at", "1970-01-01T00:00:11Z")
                .containsEntry("compartment", "user-ops").containsEntry("kind", "REJECTED").containsEntry("detail", "full");
        assertThat(list(parse(snapshots(new View(List.of(), null, List.of())).json()), "events")).isEmpty();
    }

    @Test
    void withoutAHealthMonitorHealthIsNullEverywhere() {
        View unwatched = new View(sample.compartments(), null, List.of());

        Map<String, Object> snapshot = parse(new Snapshots(new ObjectMapper(), Mode.SHARED, unwatched, Map.of()).json());

        assertThat(snapshot).containsEntry("mode", "shared").containsEntry("health", null)
                .containsEntry("connections", List.of()).containsEntry("memory", List.of());
        assertThat(list(snapshot, "compartments")).hasSize(3).allSatisfy(c -> assertThat(c).containsEntry("health", null));
    }

    @Test
    void escapesEveryCharacterJsonCannotHoldAsItIsAndTheTwoLineSeparatorsScriptsDoNot() throws Exception {
        String name = "odd \"name\" \\ with \u2028 and \u2029 é"; // names hold no control character
        try (CompartmentRegistry registry = CompartmentRegistry.create()) {
            Compartment odd = registry.register(Compartment.builder(name)
                    .bulkhead(Bulkhead.builder(name).maxConcurrent(1).listener(registry.listener()).build()).build());
            try (Bulkhead.Permit permit = odd.bulkhead().orElseThrow().tryAcquire().orElseThrow()) {
                assertThatThrownBy(() -> odd.call(() -> "no room")).isInstanceOf(BulkheadFullException.class);
            }
            String detail = "line\nbreak\ttab\r\u0001\u001f\b\f\"\\";
            List<CompartmentEvent> events = List.of(registry.events().all().get(0),
                    new CompartmentEvent(99, Instant.EPOCH, name, CompartmentEvent.Kind.TIMED_OUT, detail));

            String json = snapshots(new View(registry.snapshot(), null, events)).json();

            assertThat(json).doesNotContain("\u2028", "\u2029", "\n", "\t", "\r", "\u0001")
                    .contains("\\u2028", "\\u2029", "\\\"name\\\" \\\\ with", "\\n", "\\u0001");
            Map<String, Object> snapshot = parse(json);
            assertThat(list(snapshot, "compartments").get(0)).containsEntry("name", name);
            assertThat(map(list(snapshot, "compartments").get(0), "bulkhead")).containsEntry("name", name);
            assertThat(list(snapshot, "events")).extracting(e -> e.get("compartment")).containsOnly(name);
            assertThat(list(snapshot, "events").get(1)).containsEntry("detail", detail);
        }
    }

    @Test
    void theTreeAndTheTextAreTheSameDocument() throws Exception {
        Snapshots snapshots = sample.snapshot();

        Map<String, Object> fromTree = parse(new ObjectMapper().writeValueAsString(snapshots.tree()));
        Map<String, Object> fromText = parse(snapshots.json());

        fromTree.remove("at");
        fromText.remove("at");
        assertThat(fromText).isEqualTo(fromTree);
    }

    @Test
    void sampleFileHasTheShapeTheWriterWrites() throws IOException {
        Map<String, Object> written = parse(sample.snapshot().json());
        Map<String, Object> documented;
        try (InputStream in = getClass().getResourceAsStream("/dashboard/sample-snapshot.json")) {
            assertThat(in).as("dashboard/sample-snapshot.json").isNotNull();
            documented = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }

        assertSameShape("", written, documented);
    }

    @Test
    void refusesAMissingPart() {
        ObjectMapper json = new ObjectMapper();
        assertThatThrownBy(() -> new Snapshots(json, Mode.COMPARTMENTS, null, Map.of()))
                .isInstanceOf(NullPointerException.class).hasMessage("isolation must not be null");
        assertThatThrownBy(() -> new Snapshots(json, null, sample, Map.of()))
                .isInstanceOf(NullPointerException.class).hasMessage("mode must not be null");
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

    /** A view of fixed compartments, health and events; nothing else. */
    private record View(List<CompartmentStats> compartments, HealthReport health, List<CompartmentEvent> events)
            implements IsolationView {
        @Override
        public List<ConnectionCompartmentStats> connections() {
            return List.of();
        }

        @Override
        public List<MemoryBulkheadStats> memory() {
            return List.of();
        }

        @Override
        public List<BudgetedCacheStats> caches() {
            return List.of();
        }
    }

    private static Snapshots snapshots(IsolationView view) {
        return new Snapshots(new ObjectMapper(), Mode.COMPARTMENTS, view, Map.of());
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
