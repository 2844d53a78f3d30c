package dev.watertight;

import dev.watertight.internal.Settings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The most recent rare events of each compartment (rejections, timeouts, cancellations, breaker
 * transitions), kept in a bounded ring per compartment so that monitors and dashboards can read
 * what just happened. Give it to guards as their {@link CompartmentListener}:
 *
 * <pre>{@code
 * RecentEvents events = RecentEvents.keeping(100);
 * Bulkhead payments = Bulkhead.builder("payments").maxConcurrent(10).listener(events).build();
 * ...
 * events.of("payments");   // the last 100 events of 'payments', oldest first
 * }</pre>
 *
 * <p>Each compartment has its own ring, so a compartment that is rejecting thousands of calls a
 * second cannot push a quiet neighbour's events out. Recording is lock-free (one atomic increment
 * and one array store); the sentence of an event is built only when it is read. An event that is
 * being overwritten while a snapshot reads it is left out of that snapshot.
 *
 * <p>Thread-safe.
 */
public final class RecentEvents implements CompartmentListener {
    private final int capacity;
    private final ConcurrentHashMap<String, Ring> rings = new ConcurrentHashMap<>();

    private RecentEvents(int capacity) {
        this.capacity = capacity;
    }

    /**
     * Keeps the last events of each compartment.
     *
     * @param perCompartment how many, from 1 to 100,000
     * @return an empty record of events
     */
    public static RecentEvents keeping(int perCompartment) {
        return new RecentEvents(Settings.between("perCompartment", perCompartment, 1, 100_000));
    }

    /** {@return how many events are kept per compartment} */
    public int capacity() {
        return capacity;
    }

    @Override
    public void onRejected(String compartment, CompartmentRejectedException rejection) {
        record(compartment, CompartmentEvent.Kind.REJECTED, rejection);
    }

    @Override
    public void onTimedOut(String compartment, Duration timeout) {
        record(compartment, CompartmentEvent.Kind.TIMED_OUT, timeout);
    }

    @Override
    public void onCancelled(String compartment, boolean wasRunning) {
        record(compartment, CompartmentEvent.Kind.CANCELLED, wasRunning);
    }

    @Override
    public void onStateChange(String compartment, CircuitBreaker.State from, CircuitBreaker.State to) {
        record(compartment, CompartmentEvent.Kind.STATE_CHANGE, new CircuitBreaker.State[] {from, to});
    }

    private void record(String compartment, CompartmentEvent.Kind kind, Object cause) {
        rings.computeIfAbsent(compartment, name -> new Ring(name, capacity)).add(kind, cause);
    }

    /**
     * The events kept for one compartment, oldest first.
     *
     * @param compartment the compartment's name
     * @return its last events; empty if it has had none
     */
    public List<CompartmentEvent> of(String compartment) {
        Ring ring = rings.get(compartment);
        return ring == null ? List.of() : ring.snapshot();
    }

    /**
     * The events kept for every compartment, oldest first.
     *
     * @return all the events kept, ordered by time
     */
    public List<CompartmentEvent> all() {
        List<CompartmentEvent> events = new ArrayList<>();
        rings.values().forEach(ring -> events.addAll(ring.snapshot()));
        events.sort(Comparator.comparing(CompartmentEvent::at).thenComparing(CompartmentEvent::compartment)
                .thenComparingLong(CompartmentEvent::sequence));
        return events;
    }

    /** What is stored per event; the sentence is built from the cause only when read. */
    private record Entry(long sequence, long epochMillis, CompartmentEvent.Kind kind, Object cause) {
    }

    /** One compartment's ring: the event numbered n is in slot n modulo the capacity. */
    private static final class Ring {
        private final String compartment;
        private final AtomicLong next = new AtomicLong();
        private final AtomicReferenceArray<Entry> slots;

        Ring(String compartment, int capacity) {
            this.compartment = compartment;
            this.slots = new AtomicReferenceArray<>(capacity);
        }

        void add(CompartmentEvent.Kind kind, Object cause) {
            long sequence = next.getAndIncrement();
            slots.set((int) (sequence % slots.length()), new Entry(sequence, System.currentTimeMillis(), kind, cause));
        }

        List<CompartmentEvent> snapshot() {
            long end = next.get();
            long start = Math.max(0, end - slots.length());
            List<CompartmentEvent> events = new ArrayList<>((int) (end - start));
            for (long sequence = start; sequence < end; sequence++) {
                Entry entry = slots.get((int) (sequence % slots.length()));
                // A slot may still hold an older event (its writer has not stored yet) or a newer one
                // (overwritten since): only the event with the expected number belongs here.
                if (entry != null && entry.sequence() == sequence) {
                    events.add(new CompartmentEvent(sequence, Instant.ofEpochMilli(entry.epochMillis()), compartment,
                            entry.kind(), detail(entry)));
                }
            }
            return events;
        }
    }

    private static String detail(Entry entry) {
        return switch (entry.kind()) {
            case REJECTED -> ((CompartmentRejectedException) entry.cause()).getMessage();
            case TIMED_OUT -> "ran past its timeout of " + ((Duration) entry.cause()).toMillis() + " ms";
            case CANCELLED -> (Boolean) entry.cause() ? "cancelled while running" : "cancelled before it started";
            case STATE_CHANGE -> {
                CircuitBreaker.State[] states = (CircuitBreaker.State[]) entry.cause();
                yield "circuit breaker went from " + states[0] + " to " + states[1];
            }
        };
    }
}
