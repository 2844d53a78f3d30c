package dev.watertight;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What one compartment's work used, as accounted by its {@link ResourceMeter}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the compartment's name
 * @param calls pieces of work run
 * @param unmeasured pieces of work that ran on virtual threads, which the JVM cannot measure
 * @param cpuTime CPU time used, or null if CPU time is not measured
 * @param allocatedBytes bytes allocated, or -1 if allocation is not measured
 */
public record ResourceStats(String name, long calls, long unmeasured, @Nullable Duration cpuTime, long allocatedBytes) {
}
