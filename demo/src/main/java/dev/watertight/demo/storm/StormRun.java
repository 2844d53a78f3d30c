package dev.watertight.demo.storm;

import java.util.List;
import java.util.Map;

/**
 * The result of one run of the storm against one service.
 *
 * @param mode how the service was built ({@code shared} or {@code compartments})
 * @param timeline the script it ran
 * @param overall per operation, over the whole run
 * @param byPhase per phase (in timeline order), per operation
 * @param seconds per operation, per second: succeeded, rejected, failed, p99 ms
 * @param snapshots the service's snapshot JSON at each second (null where it did not answer)
 */
public record StormRun(
        String mode,
        Timeline timeline,
        Map<Operation, OperationSummary> overall,
        List<Map<Operation, OperationSummary>> byPhase,
        Map<Operation, List<double[]>> seconds,
        List<String> snapshots) {

    /** The summary of one operation in the phase of that name. */
    public OperationSummary in(String phase, Operation operation) {
        for (int i = 0; i < timeline.phases().size(); i++) {
            if (timeline.phases().get(i).name().equals(phase)) {
                return byPhase.get(i).get(operation);
            }
        }
        throw new IllegalArgumentException("no phase named '" + phase + "'");
    }
}
