package dev.watertight;

import dev.watertight.internal.FanOut;
import dev.watertight.internal.HealthReading;
import dev.watertight.internal.HealthTracker;
import dev.watertight.internal.Settings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Judges the health of compartments from their stats, over time: each compartment is
 * {@link Health#HEALTHY}, {@link Health#DEGRADED} or {@link Health#UNHEALTHY} by the rules of its
 * {@link HealthThresholds}, from signals averaged over a window (utilization, queue fill) or
 * counted over it (rejection and failure rates), and from its circuit breaker's state.
 *
 * <pre>{@code
 * HealthMonitor monitor = HealthMonitor.builder(() -> List.of(payments.stats(), reporting.stats()))
 *         .thresholds("reporting", HealthThresholds.defaults().toBuilder().utilization(0.9, 1.0).build())
 *         .listener((previous, current) -> log.warn("{}", current))
 *         .build();
 * try (HealthMonitor.Sampling sampling = monitor.start(Duration.ofSeconds(1))) {
 *     ...
 *     monitor.report().toJson();   // for a health endpoint
 * }
 * }</pre>
 *
 * <p>A monitor does nothing on its own: each {@link #sample()} takes one snapshot of every
 * compartment from the source, adds it to that compartment's window and evaluates it. Call it
 * regularly, about once per {@linkplain Builder#resolution resolution} (every second by default),
 * or let {@link #start(Duration)} do so on a daemon thread. A compartment the source no longer
 * gives is forgotten, along with its window.
 *
 * <p>Worsening is immediate but judged on windowed values, so a single busy instant does not
 * trip it; improving needs every signal below a margin for a dwell time
 * ({@link HealthThresholds#recoveryRatio()}, {@link HealthThresholds#recoverAfter()}), so a
 * signal that hovers around a threshold changes the health once, not at every sample.
 *
 * <p><b>Concurrency.</b> {@link #sample()} may be called from any thread; calls are serialized by
 * a {@code ReentrantLock} (no monitor, so a virtual thread never pins), which guards the windows
 * and the listeners' calls, so that listeners hear the changes one at a time and in order.
 * {@link #report()} is a volatile read of the last report, an immutable record published after
 * the windows are updated and before the listeners are called. {@link #reconfigure} only
 * publishes new thresholds in a volatile field; the next sample, under the lock, hands them to
 * the trackers, so a sample never mixes two sets of thresholds. Memory is bounded: one ring per
 * compartment, of at most {@code window / resolution + 2} slots (never more than 4096).
 * Thread-safe; the builder is not.
 */
public final class HealthMonitor {
    private final Supplier<? extends Collection<CompartmentStats>> source;
    private final TimeSource time;
    private volatile HealthConfig thresholds; // the thresholds wanted, as last given
    private HealthConfig applied; // guarded by lock: the thresholds the trackers judge by
    private final FanOut<HealthListener> listeners;
    private final long resolutionNanos;
    private final long originNanos;
    private final Instant originInstant;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Tracked> tracked = new HashMap<>(); // guarded by lock
    private final LongAdder samplingFailures = new LongAdder();
    private boolean notifying; // guarded by lock
    private volatile HealthReport report;

    private static final class Tracked {
        final HealthTracker tracker;
        @Nullable CompartmentHealth last;

        Tracked(HealthTracker tracker) {
            this.tracker = tracker;
        }
    }

    private HealthMonitor(Builder builder) {
        this.source = builder.source;
        this.time = builder.time;
        this.thresholds = new HealthConfig(builder.defaults, builder.overrides);
        this.applied = thresholds;
        this.listeners = new FanOut<>(builder.listeners);
        this.resolutionNanos = builder.resolution.toNanos();
        this.originNanos = time.nanoTime();
        this.originInstant = builder.clock.instant();
        this.report = new HealthReport(originInstant, Health.HEALTHY, List.of());
    }

    /**
     * Starts building a monitor.
     *
     * @param source gives a snapshot of every compartment to watch, each time it is asked (a
     *     registry's stats, say); null elements are skipped, two with one name are an error
     * @return a builder with the default thresholds, the system time source and clock
     */
    public static Builder builder(Supplier<? extends Collection<CompartmentStats>> source) {
        return new Builder(source);
    }

    /**
     * Takes one snapshot of every compartment, updates their windows and healths, and tells the
     * listeners of each change.
     *
     * @return the new report, which {@link #report()} returns from now on
     * @throws IllegalStateException if the source gives two compartments of one name, or if
     *     called from a listener; nothing is updated then
     * @throws RuntimeException whatever the source throws; nothing is updated then either
     */
    public HealthReport sample() {
        lock.lock();
        try {
            if (notifying) {
                throw new IllegalStateException("a HealthListener must not call sample()");
            }
            Collection<CompartmentStats> snapshot = Objects.requireNonNull(source.get(), "the source gave null");
            Map<String, CompartmentStats> byName = new TreeMap<>();
            for (CompartmentStats stats : snapshot) {
                if (stats != null && byName.putIfAbsent(stats.name(), stats) != null) {
                    throw new IllegalStateException("the source gave two compartments named '" + stats.name() + "'");
                }
            }
            // After the checks that refuse a sample: a refused sample leaves the trackers as they were.
            long now = time.nanoTime();
            HealthConfig wanted = thresholds;
            if (wanted != applied) {
                applied = wanted;
                tracked.forEach((name, entry) -> entry.tracker.reconfigure(wanted.thresholds(name)));
            }

            List<CompartmentHealth> changedFrom = new ArrayList<>();
            List<CompartmentHealth> changedTo = new ArrayList<>();
            List<CompartmentHealth> healths = new ArrayList<>(byName.size());
            Health overall = Health.HEALTHY;
            for (CompartmentStats stats : byName.values()) {
                Tracked entry = tracked.computeIfAbsent(stats.name(), name ->
                        new Tracked(new HealthTracker(name, thresholds(name), resolutionNanos)));
                CompartmentHealth current = entry.tracker.update(now, HealthReading.of(stats), this::instant);
                CompartmentHealth previous = entry.last;
                if (previous == null ? current.health() != Health.HEALTHY : previous.health() != current.health()) {
                    changedFrom.add(previous);
                    changedTo.add(current);
                }
                entry.last = current;
                healths.add(current);
                overall = overall.worst(current.health());
            }
            for (Iterator<Map.Entry<String, Tracked>> it = tracked.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Tracked> entry = it.next();
                if (!byName.containsKey(entry.getKey())) {
                    CompartmentHealth last = entry.getValue().last;
                    if (last != null && last.health() != Health.HEALTHY) {
                        changedFrom.add(last);
                        changedTo.add(null);
                    }
                    it.remove();
                }
            }

            HealthReport next = new HealthReport(instant(now), overall, healths);
            report = next;
            notifying = true;
            try {
                for (int i = 0; i < changedFrom.size(); i++) {
                    tell(changedFrom.get(i), changedTo.get(i));
                }
            } finally {
                notifying = false;
            }
            return next;
        } finally {
            lock.unlock();
        }
    }

    private void tell(@Nullable CompartmentHealth previous, @Nullable CompartmentHealth current) {
        listeners.tell(HealthListener::onHealthChange, previous, current);
    }

    /** {@return the report of the last {@link #sample()}; before the first, a healthy report of no compartment} */
    public HealthReport report() {
        return report;
    }

    /** {@return how many times a listener threw} */
    public long listenerFailures() {
        return listeners.failures();
    }

    /** {@return how many samples taken by {@link #start} failed (the source threw, say); each is skipped} */
    public long samplingFailures() {
        return samplingFailures.sum();
    }

    /**
     * Samples at a fixed rate, at once and then every {@code interval}, on a daemon thread of its
     * own named {@code watertight-health}. A sample that fails is counted
     * ({@link #samplingFailures()}) and the next one is taken all the same.
     *
     * @param interval the time between samples, positive; the resolution is a good choice
     * @return a handle whose {@code close()} stops the sampling and the thread
     */
    public Sampling start(Duration interval) {
        long nanos = Settings.positive("interval", interval).toNanos();
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "watertight-health");
            thread.setDaemon(true);
            return thread;
        });
        // The sample counts its own failures, so the schedule runs until close(): no future to watch.
        var unused = executor.scheduleAtFixedRate(this::sampleCounted, 0, nanos, TimeUnit.NANOSECONDS);
        return executor::shutdownNow;
    }

    /**
     * Samples at a fixed rate on an executor the caller owns, at once and then every
     * {@code interval}. A sample that fails is counted ({@link #samplingFailures()}) and the next
     * one is taken all the same.
     *
     * @param executor where to run the samples; it is not shut down by the handle
     * @param interval the time between samples, positive
     * @return a handle whose {@code close()} cancels the sampling
     */
    public Sampling start(ScheduledExecutorService executor, Duration interval) {
        Objects.requireNonNull(executor, "executor");
        long nanos = Settings.positive("interval", interval).toNanos();
        ScheduledFuture<?> sampling = executor.scheduleAtFixedRate(this::sampleCounted, 0, nanos, TimeUnit.NANOSECONDS);
        return () -> sampling.cancel(false);
    }

    private void sampleCounted() {
        try {
            sample();
        } catch (Throwable failure) { // a scheduled task that throws is never run again
            samplingFailures.increment();
        }
    }

    private HealthThresholds thresholds(String name) {
        return applied.thresholds(name);
    }

    /**
     * Judges compartments by new thresholds from the next {@link #sample()} on (a configuration
     * file's reloaded {@code health} section, say). Each compartment keeps the health it has until
     * the new thresholds say otherwise: worse at once, better after their {@code recoverAfter}.
     * A compartment whose window length changes starts an empty window. Never blocks: the
     * thresholds are handed over through a volatile field that the next sample reads under its
     * lock, so this may be called from anywhere, a listener included.
     *
     * @param next the new thresholds; they replace every earlier one, per-compartment ones included
     */
    public void reconfigure(HealthConfig next) {
        thresholds = Objects.requireNonNull(next, "thresholds must not be null");
    }

    /** {@return the thresholds given last, at build time or by {@link #reconfigure}} */
    public HealthConfig thresholds() {
        return thresholds;
    }

    private Instant instant(long nanos) {
        return originInstant.plusNanos(nanos - originNanos);
    }

    @Override
    public String toString() {
        return "HealthMonitor" + report.compartments().stream().map(c -> c.name() + "=" + c.health()).toList();
    }

    /**
     * Periodic sampling started by {@link #start}; closing it stops the sampling. Idempotent.
     *
     * <p>Thread-safe: it may be closed from any thread, and closing twice is harmless.
     */
    @FunctionalInterface
    public interface Sampling extends AutoCloseable {
        /** Stops the sampling; a sample under way finishes. */
        @Override
        void close();
    }

    /** Builds a {@link HealthMonitor}. Not thread-safe. */
    public static final class Builder {
        private final Supplier<? extends Collection<CompartmentStats>> source;
        private TimeSource time = TimeSource.system();
        private Clock clock = Clock.systemUTC();
        private HealthThresholds defaults = HealthThresholds.defaults();
        private final Map<String, HealthThresholds> overrides = new LinkedHashMap<>();
        private final List<HealthListener> listeners = new ArrayList<>();
        private Duration resolution = Duration.ofSeconds(1);

        private Builder(Supplier<? extends Collection<CompartmentStats>> source) {
            if (source == null) {
                throw new IllegalArgumentException("source must not be null");
            }
            this.source = source;
        }

        /**
         * The thresholds of every compartment without thresholds of its own
         * ({@link HealthThresholds#defaults()} unless set).
         *
         * @param thresholds the thresholds
         * @return this builder
         */
        public Builder thresholds(HealthThresholds thresholds) {
            if (thresholds == null) {
                throw new IllegalArgumentException("thresholds must not be null");
            }
            this.defaults = thresholds;
            return this;
        }

        /**
         * Every threshold at once, as a configuration file's {@code health} section gives them:
         * replaces the thresholds set so far, per-compartment ones included.
         *
         * @param thresholds the defaults and the per-compartment thresholds
         * @return this builder
         */
        public Builder thresholds(HealthConfig thresholds) {
            if (thresholds == null) {
                throw new IllegalArgumentException("thresholds must not be null");
            }
            this.defaults = thresholds.defaults();
            this.overrides.clear();
            this.overrides.putAll(thresholds.compartments());
            return this;
        }

        /**
         * The thresholds of one compartment.
         *
         * @param compartment the compartment's name
         * @param thresholds its thresholds
         * @return this builder
         */
        public Builder thresholds(String compartment, HealthThresholds thresholds) {
            Settings.name(compartment);
            if (thresholds == null) {
                throw new IllegalArgumentException("thresholds of '" + compartment + "' must not be null");
            }
            overrides.put(compartment, thresholds);
            return this;
        }

        /**
         * Adds a listener of health changes; listeners are called in the order they were added.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(HealthListener listener) {
            if (listener == null) {
                throw new IllegalArgumentException("listener must not be null");
            }
            listeners.add(listener);
            return this;
        }

        /**
         * Where time comes from for the windows and the recovery dwell ({@link TimeSource#system()}
         * unless set).
         *
         * @param time the time source
         * @return this builder
         */
        public Builder timeSource(TimeSource time) {
            if (time == null) {
                throw new IllegalArgumentException("timeSource must not be null");
            }
            this.time = time;
            return this;
        }

        /**
         * The wall clock that dates reports ({@link Clock#systemUTC()} unless set). It is read once,
         * when the monitor is built; later instants are that reading plus the time source's time.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            if (clock == null) {
                throw new IllegalArgumentException("clock must not be null");
            }
            this.clock = clock;
            return this;
        }

        /**
         * The shortest span one slot of a window covers (1 s unless set): samples taken closer
         * together are merged, which bounds each compartment's memory to
         * {@code window / resolution + 2} slots (and never more than 4096).
         *
         * @param resolution from 1 ms to 1 hour
         * @return this builder
         */
        public Builder resolution(Duration resolution) {
            this.resolution = Settings.durationBetween("resolution", resolution, Duration.ofMillis(1), Duration.ofHours(1));
            return this;
        }

        /** {@return the monitor, built} */
        public HealthMonitor build() {
            return new HealthMonitor(this);
        }
    }
}
