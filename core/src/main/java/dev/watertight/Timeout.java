package dev.watertight;

import dev.watertight.internal.InterruptingTimeout;
import dev.watertight.internal.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Bounds how long a call may take.
 *
 * <p>{@link #call}: the task runs on the calling thread with a {@link Deadline} set; when the time
 * runs out the thread is interrupted, and when the task returns (it must, to give its thread
 * back) the caller gets a {@link TaskTimeoutException}, whatever the task returned or threw. So a
 * guard outside the timeout (a bulkhead, say) keeps its permit until the task's code has really
 * stopped: a timed-out body never runs beside the calls that replaced it. The interrupt status the
 * timeout set is cleared before the exception is thrown.
 *
 * <p>{@link #callAsync}: the returned future fails with a {@link TaskTimeoutException} when the
 * time runs out, and the supplied stage is cancelled.
 *
 * <p>Nested timeouts never exceed an outer one: the effective timeout is the earlier of this one
 * and the deadline already set on the calling thread.
 *
 * <p>Implementations are thread-safe.
 */
public interface Timeout {

    /**
     * Starts building a timeout.
     *
     * @param name the compartment's name, shown in timeouts and stats
     * @return a builder; a timeout must be set
     */
    static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * A timeout with the default settings.
     *
     * @param name the compartment's name
     * @param timeout the longest a call may take
     * @return the timeout
     */
    static Timeout of(String name, Duration timeout) {
        return builder(name).timeout(timeout).build();
    }

    /**
     * A timeout built from settings made beforehand (by a builder's {@link Builder#config()}, or
     * read from a file).
     *
     * @param config the settings
     * @return the timeout
     */
    static Timeout of(TimeoutConfig config) {
        return new InterruptingTimeout(Objects.requireNonNull(config, "config must not be null"));
    }

    /** {@return the compartment's name} */
    String name();

    /** {@return the longest a call may take: the timeout in force, as built or last reconfigured} */
    Duration timeout();

    /**
     * The settings in force: those it was built with, as changed since by {@link #reconfigure}.
     * Its time source and listeners are always those it was built with.
     *
     * @return the settings in force
     */
    TimeoutConfig config();

    /**
     * Changes the timeout, for calls that start afterwards; calls under way keep the one they
     * started with. The time source and the listeners stay those it was built with.
     *
     * @param config the new settings, of this timeout's name
     * @throws IllegalArgumentException if the name is another compartment's
     */
    void reconfigure(TimeoutConfig config);

    /**
     * Changes the timeout alone: {@link #reconfigure(TimeoutConfig)} with the other settings
     * kept.
     *
     * @param timeout a positive duration, as for the builder
     * @throws IllegalArgumentException naming the setting, the bad value and what is allowed
     */
    default void reconfigure(Duration timeout) {
        TimeoutConfig now = config();
        reconfigure(new TimeoutConfig(now.name(), timeout, now.timeSource(), now.listeners()));
    }

    /**
     * Runs the task on this thread, interrupting it if it runs out of time.
     *
     * @param task the work
     * @param <T> the result type
     * @return what the task returned, if it returned in time
     * @throws TaskTimeoutException if the time ran out (thrown once the task has returned)
     * @throws Exception whatever the task threw in time, unchanged
     */
    <T> T call(Callable<? extends T> task) throws Exception;

    /**
     * Starts asynchronous work and bounds how long its stage may take.
     *
     * @param task starts the work and returns its stage
     * @param <T> the result type
     * @return a future that completes as the stage does, or fails with
     *     {@link TaskTimeoutException} when the time runs out (the stage is then cancelled)
     */
    <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task);

    /** {@return a snapshot of the counters} */
    TimeoutStats stats();

    /**
     * How many times a {@linkplain CompartmentListener listener} threw; caught and counted here.
     *
     * @return the count since the timeout was built
     */
    long listenerFailures();

    /**
     * Builds a {@link Timeout}. Each setting is checked as it is set. Not thread-safe.
     */
    final class Builder {
        private final String name;
        private @Nullable Duration timeout;
        private TimeSource timeSource = TimeSource.system();
        private final List<CompartmentListener> listeners = new ArrayList<>();

        private Builder(String name) {
            this.name = Settings.name(name);
        }

        /**
         * The longest a call may take.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = TimeoutConfig.checkedTimeout(timeout);
            return this;
        }

        /**
         * Where the timeout gets its time.
         *
         * @param timeSource default {@link TimeSource#system()}
         * @return this builder
         */
        public Builder timeSource(TimeSource timeSource) {
            this.timeSource = Objects.requireNonNull(timeSource, "timeSource must not be null");
            return this;
        }

        /**
         * Adds a listener for timeouts.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(CompartmentListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
            return this;
        }

        /**
         * Builds the timeout.
         *
         * @return the timeout
         * @throws IllegalArgumentException if no timeout was set
         */
        public Timeout build() {
            return Timeout.of(config());
        }

        /**
         * The settings given so far.
         *
         * @return the settings
         * @throws IllegalArgumentException if no timeout was set
         */
        public TimeoutConfig config() {
            Duration given = timeout;
            if (given == null) {
                throw new IllegalArgumentException("timeout must be set to a positive duration, was not set");
            }
            return new TimeoutConfig(name, given, timeSource, listeners);
        }
    }
}
