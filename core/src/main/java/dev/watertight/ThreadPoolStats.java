package dev.watertight;

/**
 * A snapshot of a {@link ThreadPoolBulkhead}'s counters.
 *
 * <p>Every submitted task ends in exactly one of succeeded, failed, timed out or cancelled, so
 * once the compartment is idle {@code submitted == succeeded + failed + timedOut + cancelled}.
 * While it is busy the counters are read one after another and may be a few tasks apart.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the compartment's name
 * @param threads how many tasks may run at once (the limit in force, after any resize)
 * @param activeThreads tasks running now (including a timed-out or cancelled task whose code has
 *     not returned yet); more than {@code threads} only for a while after a resize lowered it
 * @param queued tasks admitted and waiting to run; more than {@code queueCapacity} only for a
 *     while after a resize lowered it (queued tasks are never dropped by a resize)
 * @param queueCapacity how many tasks may wait (the limit in force, after any resize)
 * @param submitted tasks accepted since the compartment was built
 * @param succeeded tasks whose code returned a value
 * @param failed tasks whose code threw
 * @param rejected submissions refused because the compartment was full
 * @param timedOut tasks that exceeded the timeout
 * @param cancelled tasks cancelled through their future, or dropped when the compartment closed
 */
public record ThreadPoolStats(
        String name,
        int threads,
        int activeThreads,
        int queued,
        int queueCapacity,
        long submitted,
        long succeeded,
        long failed,
        long rejected,
        long timedOut,
        long cancelled) {

    /** {@return tasks that have ended, in any of the four ways} */
    public long completed() {
        return succeeded + failed + timedOut + cancelled;
    }

    /** {@return the share of threads busy: from 0.0 to 1.0, or more for a while after a resize lowered the limit} */
    public double utilization() {
        return (double) activeThreads / threads;
    }
}
