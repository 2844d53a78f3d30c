package dev.watertight;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.watertight.internal.FanOut;
import dev.watertight.internal.Settings;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Sheds the least critical work while the heap is nearly full, so that the critical work keeps
 * the memory it needs.
 *
 * <pre>{@code
 * HeapPressure heap = HeapPressure.monitor().elevatedAt(0.80).severeAt(0.90).build();
 * heap.admit("reporting", Criticality.SHEDDABLE);   // throws HeapPressureException while the heap is short
 * }</pre>
 *
 * <p><b>The signal.</b> The heap's occupancy is read after each garbage collection (what the heap
 * pools hold when it ends, over the heap's maximum), from the JVM's own collection notifications:
 * nothing is polled, and the hot path reads one volatile field. Level changes are serialized, so
 * listeners hear them in the order they happened. At {@code elevatedAt} the pressure becomes {@link Level#ELEVATED}
 * and {@link Criticality#SHEDDABLE} work is refused; at {@code severeAt} it becomes
 * {@link Level#SEVERE} and {@link Criticality#DEFAULT} work is refused too; {@link
 * Criticality#CRITICAL} work is never refused. With hysteresis: a level is left only when the
 * occupancy falls {@code hysteresis} below the threshold that raised it, so an occupancy that
 * hovers around a threshold does not make admissions flap.
 *
 * <p>{@link #manual()} gives a pressure set by hand, for tests or for a signal of your own.
 *
 * <p>Thread-safe. {@link #close()} stops listening to the JVM.
 */
public final class HeapPressure implements AutoCloseable {

    /**
     * How short the heap is.
     *
     * <p>Immutable and thread-safe, as every enum.
     */
    public enum Level {
        /** Enough heap: everything is admitted. */
        NONE,
        /** Short: sheddable work is refused. */
        ELEVATED,
        /** Very short: only critical work is admitted. */
        SEVERE
    }

    private final String name;
    private final double elevatedAt;
    private final double severeAt;
    private final double hysteresis;
    private final boolean writableStackTrace;
    private final FanOut<Consumer<Level>> listeners = new FanOut<>();
    /** The heap's memory pools, by name, as the JVM's collection notifications name them. */
    private static final Set<String> HEAP_POOLS = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP)
            .map(MemoryPoolMXBean::getName)
            .collect(Collectors.toUnmodifiableSet());

    private final List<Runnable> unsubscribe = new ArrayList<>();
    /** Serializes level changes (rare), so listeners hear them in order; a lock that virtual threads can wait on. */
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Level level = Level.NONE;
    private volatile double occupancy;

    private HeapPressure(Builder builder, boolean listen) {
        this.name = builder.name;
        this.elevatedAt = builder.elevatedAt;
        this.severeAt = builder.severeAt;
        this.hysteresis = builder.hysteresis;
        this.writableStackTrace = builder.writableStackTrace;
        if (listen) {
            subscribe();
        }
    }

    /** {@return a builder of a pressure signal read from the JVM's garbage collections} */
    public static Builder monitor() {
        return new Builder(true);
    }

    /**
     * A pressure set by hand with {@link #set(Level)}: for tests, or for a signal of your own.
     *
     * @return a pressure at {@link Level#NONE}
     */
    public static HeapPressure manual() {
        return new HeapPressure(new Builder(false), false);
    }

    private void subscribe() {
        NotificationListener afterGc = (notification, handback) -> {
            if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                collected(GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData()));
            }
        };
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            // ZGC and Shenandoah report their pauses apart from their cycles, and G1 its concurrent
            // phases apart from its collections: those say nothing new about what survived, and
            // count what was allocated meanwhile.
            if (collector instanceof NotificationEmitter emitter && !collector.getName().endsWith("Pauses")
                    && !collector.getName().equals("G1 Concurrent GC")) { // its remark and cleanup leave Eden as it was
                emitter.addNotificationListener(afterGc, null, null);
                unsubscribe.add(() -> {
                    try {
                        emitter.removeNotificationListener(afterGc);
                    } catch (ListenerNotFoundException ignored) {
                        // already gone
                    }
                });
            }
        }
    }

    /** Called on the JVM's notification thread after each collection: what the heap holds after it. */
    private void collected(GarbageCollectionNotificationInfo collection) {
        long used = 0;
        for (var pool : collection.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (HEAP_POOLS.contains(pool.getKey())) {
                used += pool.getValue().getUsed();
            }
        }
        long max = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
        if (max > 0) {
            observe(Math.min(1, (double) used / max));
        }
    }

    /**
     * Takes an occupancy reading (what survived the last collection, over the heap's maximum) and
     * moves the level, with hysteresis. Called by the JVM's notifications; public for signals of
     * your own.
     *
     * @param fraction the occupancy, from 0 to 1
     */
    public void observe(double fraction) {
        lock.lock();
        try {
            if (!(fraction >= 0 && fraction <= 1)) {
                throw new IllegalArgumentException("the occupancy read by HeapPressure '" + name
                        + "' must be between 0 and 1, was " + fraction);
            }
            occupancy = fraction;
            Level now = level;
            Level next;
            if (fraction >= severeAt) {
                next = Level.SEVERE;
            } else if (fraction >= elevatedAt) {
                next = now == Level.SEVERE && fraction > severeAt - hysteresis ? Level.SEVERE : Level.ELEVATED;
            } else if (now == Level.NONE) {
                next = Level.NONE;
            } else if (now == Level.SEVERE && fraction > severeAt - hysteresis) {
                next = Level.SEVERE;
            } else {
                next = fraction > elevatedAt - hysteresis ? Level.ELEVATED : Level.NONE;
            }
            set(next);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sets the level by hand (a {@link #manual()} pressure, or a signal of your own).
     *
     * @param next the new level
     */
    public void set(Level next) {
        lock.lock();
        try {
            Objects.requireNonNull(next, "level must not be null");
            Level previous = level;
            if (previous == next) {
                return;
            }
            level = next;
            listeners.tell(Consumer::accept, next); // one that throws is counted, and cannot break the signal
        } finally {
            lock.unlock();
        }
    }

    /** {@return the level now} */
    public Level level() {
        return level;
    }

    /** {@return the last occupancy read after a collection, from 0 to 1} */
    public double occupancy() {
        return occupancy;
    }

    /**
     * Whether work of this criticality is admitted now.
     *
     * @param criticality the work's criticality
     * @return whether it is admitted
     */
    public boolean admits(Criticality criticality) {
        Level now = level;
        return now == Level.NONE
                || criticality == Criticality.CRITICAL
                || (now == Level.ELEVATED && criticality == Criticality.DEFAULT);
    }

    /**
     * Refuses work of this criticality while the heap is too short for it.
     *
     * @param compartment the compartment asking, for the message
     * @param criticality its criticality
     * @throws HeapPressureException if it is shed now
     */
    public void admit(String compartment, Criticality criticality) {
        if (!admits(criticality)) {
            throw new HeapPressureException(compartment, criticality, level, occupancy, writableStackTrace);
        }
    }

    /**
     * Hears every change of level, on the thread that made it (the JVM's notification thread).
     * A listener that throws, even an {@link Error}, is counted ({@link #listenerFailures()}) and
     * the other listeners still hear the change.
     *
     * @param listener the listener
     */
    public void onChange(Consumer<Level> listener) {
        listeners.add(listener);
    }

    /** {@return how many times a listener of level changes threw} */
    public long listenerFailures() {
        return listeners.failures();
    }

    /** Stops listening to the JVM's collections. */
    @Override
    public void close() {
        lock.lock();
        try {
            unsubscribe.forEach(Runnable::run);
            unsubscribe.clear();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "HeapPressure[%s, %s, occupancy %.2f, elevated at %.2f, severe at %.2f]",
                name, level, occupancy, elevatedAt, severeAt);
    }

    /** Describes a {@link HeapPressure}; each setting is checked as it is given. Not thread-safe. */
    public static final class Builder {
        private final boolean fromJvm;
        private String name = "heap";
        private double elevatedAt = 0.80;
        private double severeAt = 0.90;
        private double hysteresis = 0.10;
        private boolean writableStackTrace;

        private Builder(boolean fromJvm) {
            this.fromJvm = fromJvm;
        }

        /**
         * The signal's name, used in messages; "heap" unless set.
         *
         * @param name the name
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Settings.name(name);
            return this;
        }

        /**
         * The occupancy after a collection at which sheddable work is refused; 0.80 unless set.
         *
         * @param fraction from 0.05 to 1
         * @return this builder
         */
        public Builder elevatedAt(double fraction) {
            this.elevatedAt = Settings.doubleBetween("elevatedAt", fraction, 0.05, 1);
            return this;
        }

        /**
         * The occupancy after a collection at which only critical work is admitted; 0.90 unless set.
         *
         * @param fraction from 0.05 to 1, and at least elevatedAt
         * @return this builder
         */
        public Builder severeAt(double fraction) {
            this.severeAt = Settings.doubleBetween("severeAt", fraction, 0.05, 1);
            return this;
        }

        /**
         * How far below a threshold the occupancy must fall to leave its level; 0.10 unless set.
         *
         * @param fraction from 0 to 0.5
         * @return this builder
         */
        public Builder hysteresis(double fraction) {
            this.hysteresis = Settings.doubleBetween("hysteresis", fraction, 0, 0.5);
            return this;
        }

        /**
         * Whether refusals record a stack trace; off by default.
         *
         * @param writableStackTrace whether to record it
         * @return this builder
         */
        public Builder writableStackTrace(boolean writableStackTrace) {
            this.writableStackTrace = writableStackTrace;
            return this;
        }

        /**
         * Builds the signal and starts listening to the JVM's collections.
         *
         * @return the signal, at {@link Level#NONE} until a collection says otherwise
         * @throws IllegalArgumentException if severeAt is below elevatedAt, or the hysteresis is
         *     not below elevatedAt
         */
        public HeapPressure build() {
            if (severeAt < elevatedAt) {
                throw new IllegalArgumentException("severeAt of HeapPressure '" + name + "' must be at least elevatedAt "
                        + elevatedAt + ", was " + severeAt + (severeAt == 0.90 ? " (its default)" : ""));
            }
            if (hysteresis >= elevatedAt) {
                throw new IllegalArgumentException("hysteresis of HeapPressure '" + name + "' must be below elevatedAt "
                        + elevatedAt + ", was " + hysteresis);
            }
            return new HeapPressure(this, fromJvm);
        }
    }
}
