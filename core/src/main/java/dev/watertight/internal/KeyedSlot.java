package dev.watertight.internal;

import dev.watertight.Compartment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/**
 * One key's place in a {@link BoundedKeyedCompartments}: its compartment, how many calls are
 * using it, and when it was last let go.
 *
 * <h2>States</h2>
 * <pre>
 *   BUILDING --publish--> LIVE --retire (in flight 0 -> RETIRED)--> RETIRED
 *       \--fail--> FAILED (never retired: its builder's call stays counted in flight)
 * </pre>
 * A slot is created BUILDING with one call in flight, its builder's, so nothing can retire it
 * before it has a compartment. {@code inFlight} is a count of calls while it is zero or more;
 * retiring swaps an exact zero for {@link #RETIRED}, a large negative number. Acquiring is one
 * {@code getAndAdd(1)}: a result of zero or more means the caller holds the slot; a negative one
 * means the slot was retired, and the caller must find or make another (its increment lands on a
 * dead slot and keeps it negative, since {@code RETIRED} is far from overflowing). So a retired
 * slot admits no call, and a slot with a call in flight cannot be retired: the CAS from zero and
 * the increment are ordered on the same variable, one of them sees the other.
 *
 * <h2>Who writes what</h2>
 * {@code compartment} and {@code failed} are written once, by the slot's builder, before the
 * latch opens; callers that acquired the slot while it was building wait on the latch. The
 * volatile write of {@code compartment} publishes the (possibly not safely published) compartment
 * the template returned. {@code lastUsed} is a hint for eviction, written opaquely by whoever
 * releases the slot: a stale read only makes an eviction choose a slightly different victim,
 * never one with a call in flight, which {@code inFlight} alone decides.
 *
 * @param <K> the key type
 */
public final class KeyedSlot<K> {
    /** The value of {@code inFlight} once retired; acquirers that find it add to it harmlessly. */
    static final int RETIRED = Integer.MIN_VALUE / 2;

    private static final VarHandle IN_FLIGHT;
    private static final VarHandle LAST_USED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            IN_FLIGHT = lookup.findVarHandle(KeyedSlot.class, "inFlight", int.class);
            LAST_USED = lookup.findVarHandle(KeyedSlot.class, "lastUsed", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final K key;
    private final CountDownLatch built = new CountDownLatch(1);
    private volatile @Nullable Compartment compartment;
    private volatile boolean failed;
    private volatile int inFlight = 1;
    @SuppressWarnings("unused") // through LAST_USED
    private long lastUsed;

    /**
     * A slot being built, held by its builder.
     *
     * @param key the key
     * @param now the coarse time of its creation
     */
    KeyedSlot(K key, long now) {
        this.key = key;
        LAST_USED.setOpaque(this, now);
    }

    /** Takes the slot for one call; false if it was retired (the call must not use it). */
    boolean tryAcquire() {
        return (int) IN_FLIGHT.getAndAdd(this, 1) >= 0;
    }

    /**
     * Lets go of the slot after a call's outcome.
     *
     * @param now the coarse time, remembered as the slot's last use
     */
    void release(long now) {
        LAST_USED.setOpaque(this, now);
        IN_FLIGHT.getAndAdd(this, -1);
    }

    /** Retires the slot if nothing is in flight, so that it admits no call ever again. */
    boolean tryRetire() {
        return IN_FLIGHT.compareAndSet(this, 0, RETIRED);
    }

    /** Whether no call is in flight, at the time of reading (a hint for eviction). */
    boolean idle() {
        return inFlight == 0;
    }

    boolean retired() {
        return inFlight < 0;
    }

    long lastUsed() {
        return (long) LAST_USED.getOpaque(this);
    }

    /** The compartment of a slot whose building succeeded, as every slot a caller holds has. */
    Compartment built() {
        Compartment ready = compartment;
        if (ready == null) {
            throw new IllegalStateException("the compartment of key '" + key + "' is not built");
        }
        return ready;
    }

    /** The compartment, or null while it is being built (or if building it failed). */
    @Nullable Compartment compartmentOrNull() {
        return compartment;
    }

    void publish(Compartment built) {
        compartment = built;
        this.built.countDown();
    }

    void fail() {
        failed = true;
        built.countDown();
    }

    /**
     * The compartment, waiting for its builder if needed.
     *
     * @return the compartment, or null if building it failed
     * @throws InterruptedException if interrupted while waiting
     */
    @Nullable Compartment awaitCompartment() throws InterruptedException {
        Compartment ready = compartment;
        if (ready != null) {
            return ready;
        }
        built.await();
        return failed ? null : compartment;
    }
}
