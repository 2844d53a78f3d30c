package dev.watertight.internal;

import dev.watertight.CircuitBreaker;
import dev.watertight.CompartmentHealth;
import dev.watertight.Health;
import dev.watertight.HealthThresholds;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;

/**
 * The health of one compartment over time: its window of readings and the state machine that
 * turns the window's signals into a {@link Health}, with hysteresis.
 *
 * <p>After every reading each signal is given two levels: its <em>raw</em> level against the
 * thresholds, and its <em>held</em> level against the thresholds times the recovery ratio (so
 * held ≥ raw). Then:
 * <ul>
 *   <li>if the worst raw level is worse than the health, the health becomes it at once;</li>
 *   <li>else if the worst held level is better than the health, and has been better (not
 *       necessarily the same) at every reading for {@code recoverAfter}, the health becomes it;</li>
 *   <li>else nothing changes, and the recovery clock restarts if the held level is not better.</li>
 * </ul>
 * So every improvement comes at least {@code recoverAfter} after the change before it, and the
 * health is never better than the raw level. A breaker's state has no margin: its raw and held
 * levels are the same.
 *
 * <p>Not thread-safe: the monitor uses it under its lock.
 */
public final class HealthTracker {
    private static final long NEVER = Long.MIN_VALUE;

    private final String name;
    private final long resolutionNanos;
    private HealthThresholds thresholds;
    private HealthWindow window;
    private long recoverAfterNanos;
    private Health health = Health.HEALTHY;
    private long since = NEVER;
    private long betterSince = NEVER;

    /**
     * Creates the tracker of a compartment, healthy until its first reading says otherwise.
     *
     * @param name the compartment's name
     * @param thresholds its thresholds
     * @param resolutionNanos the shortest span a slot of its window covers
     */
    public HealthTracker(String name, HealthThresholds thresholds, long resolutionNanos) {
        this.name = name;
        this.resolutionNanos = resolutionNanos;
        this.thresholds = thresholds;
        this.window = new HealthWindow(thresholds.window().toNanos(), resolutionNanos);
        this.recoverAfterNanos = thresholds.recoverAfter().toNanos();
    }

    /**
     * Judges the compartment by new thresholds from its next reading on. The health it has stays
     * until the new thresholds say otherwise: worse at once, better after the new
     * {@code recoverAfter} (a recovery under way starts again, since its margin has changed). A
     * new window length starts an empty window, as for a new compartment: a window of one length
     * cannot be read as another without inventing readings.
     *
     * @param next the new thresholds
     */
    public void reconfigure(HealthThresholds next) {
        if (next.equals(thresholds)) {
            return;
        }
        if (!next.window().equals(thresholds.window())) {
            window = new HealthWindow(next.window().toNanos(), resolutionNanos);
        }
        thresholds = next;
        recoverAfterNanos = next.recoverAfter().toNanos();
        betterSince = NEVER;
    }

