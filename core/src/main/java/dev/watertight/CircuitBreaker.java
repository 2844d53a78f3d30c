package dev.watertight;

import dev.watertight.internal.Settings;
import dev.watertight.internal.WindowedCircuitBreaker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Stops calling a dependency that keeps failing, and tries it again, carefully, after a while.
 *
 * <pre>{@code
 * CircuitBreaker payment = CircuitBreaker.builder("payment")
 *         .failureRateThreshold(50)          // open when half the recent calls fail...
 *         .slidingWindowSize(100)            // ...of the last 100
 *         .minimumCalls(20)                  // once there are at least 20
 *         .openDuration(Duration.ofSeconds(30))
 *         .halfOpenProbes(3)
 *         .build();
 *
 * Receipt receipt = payment.call(() -> gateway.charge(order));
 * }</pre>
 *
 * <p><b>States.</b> {@code CLOSED}: calls go through and their outcomes fill a sliding window
 * (the last {@code slidingWindowSize} calls, or the calls of the last
 * {@code slidingWindowDuration}). When the window holds at least {@code minimumCalls} and the
 * failure rate (or the slow-call rate) reaches its threshold, or {@code consecutiveFailures} calls
 * in a row fail, the breaker trips to {@code OPEN}: every call is refused with a
 * {@link CircuitBreakerOpenException} for {@code openDuration} (growing by
 * {@code openDurationMultiplier} each time a trial fails, up to {@code maxOpenDuration}). Then
 * it is {@code HALF_OPEN}, for a round of probes: {@code halfOpenProbes} bounds the probes of a
 * round, not those in flight — the round lets exactly that many calls through in all (one client
 * sends them one after the other, eight clients several at once) and refuses the rest, even once
 * some of its probes have answered. The round decides as soon as its probes have answered: it
 * closes with an empty window the moment the last of them succeeds, and the first probe that
 * fails opens it again at once; a probe whose outcome is ignored gives its place back. A probe that never reports back cannot
 * strand it: after {@code halfOpenDeadline} a fresh round of probes is admitted.
 * {@code FORCED_OPEN} and {@code DISABLED} are set by hand.
 *
 * <p><b>Outcomes.</b> A call fails when it throws something {@code recordFailures} accepts (by
 * default anything) that {@code ignoreFailures} does not ignore, or returns a result
 * {@code failureResult} accepts. Ignored outcomes count for nothing. Rejections by Watertight's own
 * guards ({@link CompartmentRejectedException}: a full bulkhead below, say) are always ignored:
 * they say nothing about the dependency. An outcome counts only in the state in which the call
 * was admitted: a call let through before the breaker opened that fails after it reopened decides
 * nothing.
 *
 * <p><b>Concurrency.</b> Every transition is one atomic step and happens once. The window,
 * though, is a sample: each outcome is judged against the counts it sees after recording itself,
 * and when outcomes overlap, a window state they pass through together may never be judged (a
 * success can evict a failure before anyone compared "2 calls, 1 failure" with a 50 % threshold).
 * A rate that stays at or above the threshold trips the breaker at the next outcome;
 * {@code consecutiveFailures} counts exactly. Lock-free windows elsewhere behave the same way;
 * a lock per recorded call would cost more than the whole call does here.
 *
 * <p><b>Cost.</b> In the closed state a call reads one field to be admitted and, with a
 * count-based window, makes one atomic increment to be recorded: no lock, no allocation, no clock
 * read. A time-based window reads a coarse clock (a field) instead of the system clock; a
 * slow-call duration costs two reads of the system clock per call.
 *
 * <p>Implementations are thread-safe.
 */
public interface CircuitBreaker {

    /**
     * The states of a circuit breaker.
     *
     * <p>Immutable and thread-safe, as every enum.
     */
    enum State {
        /** Calls go through and are recorded. */
        CLOSED,
        /** Calls are refused until the open period ends. */
        OPEN,
        /** A few probe calls go through; the rest are refused. */
        HALF_OPEN,
        /** Calls are refused until {@link #reset()}. */
        FORCED_OPEN,
        /** Calls go through and are recorded, but the breaker never trips: metrics only. */
        DISABLED
    }

