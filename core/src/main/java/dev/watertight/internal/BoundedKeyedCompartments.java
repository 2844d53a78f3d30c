package dev.watertight.internal;

import dev.watertight.Compartment;
import dev.watertight.CompartmentClosedException;
import dev.watertight.CompartmentStats;
import dev.watertight.KeyedCompartments;
import dev.watertight.KeyedCompartmentsFullException;
import dev.watertight.KeyedCompartmentsStats;
import dev.watertight.TimeSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A {@link KeyedCompartments} over a {@link ConcurrentHashMap} of {@link KeyedSlot}s, bounded by
 * a count of reserved slots and emptied of idle ones by amortized scans.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>{@code live} = slots in the map + reservations not yet inserted, and never exceeds
 *       {@code maxKeys}: a new key reserves (CAS below the bound) before it inserts, and whoever
 *       removes a slot from the map (its retirer, a caller that found it retired, its builder
 *       when the template threw, or {@code close}) decrements it, once, since
 *       {@code remove(key, slot)} succeeds once.
 *   <li>A slot with a call in flight is never retired, and a retired slot admits no call (see
 *       {@link KeyedSlot}): so an evicted compartment, closed after its slot is retired, has no
 *       call in flight and will get none. A caller that finds a retired slot removes it (if its
 *       retirer has not yet) and tries again with a fresh one.
 *   <li>The template runs at most once per live slot, outside any lock: the slot is inserted
 *       first, BUILDING, and callers that find it wait on its latch. Only one caller's
 *       {@code putIfAbsent} wins for a key.
 * </ul>
 *
 * <h2>Eviction</h2>
 * Scans run under {@code evictionLock} (a {@link ReentrantLock}, so a waiting virtual thread
 * does not pin its carrier); calls never take it. A scan visits every slot once: a slot with
 * nothing in flight that has been idle for {@code idleAfter} is retired; when room is needed and
 * none was idle that long, the oldest sixteenth of {@code maxKeys} among the idle slots seen (at
 * most {@value #MAX_CANDIDATES} of them) is retired. So one O(maxKeys) scan frees room for about
 * maxKeys/16 new keys: amortized O(1) per new key (it is LRU only approximately: the last-use
 * stamps are coarse, and a slot may be used between the scan's read and its retirement, which
 * then evicts a compartment that was just used, never one in use). A full group whose scan frees
 * nothing refuses the new key. Evicted compartments are closed after the lock is released.
 *
 * <h2>Time</h2>
 * The group reads only {@link TimeSource#coarseNanoTime()}, which for the system source is a field
 * refreshed by its timer thread: once when a slot is built and once when a call lets it go (the
 * last-use stamp). A call that lets go after {@code nextSweepAt} sweeps the idle slots if no other
 * thread is scanning; sweeps are spaced by a quarter of {@code idleAfter}.
 *
 * <h2>Resizing</h2>
 * {@code maxKeys} and {@code idleAfterNanos} are volatile, changed by {@link #resize} under
 * {@code evictionLock} and read once per scan and once per reservation; a call to a live key
 * reads neither. Lowering {@code maxKeys} below {@code live} retires nothing by itself: a new key
 * then finds the group full and makes room as usual (idle slots only), so the invariant that a
 * slot in use is never retired holds, and {@code live} comes down to the bound as keys go idle.
 * A larger bound may need a larger scratch array, which the next scan allocates.
 *
 * <h2>Memory ordering</h2>
 * {@code live}, {@code inFlight} and the map are atomics with their own orderings; the slot's
 * volatile {@code compartment} publishes what the template built; {@code closed} and a slot's
 * {@code compartment} are both volatile, so a builder that publishes after {@code close} has
 * looked at its slot sees {@code closed} and closes its compartment itself (Dekker: at least one
 * of the two sees the other's write). {@code lastUsed} and {@code nextSweepAt} are hints.
 *
 * @param <K> the key type
 */
public final class BoundedKeyedCompartments<K> implements KeyedCompartments<K> {
    /** The most idle slots a scan remembers when it looks for the least recently used. */
    static final int MAX_CANDIDATES = 1 << 16;
    /** The fraction of {@code maxKeys} evicted at once when room is needed: one sixteenth. */
    private static final int BATCH_SHIFT = 4;

    private final String name;
    private final Function<? super K, ? extends Compartment> template;
    // Changed by resize; read when a key is added and by scans, never by a call to a live key.
    private volatile int maxKeys;
    private volatile long idleAfterNanos;
    private final TimeSource time;
    private final boolean writableStackTrace;
    private final Consumer<? super Compartment> afterBuilt;

    private final ConcurrentHashMap<K, KeyedSlot<K>> slots = new ConcurrentHashMap<>();
    private final AtomicInteger live = new AtomicInteger();
    private final LongAdder created = new LongAdder();
    private final LongAdder evicted = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final ReentrantLock evictionLock = new ReentrantLock();
    private volatile long nextSweepAt;
    private volatile boolean closed;

    // Scratch space of the scans, guarded by evictionLock, allocated by the first scan that needs it.
    private KeyedSlot<K> @Nullable [] candidates;
    private long @Nullable [] candidateTimes;
    private long @Nullable [] sortedTimes;

    /**
     * Creates an empty group from validated settings.
     *
     * @param name the group's name
     * @param template builds a key's compartment
     * @param maxKeys the bound on live compartments
     * @param idleAfterNanos how long an idle compartment is kept, positive
     * @param time the time source
     * @param writableStackTrace whether rejections record their stack
     */
    public BoundedKeyedCompartments(
            String name,
            Function<? super K, ? extends Compartment> template,
            int maxKeys,
            long idleAfterNanos,
            TimeSource time,
            boolean writableStackTrace) {
        this(name, template, maxKeys, idleAfterNanos, time, writableStackTrace, compartment -> {});
    }

    /**
     * Creates an empty group that tells {@code afterBuilt} of each compartment once it is
     * published (visible to {@link #liveCompartments()}) and before its first call: a
     * configuration that changes the template while a compartment is being built reaches it
     * either there or through {@link #liveCompartments()}, since each side writes a volatile
     * before it reads the other's.
     *
     * @param name the group's name
     * @param template builds a key's compartment
     * @param maxKeys the bound on live compartments
     * @param idleAfterNanos how long an idle compartment is kept, positive
     * @param time the time source
     * @param writableStackTrace whether rejections record their stack
     * @param afterBuilt hears each new compartment on the thread that built it; must not throw
     */
    public BoundedKeyedCompartments(
            String name,
            Function<? super K, ? extends Compartment> template,
            int maxKeys,
            long idleAfterNanos,
            TimeSource time,
            boolean writableStackTrace,
            Consumer<? super Compartment> afterBuilt) {
        this.name = name;
        this.template = template;
        this.maxKeys = maxKeys;
        this.idleAfterNanos = idleAfterNanos;
        this.time = time;
        this.writableStackTrace = writableStackTrace;
        this.afterBuilt = afterBuilt;
        this.nextSweepAt = time.coarseNanoTime() + sweepEveryNanos();
    }

    /**
     * Changes the bounds in place. A smaller {@code maxKeys} evicts nothing at once: no
     * compartment with work in flight is ever evicted, so the group comes down to the new bound as
     * compartments go idle and new keys make room. A changed {@code idleAfter} applies to every
     * compartment from the next sweep on.
     *
     * @param maxKeys the new bound, validated
     * @param idleAfterNanos the new idle time, validated and positive
     */
    public void resize(int maxKeys, long idleAfterNanos) {
        evictionLock.lock(); // scans see one pair of bounds
        try {
            this.maxKeys = maxKeys;
            this.idleAfterNanos = idleAfterNanos;
            nextSweepAt = time.coarseNanoTime() + sweepEveryNanos();
        } finally {
            evictionLock.unlock();
        }
    }

    /** Sweeps are spaced by a quarter of {@code idleAfter}. */
    private long sweepEveryNanos() {
        return Math.max(1, idleAfterNanos / 4);
    }

    /**
     * Every compartment published and not retired, in no particular order; for applying a
     * changed template to the live keys. One may be evicted at any time after this returns.
     *
     * @return the compartments
     */
    public List<Compartment> liveCompartments() {
        List<Compartment> live = new ArrayList<>();
        for (KeyedSlot<K> slot : slots.values()) {
            Compartment compartment = slot.compartmentOrNull();
            if (compartment != null && !slot.retired()) {
                live.add(compartment);
            }
        }
        return live;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public <T> T call(K key, Callable<? extends T> task) throws Exception {
        Objects.requireNonNull(task, "task");
        KeyedSlot<K> slot = acquire(key);
        try {
            return slot.built().call(task);
        } finally {
            release(slot);
        }
    }

    @Override
    public <T> CompletableFuture<T> callAsync(K key, Supplier<? extends CompletionStage<T>> task) {
        Objects.requireNonNull(task, "task");
        KeyedSlot<K> slot;
        try {
            slot = acquire(key);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(interrupted);
        } catch (RuntimeException refusedOrTemplateFailed) {
            return CompletableFuture.failedFuture(refusedOrTemplateFailed);
        }
        CompletableFuture<T> work;
        try {
            work = slot.built().callAsync(task);
        } catch (RuntimeException | Error failure) {
            release(slot);
            throw failure;
        }
        // The slot stays in use until the work's stage completes, not merely until the caller's
        // future does; the mirror lets it go before the caller sees the outcome.
        return StageMirror.of(work, (value, failure) -> release(slot));
    }

    /**
     * Takes the key's slot for one call, building it if the key has none.
     *
     * @return a slot with a built compartment, counted in flight
     */
    private KeyedSlot<K> acquire(K key) throws InterruptedException {
        Objects.requireNonNull(key, "key");
        for (;;) {
            if (closed) {
                throw new CompartmentClosedException(name, false, writableStackTrace);
            }
            KeyedSlot<K> slot = slots.get(key);
            if (slot == null) {
                slot = build(key);
                if (slot != null) {
                    return slot;
                }
            } else if (slot.tryAcquire()) {
                if (slot.compartmentOrNull() != null || awaitBuilt(slot)) {
                    return slot;
                }
                // Its builder failed and removed it: try again, building it ourselves if need be.
            } else {
                forget(slot); // retired: out of the map, so that a fresh slot can go in
            }
        }
    }

    private boolean awaitBuilt(KeyedSlot<K> slot) throws InterruptedException {
        try {
            return slot.awaitCompartment() != null;
        } catch (InterruptedException interrupted) {
            release(slot);
            throw interrupted;
        }
    }

    /**
     * Reserves room, inserts a building slot for the key and runs the template.
     *
     * @return the built slot, held by this caller; null if another caller's slot went in first
     */
    private @Nullable KeyedSlot<K> build(K key) {
        if (!reserve(key)) {
            return null;
        }
        KeyedSlot<K> slot = new KeyedSlot<>(key, time.coarseNanoTime());
        if (slots.putIfAbsent(key, slot) != null) {
            live.decrementAndGet();
            return null;
        }
        Compartment compartment;
        try {
            compartment = template.apply(key);
            if (compartment == null) {
                throw new NullPointerException(
                        "the template of KeyedCompartments '" + name + "' returned null for key " + key);
            }
        } catch (Throwable failure) {
            forget(slot);
            slot.fail();
            throw failure;
        }
        created.increment();
        slot.publish(compartment);
        try {
            afterBuilt.accept(compartment);
        } catch (RuntimeException ignored) {
            // The compartment is built and this caller holds its slot; a hook must not leak it.
        }
        if (closed) {
            forget(slot);
            closeQuietly(compartment);
            throw new CompartmentClosedException(name, false, writableStackTrace);
        }
        return slot;
    }

    /**
     * Takes one unit of {@code live} for a new key, evicting to make room if the group is full.
     *
     * @return false if the key got a slot meanwhile (the caller should use it instead)
     * @throws KeyedCompartmentsFullException if the group is full and nothing can be evicted
     */
    private boolean reserve(K key) {
        for (;;) {
            int count = live.get();
            int bound = maxKeys;
            if (count < bound) {
                if (live.compareAndSet(count, count + 1)) {
                    return true;
                }
            } else if (!makeRoom()) {
                if (slots.containsKey(key)) {
                    return false;
                }
                rejected.increment();
                throw new KeyedCompartmentsFullException(name, bound, writableStackTrace);
            }
        }
    }

    /** Evicts idle slots, expired ones first; false if none could be evicted. */
    private boolean makeRoom() {
        List<Compartment> toClose = new ArrayList<>();
        evictionLock.lock();
        try {
            if (live.get() < maxKeys) {
                return true; // another thread made room while this one waited for the lock
            }
            return scan(time.coarseNanoTime(), true, toClose) > 0;
        } finally {
            evictionLock.unlock();
            closeAll(toClose);
        }
    }

    /** Lets go of a slot after its call's outcome, and sweeps if a sweep is due. */
    private void release(KeyedSlot<K> slot) {
        long now = time.coarseNanoTime();
        slot.release(now);
        if (now - nextSweepAt >= 0 && evictionLock.tryLock()) {
            List<Compartment> toClose = new ArrayList<>();
            try {
                nextSweepAt = now + sweepEveryNanos();
                scan(now, false, toClose);
            } finally {
                evictionLock.unlock();
                closeAll(toClose);
            }
        }
    }

    @Override
    public int evictIdle() {
        List<Compartment> toClose = new ArrayList<>();
        evictionLock.lock();
        try {
            long now = time.coarseNanoTime();
            nextSweepAt = now + sweepEveryNanos();
            return scan(now, false, toClose);
        } finally {
            evictionLock.unlock();
            closeAll(toClose);
        }
    }

    /**
     * One pass over the slots, under {@code evictionLock}: retires the expired idle ones and, if
     * room is wanted and none expired, the least recently used batch of idle ones.
     *
     * @return how many slots were retired
     */
    // The scratch arrays are allocated at the top whenever makeRoom is set, and read only then.
    @SuppressWarnings("NullAway")
    private int scan(long now, boolean makeRoom, List<Compartment> toClose) {
        int bound = maxKeys;
        long idleAfter = idleAfterNanos;
        if (makeRoom && (candidates == null || candidates.length < Math.min(bound, MAX_CANDIDATES))) {
            int size = Math.min(bound, MAX_CANDIDATES);
            @SuppressWarnings("unchecked")
            KeyedSlot<K>[] array = (KeyedSlot<K>[]) new KeyedSlot<?>[size];
            candidates = array;
            candidateTimes = new long[size];
            sortedTimes = new long[size];
        }
        int expired = 0;
        int seen = 0;
        for (KeyedSlot<K> slot : slots.values()) {
            if (!slot.idle()) {
                continue;
            }
            long lastUsed = slot.lastUsed();
            if (now - lastUsed >= idleAfter) {
                if (evict(slot, toClose)) {
                    expired++;
                }
            } else if (makeRoom && expired == 0 && seen < candidates.length) {
                candidates[seen] = slot;
                candidateTimes[seen] = lastUsed;
                seen++;
            }
        }
        if (!makeRoom || expired > 0 || seen == 0) {
            if (seen > 0) {
                Arrays.fill(candidates, 0, seen, null);
            }
            return expired;
        }
        int batch = Math.min(Math.max(1, bound >>> BATCH_SHIFT), seen);
        System.arraycopy(candidateTimes, 0, sortedTimes, 0, seen);
        Arrays.sort(sortedTimes, 0, seen);
        long newestEvictable = sortedTimes[batch - 1];
        int evictedNow = 0;
        for (int i = 0; i < seen && evictedNow < batch; i++) {
            if (candidateTimes[i] - newestEvictable <= 0 && evict(candidates[i], toClose)) {
                evictedNow++;
            }
        }
        Arrays.fill(candidates, 0, seen, null);
        return evictedNow;
    }

    /** Retires a slot with nothing in flight, takes it out of the map, and queues its compartment for closing. */
    private boolean evict(KeyedSlot<K> slot, List<Compartment> toClose) {
        Compartment compartment = slot.compartmentOrNull();
        if (compartment == null || !slot.tryRetire()) {
            return false; // still being built (its builder holds it), or a call took it meanwhile
        }
        forget(slot);
        evicted.increment();
        toClose.add(compartment);
        return true;
    }

    /** Takes a slot out of the map; whoever succeeds gives its unit of {@code live} back. */
    private void forget(KeyedSlot<K> slot) {
        if (slots.remove(slot.key, slot)) {
            live.decrementAndGet();
        }
    }

    private static void closeAll(List<Compartment> compartments) {
        for (Compartment compartment : compartments) {
            closeQuietly(compartment);
        }
    }

    /**
     * Closes a compartment that has left the group. Its failure must not reach the caller whose
     * call happened to evict it, an unrelated key's caller.
     */
    private static void closeQuietly(Compartment compartment) {
        try {
            compartment.close();
        } catch (RuntimeException ignored) {
            // The compartment is out of the group either way; nothing the caller could do.
        }
    }

    @Override
    public Optional<Compartment> compartment(K key) {
        KeyedSlot<K> slot = slots.get(Objects.requireNonNull(key, "key"));
        return slot == null || slot.retired() ? Optional.empty() : Optional.ofNullable(slot.compartmentOrNull());
    }

    @Override
    public int keys() {
        return live.get();
    }

    @Override
    public int maxKeys() {
        return maxKeys;
    }

    @Override
    public KeyedCompartmentsStats stats() {
        return new KeyedCompartmentsStats(name, live.get(), maxKeys, created.sum(), evicted.sum(), rejected.sum());
    }

    @Override
    public List<CompartmentStats> snapshot() {
        List<CompartmentStats> stats = new ArrayList<>();
        for (KeyedSlot<K> slot : slots.values()) {
            Compartment compartment = slot.compartmentOrNull();
            if (compartment != null && !slot.retired()) {
                stats.add(compartment.stats());
            }
        }
        return stats;
    }

    @Override
    public void close() {
        closed = true;
        List<Compartment> toClose = new ArrayList<>();
        for (KeyedSlot<K> slot : slots.values()) {
            forget(slot);
            Compartment compartment = slot.compartmentOrNull();
            if (compartment != null) {
                toClose.add(compartment);
            }
        }
        closeAll(toClose);
    }

    @Override
    public String toString() {
        return "KeyedCompartments[" + name + ": " + live.get() + " of " + maxKeys + " keys]";
    }
}
