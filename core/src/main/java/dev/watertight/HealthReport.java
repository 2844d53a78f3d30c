package dev.watertight;

import dev.watertight.internal.Json;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The health of every compartment a {@link HealthMonitor} watches, as of one sample. Made of
 * strings, numbers, enums, instants and lists only, so any JSON library can write it;
 * {@link #toJson()} writes it without one.
 *
 * <p>Immutable and thread-safe (the compartments are copied).
 *
 * @param at when the sample was taken
 * @param health the worst health of any compartment; healthy if there is none
 * @param compartments each compartment's health, by name
 */
public record HealthReport(Instant at, Health health, List<CompartmentHealth> compartments) {

    /** Checks the components and copies the list. */
    public HealthReport {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(health, "health");
        compartments = List.copyOf(compartments);
    }

    /**
     * One compartment's health.
     *
     * @param name the compartment's name
     * @return its health, or empty if the report does not have it
     */
    public Optional<CompartmentHealth> compartment(String name) {
        return compartments.stream().filter(health -> health.name().equals(name)).findFirst();
    }

    /**
     * The report as a JSON object: {@code at} and {@code since} as ISO-8601 strings, healths and
     * breaker states as their names, an absent signal as {@code null}. For example:
     *
     * <pre>{@code
     * {"at":"2025-01-01T12:00:00Z","health":"DEGRADED","compartments":[{"name":"payments",
     *  "health":"DEGRADED","since":"2025-01-01T11:59:40Z","reasons":["utilization 0.86 over 30 s >= 0.80"],
     *  "utilization":0.86,"rejectionRate":0.0,"failureRate":null,"queueFill":null,"breakerState":null}]}
     * }</pre>
     *
     * @return the JSON text, on one line
     */
    public String toJson() {
        StringBuilder out = new StringBuilder(128 + 256 * compartments.size());
        out.append("{\"at\":");
        Json.string(out, at.toString()).append(",\"health\":");
        Json.string(out, health.name()).append(",\"compartments\":[");
        for (int i = 0; i < compartments.size(); i++) {
            CompartmentHealth compartment = compartments.get(i);
            out.append(i == 0 ? "{" : ",{").append("\"name\":");
            Json.string(out, compartment.name()).append(",\"health\":");
            Json.string(out, compartment.health().name()).append(",\"since\":");
            Json.string(out, compartment.since().toString()).append(",\"reasons\":[");
            for (int r = 0; r < compartment.reasons().size(); r++) {
                Json.string(r == 0 ? out : out.append(','), compartment.reasons().get(r));
            }
            out.append("],\"utilization\":");
            Json.number(out, compartment.utilization()).append(",\"rejectionRate\":");
            Json.number(out, compartment.rejectionRate()).append(",\"failureRate\":");
            Json.number(out, compartment.failureRate()).append(",\"queueFill\":");
            Json.number(out, compartment.queueFill()).append(",\"breakerState\":");
            Json.string(out, compartment.breakerState() == null ? null : compartment.breakerState().name());
            out.append('}');
        }
        return out.append("]}").toString();
    }
}