    /**
     * Starts building a circuit breaker.
     *
     * @param name the breaker's name, shown in rejections, stats and events
     * @return a builder with the defaults: a count-based window of 100 calls, 50 % failure rate,
     *     100 minimum calls, 60 s open, 10 probes, 60 s half-open deadline
     */
    static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * A circuit breaker built from settings made beforehand (by a builder's {@link Builder#config()}, or
     * read from a file).
     *
     * @param config the settings
     * @return the circuit breaker
     */
    static CircuitBreaker of(CircuitBreakerConfig config) {
        return new WindowedCircuitBreaker(Objects.requireNonNull(config, "config must not be null"));
    }

    /** {@return the breaker's name} */
    String name();

    /**
     * The settings in force: those it was built with, as changed since by {@link #reconfigure}.
     * The predicates, time source, listeners and {@code writableStackTrace} are always those it
     * was built with.
     *
     * @return the settings in force
     */
    CircuitBreakerConfig config();

    /**
     * Puts new numeric settings in force on the running breaker, thread-safely and without a
     * lock on the call path: the thresholds, the slow-call duration, the window (size, or
     * duration, or kind), {@code minimumCalls}, {@code consecutiveFailures}, the open durations
     * and multiplier, {@code halfOpenProbes} and {@code halfOpenDeadline}.
     *
     * <p>The breaker keeps its state, and its predicates ({@code recordFailures},
     * {@code ignoreFailures}, {@code failureResult}), time source, listeners and
     * {@code writableStackTrace}: those of the given config are ignored. A changed window (size,
     * duration or kind) starts a new empty window, and no listener hears of it (the state did not
     * change); calls in flight record into whichever window is current when they end. The other
     * settings apply from the next call that records or is admitted: new thresholds are checked
     * at the next recorded outcome; an open period already running keeps its end, and a half-open
     * round under way keeps its number of probes (the next ones use the new settings); a call that
     * started while slow calls were not measured is not measured.
     *
     * @param config the new settings, for instance from {@link Builder#config()}
     * @throws IllegalArgumentException if the config has another name
     */
    void reconfigure(CircuitBreakerConfig config);

    /** {@return the current state} */
    State state();

    /**
     * Runs the task if the breaker lets it through, and records its outcome.
     *
     * @param task the call to the dependency
     * @param <T> the result type
     * @return what the task returned
     * @throws CircuitBreakerOpenException if the breaker refused the call
     * @throws Exception whatever the task threw, unchanged
     */
    <T> T call(Callable<? extends T> task) throws Exception;

    /**
     * Runs the task if the breaker lets it through, and records its outcome.
     *
     * @param task the call to the dependency
     * @throws CircuitBreakerOpenException if the breaker refused the call
     */
    void run(Runnable task);

