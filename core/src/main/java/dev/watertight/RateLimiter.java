package dev.watertight;

import dev.watertight.internal.GcraRateLimiter;
import dev.watertight.internal.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * A compartment that limits how often calls are admitted: {@code permitsPerPeriod} per
 * {@code period}, with up to {@code burst} permits saved up while it is idle.
 *
 * <pre>{@code
 * RateLimiter search = RateLimiter.builder("search")
 *         .permitsPerPeriod(100)
 *         .period(Duration.ofSeconds(1))
 *         .burst(20)
 *         .build();
 *
 * Page page = search.call(() -> index.search(query)); // RateLimitExceededException if over the rate
 * if (search.tryAcquire()) {
 *     index.prefetch(query, page.number() + 1);          // optional work, only while under the rate
 * }
 * }</pre>
 *
 * <p>In a {@code Compartment}, guards nest in this order, outermost first, so that a call refused
 * by the rate limiter never holds a bulkhead permit:
 * <pre>{@code
 * retry(circuitBreaker(rateLimiter(bulkhead(timeout(call)))))
 * }</pre>
 *
 * <p><b>The bound, exactly.</b> The limiter earns one permit every
 * {@code interval = ceil(period / permitsPerPeriod)} nanoseconds and holds at most {@code burst}
 * of them; it starts full. Each grant is decided at one reading of the {@link TimeSource}, taken
 * during the call. Then, for every instant {@code s}, not only instants aligned to anything:
 * <ul>
 *   <li>the permits granted at readings {@code s <= t <= s + period} total at most
 *       {@code burst + permitsPerPeriod};</li>
 *   <li>those granted at readings {@code s <= t < s + period} total at most
 *       {@code burst + permitsPerPeriod - 1}, so {@code burst(1)} means "never more than
 *       {@code permitsPerPeriod} in any window of length {@code period}";</li>
 *   <li>more generally, in any closed window of length {@code L}, at most
 *       {@code burst + floor(L / interval)}.</li>
 * </ul>
 * Both window bounds are reached when {@code permitsPerPeriod} divides the period in nanoseconds;
 * otherwise the interval is rounded up, never down, which makes the limiter at most one
 * nanosecond per permit stricter than asked. By default {@code burst} equals
 * {@code permitsPerPeriod}, so a fresh or idle limiter can serve a whole period's worth at once,
 * and any window of length {@code period} sees at most twice that.
 *
 * <p><b>Clock jumps.</b> Time comes from {@link TimeSource#nanoTime()}, which is monotonic and may
 * wrap past {@code Long.MAX_VALUE}; both are handled, for readings less than 292 years apart. A
 * jump forward of any size fills the bucket and no more (at most {@code burst} permits at once).
 * A time source that goes backwards (the system one never does; a test clock may) takes credit
 * away rather than giving any: the bound then holds for every window of forward-only elapsed
 * time, and once a call has seen the jump, the permits asked for are free again after at most
 * the time to earn them, however far back the clock went.
 *
 * <p><b>Waiting.</b> {@link #tryAcquire()} never waits. {@link #acquire()}, {@link #call} and
 * {@link #run} wait up to {@code maxWait} (by default not at all; never past the
 * {@link Deadline} of an enclosing timeout) and then throw
 * {@link RateLimitExceededException}; a caller that could not be served within {@code maxWait} at
 * the current rate is refused at once instead of waiting in vain. Waiting callers take turns in
 * arrival order, and a waiting caller reserves nothing: when its turn comes it parks until its
 * permits should be free, then takes them like any caller, so a caller that gives up (timed out
 * or interrupted) has taken no capacity. Callers that arrive while others wait are not queued
 * behind them: a {@code tryAcquire}, or an {@code acquire} whose permits are free at once, may
 * take a permit first.
 *
 * <p><b>Cost.</b> {@link #tryAcquire()} reads the clock once, makes one CAS and one striped count,
 * takes no lock and allocates nothing. A rejection allocates only its exception, which carries no
 * stack trace unless {@link Builder#writableStackTrace(boolean)} asks for one.
 *
 * <p>Implementations are thread-safe.
 */
public interface RateLimiter {

    /**
     * Starts building a rate limiter. {@link Builder#permitsPerPeriod(int)} must be set.
     *
     * @param name the compartment's name, shown in rejections and stats
     * @return a builder with the defaults: a period of 1 s, a burst equal to
     *     {@code permitsPerPeriod}, {@code maxWait} zero, the system time source
     * @throws IllegalArgumentException if the name is null, blank, longer than 128 characters or
     *     contains control characters
     */
    static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * A rate limiter built from settings made beforehand (by a builder's {@link Builder#config()}, or
     * read from a file).
     *
     * @param config the settings
     * @return the rate limiter
     */
    static RateLimiter of(RateLimiterConfig config) {
        return new GcraRateLimiter(Objects.requireNonNull(config, "config must not be null"));
    }

    /**
     * A fail-fast rate limiter with the given rate and a burst of {@code permitsPerPeriod}.
     *
     * @param name the compartment's name
     * @param permitsPerPeriod how many permits are earned per period
     * @param period the period
     * @return the rate limiter
     */
    static RateLimiter of(String name, int permitsPerPeriod, Duration period) {
        return builder(name).permitsPerPeriod(permitsPerPeriod).period(period).build();
    }

    /** {@return the compartment's name} */
    String name();

    /**
     * The settings it was built with, as changed since by {@link #reconfigure} (but not by
     * {@link #changeRate}, which {@link #stats()} shows). Its time source, listeners and
     * {@code writableStackTrace} are always those it was built with.
     *
     * @return the settings it was built with, as changed since by {@link #reconfigure} (but not by {@link #changeRate}, which {@link #stats()} shows)
     */
    RateLimiterConfig config();

    /**
     * Takes one permit if one is free now. Never waits. A refusal here is an answer, not a
     * rejection: it throws nothing and is not counted in {@link RateLimiterStats#rejected()}.
     *
     * @return whether the permit was granted
     */
    boolean tryAcquire();

    /**
     * Takes the permits, all or none, if they are free now. Never waits; asking for more than the
     * burst is simply refused.
     *
     * @param permits how many, at least 1
     * @return whether the permits were granted
     * @throws IllegalArgumentException if {@code permits} is less than 1
     */
    boolean tryAcquire(int permits);

    /**
     * Takes one permit, waiting up to {@code maxWait} for it.
     *
     * @throws RateLimitExceededException if the permit could not be had within {@code maxWait},
     *     or the caller was interrupted while waiting (its interrupt status is then set again)
     */
    void acquire();

    /**
     * Takes the permits, all or none, waiting up to {@code maxWait} for them.
     *
     * @param permits how many, at least 1
     * @throws RateLimitExceededException if the permits could not be had within {@code maxWait}
     *     (at once if they are more than the burst), or the caller was interrupted while waiting
     *     (its interrupt status is then set again)
     * @throws IllegalArgumentException if {@code permits} is less than 1
     */
    void acquire(int permits);

    /**
     * Takes one permit, waiting up to {@code maxWait}, then runs the task and returns its result.
     *
     * @param task the work to run on this thread once the permit is granted
     * @param <T> the result type
     * @return what the task returned
     * @throws RateLimitExceededException if the permit was refused, as for {@link #acquire()}
     * @throws Exception whatever the task threw, unchanged
     */
    <T> T call(Callable<? extends T> task) throws Exception;

    /**
     * Takes one permit, waiting up to {@code maxWait}, then runs the task.
     *
     * @param task the work to run on this thread once the permit is granted
     * @throws RateLimitExceededException if the permit was refused, as for {@link #acquire()}
     */
    void run(Runnable task);

    /**
     * Changes the rate at once, keeping the burst. See {@link #changeRate(int, Duration, int)}.
     *
     * @param permitsPerPeriod the new number of permits per period
     * @param period the new period
     * @throws IllegalArgumentException if a value is out of range, as for the builder
     */
    void changeRate(int permitsPerPeriod, Duration period);

    /**
     * Changes the rate and the burst at once, without blocking callers.
     *
     * <p>The permits saved up are kept as a fraction of the old rate's permits, capped at the new
     * burst: a full bucket stays full, an empty one stays empty, and the share of the next permit
     * already earned carries over. The new rate applies from the change on: every window that
     * begins after the change obeys the bound of the new rate, and a window that spans it grants
     * at most the old burst plus what each rate earns in its part of the window. Waiting callers
     * are woken to check again under the new rate.
     *
     * @param permitsPerPeriod the new number of permits per period
     * @param period the new period
     * @param burst the new burst
     * @throws IllegalArgumentException if a value is out of range, as for the builder
     */
    void changeRate(int permitsPerPeriod, Duration period, int burst);

    /**
     * Puts new settings in force on the running rate limiter: the rate and burst as
     * {@link #changeRate(int, Duration, int)} changes them (the permits saved up are carried over,
     * capped at the new burst, so from the change on nothing is granted beyond what the new burst
     * and rate allow), and {@code maxWait} for waits decided afterwards.
     * Waiting callers are woken to check again. The rate limiter keeps its time source,
     * listeners and {@code writableStackTrace}; those of the given config are ignored.
     *
     * @param config the new settings, for instance from {@link Builder#config()}
     * @throws IllegalArgumentException if the config has another name
     */
    void reconfigure(RateLimiterConfig config);

    /**
     * How many times a {@linkplain CompartmentListener listener} threw. Listener failures are
     * caught and counted here, never passed on to callers.
     *
     * @return the count since the compartment was built
     */
    long listenerFailures();

    /** {@return a snapshot of the rate and the counters; cheap, and safe to call from any thread at any time} */
    RateLimiterStats stats();

    /**
     * Builds a {@link RateLimiter}. Each setting is checked as it is set, and a bad value fails at
     * once with an {@link IllegalArgumentException} naming the setting, the value and what is
     * allowed; settings that must fit together are checked by {@link #build()}. Not thread-safe; a
     * builder may be reused to build several rate limiters.
     */
    final class Builder {
        private final String name;
        private int permitsPerPeriod;
        private Duration period = RateLimiterConfig.DEFAULT_PERIOD;
        private int burst;
        private Duration maxWait = Duration.ZERO;
        private boolean writableStackTrace;
        private TimeSource timeSource = TimeSource.system();
        private final List<CompartmentListener> listeners = new ArrayList<>();

        private Builder(String name) {
            this.name = Settings.name(name);
        }

        /**
         * How many permits are earned per period. Required: a rate limiter has no default rate.
         *
         * @param permitsPerPeriod from 1 to {@value Integer#MAX_VALUE}, and at most one per
         *     nanosecond of the period
         * @return this builder
         */
        public Builder permitsPerPeriod(int permitsPerPeriod) {
            this.permitsPerPeriod = Settings.atLeast("permitsPerPeriod", permitsPerPeriod, 1);
            return this;
        }

        /**
         * The period over which {@code permitsPerPeriod} permits are earned, evenly.
         *
         * @param period a positive duration; default 1 second
         * @return this builder
         */
        public Builder period(Duration period) {
            this.period = Settings.positive("period", period);
            return this;
        }

        /**
         * The most permits saved up while the limiter is idle, which is also the most granted at
         * one instant.
         *
         * @param burst from 1 to {@value Integer#MAX_VALUE}; default {@code permitsPerPeriod}.
         *     The time to earn a full burst must be at most about 146 years.
         * @return this builder
         */
        public Builder burst(int burst) {
            this.burst = Settings.atLeast("burst", burst, 1);
            return this;
        }

        /**
         * How long a caller of {@link RateLimiter#acquire()}, {@link RateLimiter#call} or
         * {@link RateLimiter#run} may wait for its permits before it is refused.
         *
         * @param maxWait zero (the default: refuse at once) or a positive duration of at most
         *     {@link Long#MAX_VALUE} nanoseconds
         * @return this builder
         */
        public Builder maxWait(Duration maxWait) {
            this.maxWait = Settings.nonNegative("maxWait", maxWait);
            return this;
        }

        /**
         * Whether rejections record the stack trace of the refused call. Off by default: a stack
         * trace costs microseconds on a path that runs most under overload.
         *
         * @param writableStackTrace true to record stack traces
         * @return this builder
         */
        public Builder writableStackTrace(boolean writableStackTrace) {
            this.writableStackTrace = writableStackTrace;
            return this;
        }

        /**
         * Where the rate limiter reads the time and schedules the wake-up of waiting callers.
         * Tests pass a clock they move by hand.
         *
         * @param timeSource the source; default {@link TimeSource#system()}
         * @return this builder
         */
        public Builder timeSource(TimeSource timeSource) {
            this.timeSource = Objects.requireNonNull(timeSource, "timeSource must not be null");
            return this;
        }

        /**
         * Adds a listener for rejections.
         *
         * @param listener the listener; called in the order added
         * @return this builder
         */
        public Builder listener(CompartmentListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
            return this;
        }

        /**
         * Builds the rate limiter, with its bucket full.
         *
         * @return a new rate limiter
         * @throws IllegalStateException if {@link #permitsPerPeriod(int)} was not set
         * @throws IllegalArgumentException if the settings do not fit together
         */
        public RateLimiter build() {
            return RateLimiter.of(config());
        }

        /**
         * The settings given so far, as a validated immutable config, without building a rate
         * limiter: what a configuration reader passes to {@link RateLimiter#reconfigure}.
         *
         * @return the config
         * @throws IllegalStateException if {@link #permitsPerPeriod(int)} was not set
         * @throws IllegalArgumentException if the settings do not fit together
         */
        public RateLimiterConfig config() {
            if (permitsPerPeriod == 0) {
                throw new IllegalStateException(
                        "permitsPerPeriod must be set: a rate limiter has no default rate");
            }
            return new RateLimiterConfig(name, permitsPerPeriod, period,
                    burst == 0 ? permitsPerPeriod : burst, maxWait, writableStackTrace, timeSource,
                    listeners);
        }
    }
}
