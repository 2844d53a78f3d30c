package dev.watertight;

import java.time.Duration;

/**
 * What one compartment's work used, as accounted by its {@link ResourceMeter}.
 *
 * @param name the compartment's name
 * @param calls pieces of work run
 * @param unmeasured pieces of work that ran on virtual threads, which the JVM cannot measure
 * @param cpuTime CPU time used, or null if CPU time is not measured
 * @param allocatedBytes bytes allocated, or -1 if allocation is not measured
 */
public record ResourceStats(String name, long calls, long unmeasured, Duration cpuTime, long allocatedBytes) {
}
