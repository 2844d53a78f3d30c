package dev.watertight;

/**
 * A snapshot of a {@link Bulkhead}'s counters. The counts are consistent with each other:
 * {@code accepted == succeeded + failed + inUse} holds in every snapshot.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the compartment's name
 * @param maxConcurrent the limit when the snapshot was taken
 * @param inUse permits held now
 * @param waiting callers waiting for a permit now
 * @param accepted calls admitted since the bulkhead was built
 * @param rejected calls refused (each one received a {@link BulkheadFullException})
 * @param succeeded admitted calls that ended normally
 * @param failed admitted calls that ended with an exception, an error or a failed stage
 */
public record BulkheadStats(
        String name,
        int maxConcurrent,
        int inUse,
        int waiting,
        long accepted,
        long rejected,
        long succeeded,
        long failed) {

    /** {@return the share of permits in use, from 0.0 to 1.0 (above 1.0 only just after a resize down)} */
    public double utilization() {
        return (double) inUse / maxConcurrent;
    }
}