    /**
     * Adds a reading and evaluates the compartment.
     *
     * @param now when the reading was taken
     * @param reading the reading
     * @param toInstant turns a time of the monitor's time source into an instant
     * @return the compartment's health after this reading
     */
    public CompartmentHealth update(long now, HealthReading reading, LongFunction<Instant> toInstant) {
        if (since == NEVER) {
            since = now;
        }
        window.add(now, reading);

        Double utilization = valueOrNull(window.utilization());
        Double queueFill = valueOrNull(window.queueFill());
        long offered = window.offered();
        long ended = window.ended();
        Double rejectionRate = offered >= thresholds.minimumCalls() ? (double) window.rejected() / offered : null;
        Double failureRate = ended >= thresholds.minimumCalls() ? (double) window.failed() / ended : null;
        CircuitBreaker.State breaker = reading.breaker();

        List<Signal> signals = List.of(
                new Signal("utilization", utilization, "",
                        thresholds.utilizationDegraded(), thresholds.utilizationUnhealthy()),
                new Signal("queue fill", queueFill, "",
                        thresholds.queueFillDegraded(), thresholds.queueFillUnhealthy()),
                new Signal("rejection rate", rejectionRate, calls(window.rejected(), offered),
                        thresholds.rejectionRateDegraded(), thresholds.rejectionRateUnhealthy()),
                new Signal("failure rate", failureRate, calls(window.failed(), ended),
                        thresholds.failureRateDegraded(), thresholds.failureRateUnhealthy()));
        Health breakerLevel = breakerLevel(breaker);
        Health raw = breakerLevel;
        Health held = breakerLevel;
        for (Signal signal : signals) {
            raw = raw.worst(signal.level(1));
            held = held.worst(signal.level(thresholds.recoveryRatio()));
        }

        if (raw.compareTo(health) > 0) {
            health = raw;
            since = now;
            betterSince = NEVER;
        } else if (held.compareTo(health) < 0) {
            if (betterSince == NEVER) {
                betterSince = now;
            }
            if (now - betterSince >= recoverAfterNanos) {
                health = held;
                since = now;
                betterSince = NEVER;
            }
        } else {
            betterSince = NEVER;
        }

        List<String> reasons = new ArrayList<>();
        if (breakerLevel != Health.HEALTHY) {
            reasons.add("circuit breaker " + breaker);
        }
        for (Signal signal : signals) {
            Health level = signal.level(1);
            if (level != Health.HEALTHY) {
                reasons.add(signal.describe() + " >= " + format(signal.threshold(level)));
            }
        }
        if (health.compareTo(raw) > 0) {
            for (Signal signal : signals) {
                Health level = signal.level(thresholds.recoveryRatio());
                if (level.compareTo(signal.level(1)) > 0) {
                    reasons.add(signal.describe() + " not yet below " + format(signal.threshold(level)
                            * thresholds.recoveryRatio()) + " to recover from " + level);
                }
            }
            if (betterSince != NEVER) {
                reasons.add("recovering: every signal below its recovery level for "
                        + duration(now - betterSince) + " of the " + duration(recoverAfterNanos) + " needed");
            }
        }
        return new CompartmentHealth(name, health, reasons, utilization, rejectionRate, failureRate, queueFill,
                breaker, toInstant.apply(since));
    }

    private String calls(long part, long whole) {
        return " (" + part + " of " + whole + " calls)";
    }

    private static Health breakerLevel(CircuitBreaker.@Nullable State state) {
        if (state == null) {
            return Health.HEALTHY;
        }
        return switch (state) {
            case OPEN, FORCED_OPEN -> Health.UNHEALTHY;
            case HALF_OPEN -> Health.DEGRADED;
            case CLOSED, DISABLED -> Health.HEALTHY;
        };
    }

    private static @Nullable Double valueOrNull(double value) {
        return Double.isNaN(value) ? null : value;
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static String duration(long nanos) {
        Duration duration = Duration.ofNanos(nanos);
        if (duration.toMillis() % 1000 == 0) {
            return duration.toSeconds() + " s";
        }
        return duration.toMillis() + " ms";
    }

    private final class Signal {
        private final String label;
        private final @Nullable Double value;
        private final String detail;
        private final double degraded;
        private final double unhealthy;

        Signal(String label, @Nullable Double value, String detail, double degraded, double unhealthy) {
            this.label = label;
            this.value = value;
            this.detail = detail;
            this.degraded = degraded;
            this.unhealthy = unhealthy;
        }

        Health level(double ratio) {
            if (value == null) {
                return Health.HEALTHY;
            }
            if (value >= unhealthy * ratio) {
                return Health.UNHEALTHY;
            }
            return value >= degraded * ratio ? Health.DEGRADED : Health.HEALTHY;
        }

        double threshold(Health level) {
            return level == Health.UNHEALTHY ? unhealthy : degraded;
        }

        String describe() {
            String shown = value == null ? "unknown" : format(value); // a signal without a value never fires
            return label + " " + shown + detail + " over " + duration(window.windowNanos());
        }
    }
}
