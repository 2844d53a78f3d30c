package dev.watertight.demo.storm;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * One stretch of the storm's timeline: how many requests of each operation arrive per second,
 * and how the payment dependency behaves meanwhile.
 *
 * @param name what happens, e.g. {@code calm} or {@code reporting flood}
 * @param seconds how long it lasts
 * @param rates arrivals per second of each operation (an operation left out gets none)
 * @param paymentLatencyMs the payment stub's added latency during the phase
 * @param paymentFailureRate the share of payment calls the stub fails, from 0 to 1
 */
public record Phase(String name, int seconds, Map<Operation, Double> rates, int paymentLatencyMs, double paymentFailureRate) {

    /** Copies the rates and checks the values. */
    public Phase {
        Objects.requireNonNull(name, "name");
        if (seconds < 1) {
            throw new IllegalArgumentException("a phase lasts at least 1 second, was " + seconds);
        }
        rates = Map.copyOf(new EnumMap<>(rates));
        if (paymentFailureRate < 0 || paymentFailureRate > 1) {
            throw new IllegalArgumentException("paymentFailureRate must be from 0 to 1, was " + paymentFailureRate);
        }
    }

    /** Arrivals per second of the operation in this phase. */
    public double rate(Operation operation) {
        return rates.getOrDefault(operation, 0.0);
    }
}
