package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A health report written as JSON is valid JSON that reads back to the same values. */
class HealthReportTest {
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Instant AT = Instant.parse("2025-01-01T12:00:00Z");

    private static CompartmentHealth payments() {
        return new CompartmentHealth("payments", Health.DEGRADED, List.of("utilization 0.86 over 30 s >= 0.80"),
                0.86, 0.0, null, null, null, AT.minusSeconds(20));
    }

    @Test
    void writesTheDocumentedShape() {
        HealthReport report = new HealthReport(AT, Health.DEGRADED, List.of(payments()));
        assertThat(report.toJson()).isEqualTo("{\"at\":\"2025-01-01T12:00:00Z\",\"health\":\"DEGRADED\","
                + "\"compartments\":[{\"name\":\"payments\",\"health\":\"DEGRADED\",\"since\":\"2025-01-01T11:59:40Z\","
                + "\"reasons\":[\"utilization 0.86 over 30 s >= 0.80\"],\"utilization\":0.86,\"rejectionRate\":0.0,"
                + "\"failureRate\":null,\"queueFill\":null,\"breakerState\":null}]}");
        assertThat(new HealthReport(AT, Health.HEALTHY, List.of()).toJson())
                .isEqualTo("{\"at\":\"2025-01-01T12:00:00Z\",\"health\":\"HEALTHY\",\"compartments\":[]}");
    }

    @Test
    void stringsWithQuotesBackslashesAndControlCharactersReadBackUnchanged() {
        String name = "pay\"ments\\v2 / ü €";
        List<String> reasons = List.of("say \"hi\"", "tab\there, line\nbreak\r, bell\u0007, nul\u0000, esc\u001b",
                "separators \u2028 \u2029, \b\f", "");
        CompartmentHealth odd = new CompartmentHealth(name, Health.UNHEALTHY, reasons, 1.0E-7, 1.0, 0.5, 1.25,
                CircuitBreaker.State.HALF_OPEN, AT);
        HealthReport report = new HealthReport(AT, Health.UNHEALTHY, List.of(payments(), odd));

        String json = report.toJson();
        assertThat(json).doesNotContain("\n", "\t", "\u0000", "\u2028");
        Map<?, ?> parsed = (Map<?, ?>) parse(json);
        assertThat(parsed.get("at")).isEqualTo("2025-01-01T12:00:00Z");
        assertThat(parsed.get("health")).isEqualTo("UNHEALTHY");
        List<?> compartments = (List<?>) parsed.get("compartments");
        assertThat(compartments).hasSize(2);
        Map<?, ?> second = (Map<?, ?>) compartments.get(1);
        assertThat(second.get("name")).isEqualTo(name);
        assertThat(second.get("reasons")).isEqualTo(reasons);
        assertThat(second.get("utilization")).isEqualTo(1.0E-7);
        assertThat(second.get("rejectionRate")).isEqualTo(1.0);
        assertThat(second.get("failureRate")).isEqualTo(0.5);
        assertThat(second.get("queueFill")).isEqualTo(1.25);
        assertThat(second.get("breakerState")).isEqualTo("HALF_OPEN");
        assertThat(second.get("since")).isEqualTo("2025-01-01T12:00:00Z");
        assertThat(((Map<?, ?>) compartments.get(0)).get("failureRate")).isNull();
        assertThat(((Map<?, ?>) compartments.get(0)).containsKey("failureRate")).isTrue();
    }

    @Test
    void numbersJsonCannotHoldAreWrittenAsNull() {
        CompartmentHealth odd = new CompartmentHealth("x", Health.HEALTHY, List.of(), Double.NaN,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, null, null, AT);
        Map<?, ?> parsed = (Map<?, ?>) ((List<?>) ((Map<?, ?>) parse(
                new HealthReport(AT, Health.HEALTHY, List.of(odd)).toJson())).get("compartments")).get(0);
        assertThat(Arrays.asList(parsed.get("utilization"), parsed.get("rejectionRate"), parsed.get("failureRate")))
                .containsOnlyNulls();
    }

    @Test
    void aReportFindsACompartmentByName() {
        HealthReport report = new HealthReport(AT, Health.DEGRADED, List.of(payments()));
        assertThat(report.compartment("payments")).contains(payments());
        assertThat(report.compartment("nope")).isEmpty();
    }

    /** Reads JSON strictly: no trailing text, no duplicate keys (Jackson rejects the rest of invalid JSON). */
    private static Object parse(String json) {
        try {
            return STRICT.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not valid JSON: " + json, e);
        }
    }

    private static double number(Object value) {
        return ((Number) value).doubleValue();
    }
}
