package dev.watertight;

import dev.watertight.internal.SemaphoreBulkhead;
import dev.watertight.internal.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A compartment that limits how many calls run at once, on the callers' own threads.
 *
 * <p>A call enters when one of {@code maxConcurrent} permits is free and gives its permit back
 * when it ends, whichever way it ends. When every permit is in use a caller waits up to
 * {@code maxWait} (by default it does not wait at all; never past the {@link Deadline} of an
 * enclosing timeout) and is then refused with a
 * {@link BulkheadFullException} naming the compartment, its limit and how long it waited.
 *
 * <pre>{@code
 * Bulkhead payments = Bulkhead.builder("payments")
 *         .maxConcurrent(10)
 *         .maxWait(Duration.ofMillis(50))
 *         .build();
 *
 * Receipt receipt = payments.call(() -> gateway.charge(order));
 * }</pre>
 *
 * <p><b>Guarantees.</b> No more than {@code maxConcurrent} calls hold a permit at any moment
 * (after {@link #resize} lowers the limit, calls already in flight finish first). A permit is
 * given back exactly once per call, whether the call returns, throws an exception or an
 * {@link Error}, or its asynchronous stage fails or is cancelled. A caller interrupted while
 * waiting takes no permit. Counters add up: {@code accepted == succeeded + failed + inUse}.
 *
 * <p><b>Cost.</b> Through {@link #call} and {@link #run}, entering and leaving take one atomic
 * update each, allocate nothing and take no lock; no clock is read unless the caller has to wait.
 * {@link #acquire()} and {@link #tryAcquire()} also allocate the small {@link Permit} they return,
 * and {@link #callAsync} the future it returns. A rejection allocates only its exception, which
 * carries no stack trace unless {@link Builder#writableStackTrace(boolean)} asks for one.
 * {@linkplain #recordTimings Timings}, when attached, add clock reads to measure each call; while
 * none are attached, each entry point reads one field more and nothing else.
 *
 * <p><b>Fairness.</b> Waiting callers are served in arrival order. By default a newly arriving
 * caller may still take a permit that has just been freed ahead of them, which is faster; with
 * {@link Builder#fair(boolean) fair(true)} nobody overtakes a waiting caller.
 *
 * <p>Implementations are thread-safe.
 */
public interface Bulkhead {

    /**
     * Starts building a bulkhead.
     *
     * @param name the compartment's name, shown in rejections, stats and thread dumps
     * @return a builder with the defaults: {@code maxConcurrent} 25, {@code maxWait} zero, unfair
     * @throws IllegalArgumentException if the name is null, blank, longer than 128 characters or
     *     contains control characters
     */
    static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * A bulkhead built from settings made beforehand (by a builder's {@link Builder#config()}, or
     * read from a file).
     *
     * @param config the settings
     * @return the bulkhead
     */
    static Bulkhead of(BulkheadConfig config) {
        return new SemaphoreBulkhead(Objects.requireNonNull(config, "config must not be null"));
    }

    /**
     * A fail-fast bulkhead with the given limit and the other settings at their defaults.
     *
     * @param name the compartment's name
     * @param maxConcurrent how many calls may run at once
     * @return the bulkhead
     */
    static Bulkhead of(String name, int maxConcurrent) {
        return builder(name).maxConcurrent(maxConcurrent).build();
    }

    /** {@return the compartment's name} */
    String name();

    /**
     * The settings in force: those it was built with, as changed since by {@link #resize} and
     * {@link #reconfigure}. Its listeners and {@code writableStackTrace} are always those it was
     * built with.
     *
     * @return the settings in force
     */
    BulkheadConfig config();

    /** {@return the current limit on concurrent calls, which {@link #resize} may have changed} */
    int maxConcurrent();

    /**
     * Runs the task inside the compartment and returns its result.
     *
     * @param task the work to run on this thread once a permit is held
     * @param <T> the result type
     * @return what the task returned
     * @throws BulkheadFullException if no permit became free within {@code maxWait}, or the
     *     caller was interrupted while waiting (its interrupt status is then set again)
     * @throws Exception whatever the task threw, unchanged
     */
    <T> T call(Callable<? extends T> task) throws Exception;

    /**
     * Runs the task inside the compartment.
     *
     * @param task the work to run on this thread once a permit is held
     * @throws BulkheadFullException if no permit became free within {@code maxWait}, or the
     *     caller was interrupted while waiting (its interrupt status is then set again)
     */
    void run(Runnable task);

    /**
     * Starts asynchronous work inside the compartment and holds the permit until the work's
     * stage completes.
     *
     * <p>The permit is taken on the calling thread (waiting up to {@code maxWait}), then the
     * supplier is called. The permit is given back exactly once, when the supplied stage
     * completes, whether normally, exceptionally or by cancellation. Cancelling the returned
     * future cancels the supplied stage through its {@code toCompletableFuture()}; the permit is
     * given back once that stage has completed. A stage that cannot be cancelled that way (such
     * as a {@code minimalCompletionStage()}, whose {@code toCompletableFuture()} is a copy) holds
     * its permit until it completes on its own.
     *
     * @param task starts the work and returns its stage; must not return null
     * @param <T> the result type
     * @return a future that completes as the supplied stage does; it fails with
     *     {@link BulkheadFullException} when the call is refused, and with whatever the supplier
     *     threw if it threw
     */
    <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task);

    /**
     * Takes a permit for a caller that manages the scope itself, waiting up to {@code maxWait}.
     *
     * <pre>{@code
     * try (Bulkhead.Permit permit = bulkhead.acquire()) {
     *     try {
     *         useTheResource();
     *     } catch (RuntimeException e) {
     *         permit.markFailed();
     *         throw e;
     *     }
     * }
     * }</pre>
     *
     * @return the permit; close it exactly once (closing again does nothing)
     * @throws BulkheadFullException if no permit became free within {@code maxWait}
     * @throws InterruptedException if the caller was interrupted while waiting; no permit is taken
     */
    Permit acquire() throws InterruptedException;

    /**
     * Takes a permit only if one is free now: never waits, and in a fair bulkhead never ahead of
     * a waiting caller. A refusal here is an answer, not a rejection: it throws nothing and is not
     * counted in {@link BulkheadStats#rejected()}.
     *
     * @return the permit, or empty if none is free now
     */
    Optional<Permit> tryAcquire();

    /**
     * Changes the limit without blocking. Calls in flight keep their permits: after lowering the
     * limit, new calls are admitted only once enough of them have finished; after raising it,
     * waiting callers are admitted at once.
     *
     * @param maxConcurrent the new limit, at least 1
     * @throws IllegalArgumentException if the limit is out of range
     * @throws UnsupportedOperationException for a bulkhead on a {@link SharedCapacity} share,
     *     whose limit is the share's ceiling
     */
    void resize(int maxConcurrent);

    /**
     * Puts new settings in force on the running bulkhead: {@code maxConcurrent} as
     * {@link #resize} changes it (calls in flight keep their permits), and {@code maxWait} for
     * callers that start waiting afterwards. The bulkhead keeps its listeners and
     * {@code writableStackTrace}; those of the given config are ignored. The two settings change
     * one after the other, not at one instant.
     *
     * @param config the new settings, for instance from {@link Builder#config()}
     * @throws IllegalArgumentException if the config changes {@code name}, {@code fair} or
     *     {@code share}, which cannot change on a running bulkhead (so a bulkhead on a
     *     {@link SharedCapacity} share keeps the share's ceiling as its limit)
     */
    void reconfigure(BulkheadConfig config);

    /**
     * How many times a {@linkplain CompartmentListener listener} threw. Listener failures are
     * caught and counted here, never passed on to callers.
     *
     * @return the count since the compartment was built
     */
    long listenerFailures();

    /** {@return a snapshot of the counters; cheap, and safe to call from any thread at any time} */
    BulkheadStats stats();

    /**
     * Starts measuring, for the given timings, how long each call waits for a permit and how long
     * it holds it; see {@link CallTimings} for what is reported when. Timings can be attached at
     * any time, to a running bulkhead, and several at once: each attached one hears every report.
     *
     * <p>A call admitted at once reports a wait of 0 without reading the clock; one that waited
     * reports its wait. The permit is held by {@code call} and {@code run} while the task runs, by
     * {@code callAsync} until the supplied stage completes (or the supplier throws), and by a
     * permit from {@link #acquire()} or {@link #tryAcquire()} until it is closed. A measured call
     * reads the system's monotonic clock ({@link System#nanoTime()}) twice more than an unmeasured
     * one, three times more if it waited.
     *
     * @param timings where to report; thread-safe and quick, it runs on the callers' threads
     * @return the recording; closing it detaches these timings (the others stay attached)
     */
    CallTimings.Recording recordTimings(CallTimings timings);

    /**
     * A permit held by a caller that manages the scope itself. Closing it gives the permit back;
     * closing it again does nothing, from any thread. A permit is counted as succeeded unless
     * {@link #markFailed()} was called before it was closed.
     *
     * <p>Thread-safe.
     */
    interface Permit extends AutoCloseable {

        /** Records that the guarded work failed; the permit is still held until {@link #close()}. */
        void markFailed();

        /** {@return whether the permit is still held (not yet closed)} */
        boolean isHeld();

        /** Gives the permit back, once; later calls do nothing. */
        @Override
        void close();
    }

    /**
     * Builds a {@link Bulkhead}. Each setting is checked as it is set, and a bad value fails at
     * once with an {@link IllegalArgumentException} naming the setting, the value and what is
     * allowed. Not thread-safe; a builder may be reused to build several bulkheads.
     */
    final class Builder {
        private final String name;
        private int maxConcurrent = BulkheadConfig.DEFAULT_MAX_CONCURRENT;
        private Duration maxWait = Duration.ZERO;
        private boolean fair;
        private boolean writableStackTrace;
        private SharedCapacity.@Nullable Share share;
        private boolean maxConcurrentSet;
        private final List<CompartmentListener> listeners = new ArrayList<>();

        private Builder(String name) {
            this.name = Settings.name(name);
        }

        /**
         * Takes the permits from a share of a {@link SharedCapacity} instead of the bulkhead's
         * own: the limit is the share's ceiling, the share's reservation is guaranteed, and what
         * the other shares leave unreserved may be borrowed.
         *
         * <pre>{@code
         * SharedCapacity workers = SharedCapacity.builder("workers", 20)
         *         .share("orders", 5, 15).share("users", 5, 15).share("reports", 5, 10).build();
         * Bulkhead orders = Bulkhead.builder("orders").share(workers.share("orders")).build();
         * }</pre>
         *
         * @param share the share; its bulkhead cannot be resized
         * @return this builder
         */
        public Builder share(SharedCapacity.Share share) {
            this.share = Objects.requireNonNull(share, "share must not be null");
            return this;
        }

        /**
         * How many calls may hold a permit at once.
         *
         * @param maxConcurrent from 1 to {@value Integer#MAX_VALUE}; default 25
         * @return this builder
         */
        public Builder maxConcurrent(int maxConcurrent) {
            this.maxConcurrent = Settings.atLeast("maxConcurrent", maxConcurrent, 1);
            this.maxConcurrentSet = true;
            return this;
        }

        /**
         * How long a caller may wait for a permit before it is refused.
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
         * Whether waiting callers are served strictly first come, first served. When false (the
         * default) a caller arriving just as a permit is freed may take it ahead of a waiting one.
         *
         * @param fair true for strict arrival order
         * @return this builder
         */
        public Builder fair(boolean fair) {
            this.fair = fair;
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
         * The settings given so far, as a validated immutable config, without building a
         * bulkhead: what a configuration reader passes to {@link Bulkhead#reconfigure}.
         *
         * @return the config
         * @throws IllegalArgumentException if the settings do not fit together (such as a
         *     {@code maxConcurrent} other than the ceiling of the share)
         */
        public BulkheadConfig config() {
            int limit = share != null && !maxConcurrentSet ? share.ceiling() : maxConcurrent;
            return new BulkheadConfig(name, limit, maxWait, fair, writableStackTrace, listeners, share);
        }

        /**
         * Builds the bulkhead.
         *
         * @return a new bulkhead with all permits free
         */
        public Bulkhead build() {
            return Bulkhead.of(config());
        }
    }
}
