package dev.watertight;

import java.util.concurrent.TimeUnit;

/**
 * A call refused because its compartment had no free permit or thread (and, for a thread pool,
 * no room in its queue), or because the caller was interrupted while waiting for one.
 *
 * <p>The message names the compartment, its limit and how long the caller waited, for example
 * {@code Bulkhead 'payment' is full: all 10 permits in use, waited 250 ms (maxWait 250 ms)}.
 * When the caller was interrupted, its interrupt status has been restored and
 * {@link #interrupted()} is {@code true}.
 *
 * <p>Thread-safe once thrown: its fields are final and its message is built from them when it is read.
 *
 * @serial exclude
 */
public final class BulkheadFullException extends CompartmentRejectedException {
    private static final long serialVersionUID = 1L;

    /** What kind of compartment refused the call; it shapes the message. */
    private enum Kind {
        BULKHEAD,
        THREAD_POOL,
        SHARE
    }

    private final Kind kind;
    private final int limit;
    /** The queue capacity of a thread pool, or the permits held by a bulkhead on a share. */
    private final int queueCapacityOrHeld;
    private final long waitedNanos;
    private final long maxWaitNanos;
    private final boolean interrupted;

    private BulkheadFullException(
            Kind kind,
            String compartment,
            int limit,
            int queueCapacityOrHeld,
            long waitedNanos,
            long maxWaitNanos,
            boolean interrupted,
            boolean captureStackTrace) {
        super(compartment, captureStackTrace);
        this.kind = kind;
        this.limit = limit;
        this.queueCapacityOrHeld = queueCapacityOrHeld;
        this.waitedNanos = waitedNanos;
        this.maxWaitNanos = maxWaitNanos;
        this.interrupted = interrupted;
    }

    /**
     * A semaphore compartment with every permit in use. Guards create these; applications
     * rarely need to.
     *
     * @param compartment the compartment's name
     * @param maxConcurrent its limit when the call was refused
     * @param waitedNanos how long the caller waited
     * @param maxWaitNanos how long it was allowed to wait
     * @param interrupted whether the wait ended by an interrupt
     * @param captureStackTrace whether to record the stack
     * @return the exception to throw
     */
    public static BulkheadFullException ofBulkhead(
            String compartment,
            int maxConcurrent,
            long waitedNanos,
            long maxWaitNanos,
            boolean interrupted,
            boolean captureStackTrace) {
        return new BulkheadFullException(
                Kind.BULKHEAD, compartment, maxConcurrent, 0, waitedNanos, maxWaitNanos, interrupted,
                captureStackTrace);
    }

    /**
     * A thread-pool compartment with every thread busy and its queue full.
     *
     * @param compartment the compartment's name
     * @param threads its number of threads
     * @param queueCapacity its queue capacity
     * @param captureStackTrace whether to record the stack
     * @return the exception to throw
     */
    public static BulkheadFullException ofThreadPool(
            String compartment, int threads, int queueCapacity, boolean captureStackTrace) {
        return new BulkheadFullException(
                Kind.THREAD_POOL, compartment, threads, queueCapacity, 0, 0, false, captureStackTrace);
    }

    /** {@return the compartment's limit when the call was refused: permits, or threads for a pool} */
    public int limit() {
        return limit;
    }

    /** {@return a thread pool's queue capacity; zero for other compartments} */
    public int queueCapacity() {
        return kind == Kind.THREAD_POOL ? queueCapacityOrHeld : 0;
    }

    /**
     * A bulkhead on a {@link SharedCapacity} share may be full below its ceiling, when the rest of
     * the capacity is in use or reserved by others: the permits it held when refused.
     *
     * @return the permits held, or {@link #limit()} for a bulkhead with its own permits
     */
    public int held() {
        return kind == Kind.SHARE ? queueCapacityOrHeld : limit;
    }

    /**
     * A bulkhead on a share of a {@link SharedCapacity} that had no permit for the caller.
     *
     * @param compartment the compartment's name
     * @param held the permits it held
     * @param ceiling its share's ceiling
     * @param waitedNanos how long the caller waited
     * @param maxWaitNanos how long it was allowed to wait
     * @param interrupted whether the wait ended by an interrupt
     * @param captureStackTrace whether to record the stack
     * @return the exception to throw
     */
    public static BulkheadFullException ofShare(
            String compartment, int held, int ceiling, long waitedNanos, long maxWaitNanos,
            boolean interrupted, boolean captureStackTrace) {
        return new BulkheadFullException(
                Kind.SHARE, compartment, ceiling, held, waitedNanos, maxWaitNanos, interrupted, captureStackTrace);
    }

    /** {@return how long the caller waited before it was refused, in nanoseconds; zero for fail-fast} */
    public long waitedNanos() {
        return waitedNanos;
    }

    /** {@return whether the caller was interrupted while it waited (its interrupt status is set again)} */
    public boolean interrupted() {
        return interrupted;
    }

    @Override
    protected String describe() {
        if (kind == Kind.THREAD_POOL) {
            return "ThreadPoolBulkhead '" + compartment() + "' is full: all " + limit
                    + " threads busy and its queue of " + queueCapacityOrHeld + " full";
        }
        if (kind == Kind.SHARE && !interrupted) {
            String held = queueCapacityOrHeld < limit
                    ? "it holds " + queueCapacityOrHeld + " permits of its ceiling " + limit
                            + " and the rest of the shared capacity is in use or reserved by others"
                    : "all " + limit + " permits of its ceiling in use";
            return "Bulkhead '" + compartment() + "' is full: " + held + ", "
                    + (maxWaitNanos == 0 ? "rejected without waiting" : "waited " + millis(waitedNanos)
                            + " (maxWait " + millis(maxWaitNanos) + ")");
        }
        if (interrupted) {
            return "Bulkhead '" + compartment() + "' refused the call: the caller was interrupted after"
                    + " waiting " + millis(waitedNanos) + " for one of its " + limit + " permits";
        }
        if (maxWaitNanos == 0) {
            return "Bulkhead '" + compartment() + "' is full: all " + limit
                    + " permits in use, rejected without waiting (maxWait 0 ms)";
        }
        return "Bulkhead '" + compartment() + "' is full: all " + limit + " permits in use, waited "
                + millis(waitedNanos) + " (maxWait " + millis(maxWaitNanos) + ")";
    }

    private static String millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos) + " ms";
    }
}
