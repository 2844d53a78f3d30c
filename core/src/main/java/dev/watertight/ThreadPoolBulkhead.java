package dev.watertight;

import dev.watertight.internal.Settings;
import dev.watertight.internal.WorkerPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A compartment with its own worker threads and a bounded queue, so that slow work of one kind
 * cannot take the threads that other kinds of work need.
 *
 * <pre>{@code
 * ThreadPoolBulkhead reporting = ThreadPoolBulkhead.builder("reporting")
 *         .threads(2)
 *         .queueCapacity(10)
 *         .timeout(Duration.ofSeconds(30))
 *         .build();
 *
 * CompletableFuture<Report> report = reporting.submit(() -> buildReport(type));
 * }</pre>
 *
 * <p><b>Bounds, exactly.</b> At most {@code threads} tasks run at once and at most
 * {@code queueCapacity} wait, under any number of concurrent submitters. {@link #submit} refuses
 * a task (with {@link BulkheadFullException}, at once) only when {@code threads + queueCapacity}
 * tasks are already in the compartment; it never refuses while a thread is idle or the queue has
 * room. Both limits can be {@linkplain #resize changed in place}; work already admitted is never
 * dropped by that, and no task starts while as many as the limit in force run.
 *
 * <p><b>Timeout.</b> When a {@linkplain Builder#timeout(Duration) timeout} is set, it is measured
 * from when the task starts running. When it runs out, the task's future fails with a
 * {@link TaskTimeoutException} and the task's thread is interrupted. The thread stays counted as
 * busy until the task's code really returns, so even a task that ignores interrupts never lets
 * more than {@code threads} tasks run at once.
 *
 * <p><b>Cancellation.</b> Cancelling the future of a queued task removes it from the queue and it
 * never runs; cancelling the future of a running task interrupts its thread (when asked to) and,
 * again, its thread stays counted until the task's code returns.
 *
 * <p><b>Threads.</b> Worker threads are started on demand, one per submission until there are
 * {@code threads} of them (as the JDK's thread pool starts its core threads), and named
 * {@code watertight-<name>-<n>}, so a thread dump shows which compartment is busy. They are
 * daemon platform threads, or {@linkplain Builder#virtualThreads(boolean) virtual threads} with
 * exactly the same bounds.
 *
 * <p><b>Completion.</b> A task's counters are updated and its thread is released before its
 * future completes, so a caller that joins the future sees the stats already settled. Dependent
 * stages added without an executor run on the thread that completes the future: the worker
 * (after the task's thread was released, outside the compartment's accounting) when the task
 * returns or throws, a short-lived virtual thread when it times out (never the timer thread that
 * every compartment shares), the cancelling thread when it is cancelled, the closing thread when
 * {@code close()} drops it. Use the {@code *Async} variants to choose. Completing the future by
 * hand does not stop the task: use {@code cancel}.
 *
 * <p><b>Shutdown.</b> {@link #close()} stops admissions at once; tasks already running or queued
 * get {@linkplain Builder#shutdownGrace(Duration) a grace period} to finish. When it runs out,
 * still-queued tasks are dropped, never run, and their futures fail with a
 * {@link CompartmentClosedException}; running tasks are cancelled and interrupted. Every future
 * is complete when {@code close()} returns.
 *
 * <p>Implementations are thread-safe.
 */
public interface ThreadPoolBulkhead extends AutoCloseable {

    /**
     * Starts building a thread-pool compartment.
     *
     * @param name the compartment's name, used in thread names, rejections and stats
     * @return a builder with the defaults: as many threads as processors, a queue of 100, no
     *     timeout, platform threads, a shutdown grace of 5 seconds
     */
    static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * A thread pool built from settings made beforehand (by a builder's {@link Builder#config()}, or
     * read from a file).
     *
     * @param config the settings
     * @return the thread pool
     */
    static ThreadPoolBulkhead of(ThreadPoolBulkheadConfig config) {
        return new WorkerPool(Objects.requireNonNull(config, "config must not be null"));
    }

    /**
     * A thread pool with the given sizes and the other settings at their defaults.
     *
     * @param name the compartment's name
     * @param threads how many tasks may run at once
     * @param queueCapacity how many may wait
     * @return the compartment
     */
    static ThreadPoolBulkhead of(String name, int threads, int queueCapacity) {
        return builder(name).threads(threads).queueCapacity(queueCapacity).build();
    }

    /** {@return the compartment's name} */
    String name();

    /**
     * The settings in force: those it was built with, as changed since by {@link #resize} and
     * {@link #reconfigure}. The time source, listeners and {@code writableStackTrace} are always
     * those it was built with.
     *
     * @return the settings in force
     */
    ThreadPoolBulkheadConfig config();

    /**
     * Changes how many tasks may run at once and how many may wait, in place, without dropping
     * any work. Validated as the builder's settings are.
     *
     * <p>Growing starts workers for tasks already waiting (others start on demand) and lets more
     * tasks run at once. Shrinking takes nothing back: running tasks finish, and their workers
     * then retire; no task starts while as many as the new {@code threads} run, so the number of
     * running tasks converges to the new limit and never rises above the larger of the number
     * running at the change and the new limit. Tasks queued beyond a lowered
     * {@code queueCapacity} stay queued and run; {@link #submit} refuses new tasks with
     * {@link BulkheadFullException} until fewer than {@code threads + queueCapacity} tasks are
     * in the compartment. {@link #stats()} and {@link #config()} report the new limits at once.
     * Resizing a closed pool changes the figures and nothing else. Never blocks for long: it
     * takes a lock that starting and retiring workers take.
     *
     * @param threads from 1 to {@value ThreadPoolBulkheadConfig#MAX_THREADS}
     * @param queueCapacity from 0, with {@code threads + queueCapacity} at most
     *     {@code Integer.MAX_VALUE}
     * @throws IllegalArgumentException naming the bad setting, its value and what is allowed
     */
    void resize(int threads, int queueCapacity);

    /**
     * Puts new settings in force on the running pool: {@code threads} and {@code queueCapacity}
     * as {@link #resize} does, the {@code timeout} for tasks that start afterwards (running tasks
     * keep the one they started with), and the {@code shutdownGrace} for a {@link #close()} that
     * starts afterwards. The pool keeps its time source, listeners and {@code writableStackTrace};
     * those of the given config are ignored.
     *
     * @param config the new settings, for instance from {@link Builder#config()}
     * @throws IllegalArgumentException if the config changes {@code virtualThreads} or
     *     {@code name}, which cannot change on a running pool
     */
    void reconfigure(ThreadPoolBulkheadConfig config);

    /**
     * Runs the task on one of the compartment's threads, at once if one is idle, otherwise after
     * the tasks queued before it.
     *
     * @param task the work
     * @param <T> the result type
     * @return a future of the task's result; see the class documentation for timeouts and
     *     cancellation
     * @throws BulkheadFullException if every thread is busy and the queue is full
     * @throws CompartmentClosedException if {@link #close()} has been called
     */
    <T> CompletableFuture<T> submit(Callable<? extends T> task);

    /**
     * How many times a {@linkplain CompartmentListener listener} threw. Listener failures are
     * caught and counted here, never passed on to callers.
     *
     * @return the count since the compartment was built
     */
    long listenerFailures();

    /** {@return a snapshot of the counters; cheap, and safe to call from any thread at any time} */
    ThreadPoolStats stats();

    /**
     * Starts measuring, for the given timings, how long each task waits to start and how long it
     * runs; see {@link CallTimings} for what is reported when. Timings can be attached at any
     * time, to a running pool, and several at once: each attached one hears every report.
     *
     * <p>A task's wait runs from its admission by {@link #submit} until a worker starts it: its
     * time in the queue, including the hand-off to an idle worker. Its running time ends when its
     * code returns, even after its timeout or a cancellation, since the thread is taken until then.
     * Both are reported on the worker thread, before the task's future completes (unless its
     * timeout or a cancellation completed the future earlier). A task that
     * never starts (cancelled while queued, dropped at close) is not reported. A measured task
     * reads the pool's {@linkplain Builder#timeSource time source} three times, and allocates one
     * small object more.
     *
     * @param timings where to report; thread-safe and quick, it runs on the pool's threads
     * @return the recording; closing it detaches these timings (the others stay attached)
     */
    CallTimings.Recording recordTimings(CallTimings timings);

    /** {@return whether {@link #close()} has been called} */
    boolean isClosed();

    /**
     * Stops admissions, lets running and queued work finish within the shutdown grace period,
     * then drops what is still queued and cancels what still runs. Returns when every future is
     * complete; calling it again waits for the first call to finish. Called from one of the
     * compartment's own tasks, it does not wait: the shutdown goes on in the background; called
     * again from the closing thread itself (by a dependent stage or a listener), it returns at
     * once. If the closing thread is interrupted while it waits, the grace period ends at once.
     */
    @Override
    void close();

    /**
     * Builds a {@link ThreadPoolBulkhead}. Each setting is checked as it is set, and a bad value
     * fails at once with an {@link IllegalArgumentException} naming the setting, the value and
     * what is allowed. Not thread-safe; a builder may be reused.
     */
    final class Builder {
        private final String name;
        private int threads = Runtime.getRuntime().availableProcessors();
        private int queueCapacity = ThreadPoolBulkheadConfig.DEFAULT_QUEUE_CAPACITY;
        private @Nullable Duration timeout;
        private boolean virtualThreads;
        private Duration shutdownGrace = ThreadPoolBulkheadConfig.DEFAULT_SHUTDOWN_GRACE;
        private boolean writableStackTrace;
        private TimeSource timeSource = TimeSource.system();
        private final List<CompartmentListener> listeners = new ArrayList<>();

        private Builder(String name) {
            this.name = Settings.name(name);
        }

        /**
         * How many tasks may run at once: the number of worker threads.
         *
         * @param threads from 1 to {@value ThreadPoolBulkheadConfig#MAX_THREADS}; default the
         *     number of processors
         * @return this builder
         */
        public Builder threads(int threads) {
            this.threads = Settings.between("threads", threads, 1, ThreadPoolBulkheadConfig.MAX_THREADS);
            return this;
        }

        /**
         * How many tasks may wait for a thread.
         *
         * @param queueCapacity from 0 (hand off to an idle thread or refuse) up to
         *     {@code Integer.MAX_VALUE - threads}; default 100
         * @return this builder
         */
        public Builder queueCapacity(int queueCapacity) {
            this.queueCapacity = Settings.atLeast("queueCapacity", queueCapacity, 0);
            return this;
        }

        /**
         * The longest a task may run, measured from when it starts.
         *
         * @param timeout a positive duration; by default there is no timeout
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Settings.positive("timeout", timeout);
            return this;
        }

        /**
         * Whether the workers are virtual threads rather than platform threads. The bounds are
         * exactly the same; virtual workers suit tasks that mostly wait on I/O.
         *
         * @param virtualThreads true for virtual threads; default false
         * @return this builder
         */
        public Builder virtualThreads(boolean virtualThreads) {
            this.virtualThreads = virtualThreads;
            return this;
        }

        /**
         * How long {@link ThreadPoolBulkhead#close()} lets running and queued tasks finish before
         * it drops and cancels them.
         *
         * @param shutdownGrace zero (drop and cancel at once) or a positive duration; default 5 s
         * @return this builder
         */
        public Builder shutdownGrace(Duration shutdownGrace) {
            this.shutdownGrace = Settings.nonNegative("shutdownGrace", shutdownGrace);
            return this;
        }

        /**
         * Whether rejections record the stack trace of the refused submission; off by default.
         *
         * @param writableStackTrace true to record stack traces
         * @return this builder
         */
        public Builder writableStackTrace(boolean writableStackTrace) {
            this.writableStackTrace = writableStackTrace;
            return this;
        }

        /**
         * Where timeouts and the shutdown grace period get their time; tests can pass a source
         * they move by hand.
         *
         * @param timeSource the source; default {@link TimeSource#system()}
         * @return this builder
         */
        public Builder timeSource(TimeSource timeSource) {
            this.timeSource = Objects.requireNonNull(timeSource, "timeSource must not be null");
            return this;
        }

        /**
         * Adds a listener for rejections, timeouts and cancellations.
         *
         * @param listener the listener; called in the order added
         * @return this builder
         */
        public Builder listener(CompartmentListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
            return this;
        }

        /**
         * The settings given so far, as a validated immutable config, without building a pool:
         * what a configuration reader passes to {@link ThreadPoolBulkhead#reconfigure}.
         *
         * @return the config
         * @throws IllegalArgumentException if {@code threads + queueCapacity} exceeds
         *     {@code Integer.MAX_VALUE}
         */
        public ThreadPoolBulkheadConfig config() {
            return new ThreadPoolBulkheadConfig(
                    name, threads, queueCapacity, timeout, virtualThreads, shutdownGrace,
                    writableStackTrace, timeSource, listeners);
        }

        /**
         * Builds the compartment. No thread is started until the first task arrives.
         *
         * @return the compartment
         * @throws IllegalArgumentException if {@code threads + queueCapacity} exceeds
         *     {@code Integer.MAX_VALUE}
         */
        public ThreadPoolBulkhead build() {
            return ThreadPoolBulkhead.of(config());
        }
    }
}
