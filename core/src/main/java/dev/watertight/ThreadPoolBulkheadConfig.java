package dev.watertight;

import dev.watertight.internal.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The settings of a {@link ThreadPoolBulkhead}, immutable and validated.
 *
 * @param name the compartment's name
 * @param threads how many tasks may run at once
 * @param queueCapacity how many tasks may wait for a thread
 * @param timeout the longest a task may run, from its start; null for none
 * @param virtualThreads whether the workers are virtual threads
 * @param shutdownGrace how long {@code close()} lets work finish
 * @param writableStackTrace whether rejections record a stack trace
 * @param timeSource where timeouts get their time
 * @param listeners who hears rejections, timeouts and cancellations, in order
 */
public record ThreadPoolBulkheadConfig(
        String name,
        int threads,
        int queueCapacity,
        @Nullable Duration timeout,
        boolean virtualThreads,
        Duration shutdownGrace,
        boolean writableStackTrace,
        TimeSource timeSource,
        List<CompartmentListener> listeners) {

    /** The most threads a compartment may have; more would be a mistake, not a configuration. */
    public static final int MAX_THREADS = 100_000;

    /** The queue capacity used when none is given. */
    public static final int DEFAULT_QUEUE_CAPACITY = 100;

    /** The shutdown grace period used when none is given. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(5);

    /**
     * Checks every setting.
     *
     * @throws IllegalArgumentException naming the first bad setting, its value and what is allowed
     */
    public ThreadPoolBulkheadConfig {
        name = Settings.name(name);
        Settings.between("threads", threads, 1, MAX_THREADS);
        Settings.atLeast("queueCapacity", queueCapacity, 0);
        if ((long) threads + queueCapacity > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("threads + queueCapacity must be at most "
                    + Integer.MAX_VALUE + ", was " + threads + " + " + queueCapacity + " = "
                    + ((long) threads + queueCapacity));
        }
        if (timeout != null) {
            Settings.positive("timeout", timeout);
        }
        shutdownGrace = Settings.nonNegative("shutdownGrace", shutdownGrace);
        Objects.requireNonNull(timeSource, "timeSource must not be null");
        listeners = Settings.listeners(listeners);
    }

    /** {@return the timeout, if one is set} */
    public Optional<Duration> timeoutIfSet() {
        return Optional.ofNullable(timeout);
    }

    /**
     * These settings with one more listener, after the ones already given.
     *
     * @param listener the listener to add
     * @return a copy with the listener
     */
    public ThreadPoolBulkheadConfig withListener(CompartmentListener listener) {
        return new ThreadPoolBulkheadConfig(name, threads, queueCapacity, timeout, virtualThreads, shutdownGrace, writableStackTrace,
                timeSource, Settings.withListener(listeners, listener));
    }
}
