package dev.watertight;

import java.time.Duration;

/**
 * A snapshot of a {@link Timeout}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the compartment's name
 * @param timeout the longest a call may take
 * @param calls calls started through the timeout
 * @param timedOut of those, the ones that ran out of time
 */
public record TimeoutStats(String name, Duration timeout, long calls, long timedOut) {}