    /**
     * Starts asynchronous work if the breaker lets it through, and records its outcome when its
     * stage completes (a cancelled stage counts as ignored).
     *
     * @param task starts the work and returns its stage
     * @param <T> the result type
     * @return a future that completes as the stage does, or fails with
     *     {@link CircuitBreakerOpenException} if the breaker refused the call
     */
    <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task);

    /** Refuses every call until {@link #reset()}. */
    void forceOpen();

    /** Lets every call through and keeps recording, but never trips, until {@link #reset()}. */
    void disable();

    /** Closes the breaker with an empty window, whatever its state. */
    void reset();

    /** {@return a snapshot of the state and the window; cheap, safe from any thread} */
    CircuitBreakerStats stats();

    /**
     * How many times a {@linkplain CompartmentListener listener} threw; caught and counted here.
     *
     * @return the count since the breaker was built
     */
    long listenerFailures();

    /**
     * Builds a {@link CircuitBreaker}. Each setting is checked as it is set, and a bad value fails
     * at once with an {@link IllegalArgumentException} naming the setting, the value and what is
     * allowed. Not thread-safe.
     */
    final class Builder {
        private final String name;
        private double failureRateThreshold = 50;
        private double slowCallRateThreshold = 100;
        private @Nullable Duration slowCallDuration;
        private int slidingWindowSize = 100;
        private @Nullable Duration slidingWindowDuration;
        private int minimumCalls = 100;
        private int consecutiveFailures;
        private Duration openDuration = Duration.ofSeconds(60);
        private double openDurationMultiplier = 1;
        private @Nullable Duration maxOpenDuration;
        private int halfOpenProbes = 10;
        private Duration halfOpenDeadline = Duration.ofSeconds(60);
        private Predicate<? super Throwable> recordFailures = failure -> true;
        private Predicate<? super Throwable> ignoreFailures = failure -> false;
        private @Nullable Predicate<Object> failureResult;
        private boolean writableStackTrace;
        private TimeSource timeSource = TimeSource.system();
        private final List<CompartmentListener> listeners = new ArrayList<>();

        private Builder(String name) {
            this.name = Settings.name(name);
        }

        /**
         * The failure rate, in percent, at which the breaker trips; a rate equal to it trips.
         *
         * @param percent more than 0 and at most 100; default 50
         * @return this builder
         */
        public Builder failureRateThreshold(double percent) {
            this.failureRateThreshold = Settings.percent("failureRateThreshold", percent);
            return this;
        }

        /**
         * The rate of slow calls, in percent, at which the breaker trips (only with a
         * {@link #slowCallDuration}).
         *
         * @param percent more than 0 and at most 100; default 100
         * @return this builder
         */
        public Builder slowCallRateThreshold(double percent) {
            this.slowCallRateThreshold = Settings.percent("slowCallRateThreshold", percent);
            return this;
        }

        /**
         * How long a call may take before it counts as slow. Off by default: measuring costs two
         * clock reads per call.
         *
         * @param duration a positive duration
         * @return this builder
         */
        public Builder slowCallDuration(Duration duration) {
            this.slowCallDuration = Settings.positive("slowCallDuration", duration);
            return this;
        }

        /**
         * A count-based window: the outcomes of the last {@code calls} calls (the default kind).
         *
         * @param calls from 1 to {@value CircuitBreakerConfig#MAX_WINDOW_CALLS}; default 100
         * @return this builder
         */
        public Builder slidingWindowSize(int calls) {
            this.slidingWindowSize = Settings.between("slidingWindowSize", calls, 1, CircuitBreakerConfig.MAX_WINDOW_CALLS);
            this.slidingWindowDuration = null;
            return this;
        }

        /**
         * A time-based window instead: the outcomes of the calls of the last {@code duration},
         * kept in {@value CircuitBreakerConfig#TIME_WINDOW_BUCKETS} buckets.
         *
         * @param duration from 100 ms to 1 day
         * @return this builder
         */
        public Builder slidingWindowDuration(Duration duration) {
            this.slidingWindowDuration = Settings.durationBetween(
                    "slidingWindowDuration", duration, Duration.ofMillis(100), Duration.ofDays(1));
            return this;
        }

        /**
         * How many calls the window must hold before a rate can trip the breaker.
         *
         * @param calls at least 1; default 100
         * @return this builder
         */
        public Builder minimumCalls(int calls) {
            this.minimumCalls = Settings.atLeast("minimumCalls", calls, 1);
            return this;
        }

        /**
         * Also trip after this many failures in a row, whatever the window says (the classic
         * breaker). Off by default.
         *
         * @param failures at least 1, or 0 for off
         * @return this builder
         */
        public Builder consecutiveFailures(int failures) {
            this.consecutiveFailures = Settings.atLeast("consecutiveFailures", failures, 0);
            return this;
        }

        /**
         * How long the breaker stays open before it lets probes through.
         *
         * @param duration a positive duration; default 60 s
         * @return this builder
         */
        public Builder openDuration(Duration duration) {
            this.openDuration = Settings.positive("openDuration", duration);
            return this;
        }

        /**
         * How much longer each open period lasts when the breaker reopens after a failed trial;
         * back to {@code openDuration} once it closes.
         *
         * @param multiplier from 1 (the default: always the same) to 100
         * @return this builder
         */
        public Builder openDurationMultiplier(double multiplier) {
            this.openDurationMultiplier = Settings.doubleBetween("openDurationMultiplier", multiplier, 1, 100);
            return this;
        }

        /**
         * The longest an open period may grow to.
         *
         * @param duration a positive duration; default ten times {@code openDuration}
         * @return this builder
         */
        public Builder maxOpenDuration(Duration duration) {
            this.maxOpenDuration = Settings.positive("maxOpenDuration", duration);
            return this;
        }

        /**
         * How many probe calls a half-open round lets through, in all (not at a time: a probe
         * that has answered does not free its place); the breaker closes as soon as that many
         * have succeeded and reopens at the first that fails.
         *
         * @param probes from 1 to 10000; default 10
         * @return this builder
         */
        public Builder halfOpenProbes(int probes) {
            this.halfOpenProbes = Settings.between("halfOpenProbes", probes, 1, 10_000);
            return this;
        }

        /**
         * How long the half-open breaker waits for its probes before it admits a fresh round, so
         * that a probe that never returns cannot keep it half-open for ever.
         *
         * @param duration a positive duration; default 60 s
         * @return this builder
         */
        public Builder halfOpenDeadline(Duration duration) {
            this.halfOpenDeadline = Settings.positive("halfOpenDeadline", duration);
            return this;
        }

        /**
         * Which exceptions count as failures; the others count as successes.
         *
         * @param predicate default: every exception and error
         * @return this builder
         */
        public Builder recordFailures(Predicate<? super Throwable> predicate) {
            this.recordFailures = Objects.requireNonNull(predicate, "recordFailures must not be null");
            return this;
        }

        /**
         * Which exceptions count for nothing at all. Watertight's own rejections always do.
         *
         * @param predicate default: none
         * @return this builder
         */
        public Builder ignoreFailures(Predicate<? super Throwable> predicate) {
            this.ignoreFailures = Objects.requireNonNull(predicate, "ignoreFailures must not be null");
            return this;
        }

        /**
         * Which results count as failures (an error code, an empty answer).
         *
         * @param predicate default: no result is a failure
         * @return this builder
         */
        public Builder failureResult(Predicate<Object> predicate) {
            this.failureResult = Objects.requireNonNull(predicate, "failureResult must not be null");
            return this;
        }

        /**
         * Whether rejections record a stack trace; off by default.
         *
         * @param writableStackTrace true to record stack traces
         * @return this builder
         */
        public Builder writableStackTrace(boolean writableStackTrace) {
            this.writableStackTrace = writableStackTrace;
            return this;
        }

        /**
         * Where the breaker gets its time; tests can pass a source they move by hand.
         *
         * @param timeSource default {@link TimeSource#system()}
         * @return this builder
         */
        public Builder timeSource(TimeSource timeSource) {
            this.timeSource = Objects.requireNonNull(timeSource, "timeSource must not be null");
            return this;
        }

        /**
         * Adds a listener for state changes and rejections.
         *
         * @param listener the listener; called in the order added
         * @return this builder
         */
        public Builder listener(CompartmentListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
            return this;
        }

        /**
         * Builds the breaker, closed with an empty window.
         *
         * @return the breaker
         */
        public CircuitBreaker build() {
            return CircuitBreaker.of(config());
        }

        /**
         * The settings given so far, as a validated immutable config, without building a breaker:
         * what a configuration reader passes to {@link CircuitBreaker#reconfigure}.
         *
         * @return the config
         * @throws IllegalArgumentException if the settings do not fit together (such as a
         *     {@code maxOpenDuration} shorter than {@code openDuration})
         */
        public CircuitBreakerConfig config() {
            return new CircuitBreakerConfig(
                    name, failureRateThreshold, slowCallRateThreshold, slowCallDuration,
                    slidingWindowSize, slidingWindowDuration, minimumCalls, consecutiveFailures,
                    openDuration, openDurationMultiplier,
                    maxOpenDuration == null ? Settings.saturatingTimes(openDuration, 10) : maxOpenDuration,
                    halfOpenProbes, halfOpenDeadline, recordFailures, ignoreFailures, failureResult,
                    writableStackTrace, timeSource, listeners);
        }
    }
}
