package dev.watertight.config;

import dev.watertight.HealthThresholds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The settings a configuration file's {@code health} section may give, named as
 * {@link HealthThresholds.Builder} names them: single values, and the four signals, each a pair
 * {@code {degradedAt: 80%, unhealthyAt: 95%}} whose halves are named as the builder's messages
 * name them ({@code utilization.degradedAt}). Shares are written {@code 80%} or {@code 0.8}.
 */
final class HealthSettings {
    /** The single-valued settings. */
    static final Map<String, Setting<HealthThresholds.Builder>> SINGLE = new LinkedHashMap<>();

    /** The signals, each set as a pair of thresholds. */
    static final Map<String, Signal> SIGNALS = new LinkedHashMap<>();

    /** The halves of a signal's pair. */
    static final List<String> PAIR = List.of("degradedAt", "unhealthyAt");

    /** Where a section's own keys end and per-compartment thresholds begin. */
    static final String COMPARTMENTS = "compartments";

    /**
     * One signal: how to read the pair it has (for the half a file leaves out) and how to set it.
     *
     * @param degradedAt the degraded threshold of some thresholds
     * @param unhealthyAt the unhealthy one
     * @param setter sets both at once, as the builder checks them together
     */
    record Signal(ToDoubleFunction<HealthThresholds> degradedAt, ToDoubleFunction<HealthThresholds> unhealthyAt,
            PairSetter setter) {}

    /** A builder's method taking a degraded and an unhealthy threshold. */
    @FunctionalInterface
    interface PairSetter {
        void set(HealthThresholds.Builder builder, double degradedAt, double unhealthyAt);
    }

    static {
        SINGLE.put("window", Setting.duration(HealthThresholds.Builder::window));
        SINGLE.put("minimumCalls", Setting.wholeNumber(HealthThresholds.Builder::minimumCalls));
        SINGLE.put("recoveryRatio", (builder, text) -> builder.recoveryRatio(Values.share(text)));
        SINGLE.put("recoverAfter", Setting.duration(HealthThresholds.Builder::recoverAfter));

        SIGNALS.put("utilization", new Signal(HealthThresholds::utilizationDegraded,
                HealthThresholds::utilizationUnhealthy, HealthThresholds.Builder::utilization));
        SIGNALS.put("queueFill", new Signal(HealthThresholds::queueFillDegraded,
                HealthThresholds::queueFillUnhealthy, HealthThresholds.Builder::queueFill));
        SIGNALS.put("rejectionRate", new Signal(HealthThresholds::rejectionRateDegraded,
                HealthThresholds::rejectionRateUnhealthy, HealthThresholds.Builder::rejectionRate));
        SIGNALS.put("failureRate", new Signal(HealthThresholds::failureRateDegraded,
                HealthThresholds::failureRateUnhealthy, HealthThresholds.Builder::failureRate));
    }

    /** Every key a set of thresholds may have, in the order the messages list them. */
    static List<String> keys(boolean withCompartments) {
        List<String> keys = new ArrayList<>(List.of("window"));
        keys.addAll(SIGNALS.keySet());
        SINGLE.keySet().stream().filter(key -> !key.equals("window")).forEach(keys::add);
        if (withCompartments) {
            keys.add(COMPARTMENTS);
        }
        return List.copyOf(keys);
    }

    private HealthSettings() {}
}
