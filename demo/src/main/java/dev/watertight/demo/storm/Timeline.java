package dev.watertight.demo.storm;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The storm's script: a steady mix of signups, reads and orders throughout, then a flood of
 * reports, then a payment outage, then recovery.
 *
 * @param phases the phases, in order
 */
public record Timeline(List<Phase> phases) {
    /** The payment dependency's latency when it is well: the seed's 100 ms. */
    public static final int PAYMENT_LATENCY_MS = 100;

    /** Copies the phases. */
    public Timeline {
        phases = List.copyOf(phases);
        if (phases.isEmpty()) {
            throw new IllegalArgumentException("a timeline needs at least one phase");
        }
    }

    /**
     * The standard storm, its four phases sharing the total time equally.
     *
     * @param total about a minute for the demo; a few seconds for tests
     * @return the timeline
     */
    public static Timeline standard(Duration total) {
        int quarter = (int) Math.max(1, total.toSeconds() / 4);
        Map<Operation, Double> steady = Map.of(Operation.SIGNUP, 10.0, Operation.READ_USER, 30.0, Operation.ORDER, 10.0,
                Operation.REPORT, 0.2);
        Map<Operation, Double> flood = Map.of(Operation.SIGNUP, 10.0, Operation.READ_USER, 30.0, Operation.ORDER, 10.0,
                Operation.REPORT, 25.0);
        return new Timeline(List.of(
                new Phase("calm", quarter, steady, PAYMENT_LATENCY_MS, 0),
                new Phase("reporting flood", quarter, flood, PAYMENT_LATENCY_MS, 0),
                new Phase("payment outage", quarter, steady, 3_000, 1.0),
                new Phase("recovery", quarter, steady, PAYMENT_LATENCY_MS, 0)));
    }

    /** The whole length, in seconds. */
    public int seconds() {
        return phases.stream().mapToInt(Phase::seconds).sum();
    }

    /** When the phase running at that second ends, in seconds from the start. */
    public int phaseEnd(int second) {
        int end = 0;
        for (Phase phase : phases) {
            end += phase.seconds();
            if (second < end) {
                return end;
            }
        }
        return end;
    }

    /** The phase running at that second from the start. */
    public Phase phaseAt(int second) {
        return phases.get(phaseIndexAt(second));
    }

    /** The position in {@link #phases()} of the phase running at that second from the start. */
    public int phaseIndexAt(int second) {
        int end = 0;
        for (int i = 0; i < phases.size(); i++) {
            end += phases.get(i).seconds();
            if (second < end) {
                return i;
            }
        }
        return phases.size() - 1;
    }
}
