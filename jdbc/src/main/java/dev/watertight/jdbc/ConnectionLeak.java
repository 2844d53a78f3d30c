package dev.watertight.jdbc;

import java.time.Duration;

/**
 * A connection held longer than its compartment's leak threshold, reported once per borrow.
 *
 * <p>Immutable and thread-safe (the borrow site is a throwable that is never thrown).
 *
 * @param compartment the compartment the connection was borrowed from
 * @param thread the name of the thread that borrowed it
 * @param heldFor how long it had been held when reported
 * @param borrowedAt where it was borrowed: the stack trace of the {@code getConnection()} call
 * @param reclaimed whether the connection was taken away and its quota given back (only when the
 *     compartment was built with {@code reclaimLeaks(true)})
 */
public record ConnectionLeak(String compartment, String thread, Duration heldFor, Throwable borrowedAt, boolean reclaimed) {

    /** A sentence for a log. */
    @Override
    public String toString() {
        return "connection of compartment '" + compartment + "' held by thread '" + thread + "' for "
                + heldFor.toMillis() + " ms" + (reclaimed ? ", reclaimed" : ", still held") + "; borrowed at the stack below";
    }

    /** The stack trace of a connection's borrowing, recorded only when leak detection is on. */
    static final class BorrowSite extends Throwable {
        private static final long serialVersionUID = 1L;

        BorrowSite(String compartment, String thread) {
            super("connection borrowed from compartment '" + compartment + "' by thread '" + thread + "'");
        }
    }
}
