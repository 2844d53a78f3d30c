package dev.watertight;

import java.time.Duration;

/**
 * A snapshot of a {@link CpuBudget}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the compartment's name
 * @param cores the CPU rate allowed
 * @param cpuTime the CPU time charged so far
 * @param admitted calls admitted
 * @param waited calls admitted after waiting for the compartment to be within its budget
 * @param refused calls refused
 */
public record CpuBudgetStats(String name, double cores, Duration cpuTime, long admitted, long waited, long refused) {
}
