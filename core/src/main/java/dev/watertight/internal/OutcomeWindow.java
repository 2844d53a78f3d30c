package dev.watertight.internal;

/**
 * The sliding window of a circuit breaker: the outcomes of recent calls, counted. Outcomes are
 * bit sets: {@link #FAILURE} and {@link #SLOW} may both be set; {@link #SUCCESS} is neither.
 */
interface OutcomeWindow {
    /** A call that neither failed nor was slow. */
    int SUCCESS = 0;
    /** A call that failed. */
    int FAILURE = 1;
    /** A call that took longer than the slow-call duration. */
    int SLOW = 2;

    /**
     * Records one outcome.
     *
     * @param outcome a combination of {@link #FAILURE} and {@link #SLOW}, or {@link #SUCCESS}
     * @return whether the window may now hold failures or slow calls, so that the breaker should
     *     look at its rates; false means it certainly holds none
     */
    boolean record(int outcome);

    /** The counts of the window as it is now (each count read once; they may be a call apart). */
    Counts counts();

    /**
     * The counts of a window.
     *
     * @param calls calls in the window
     * @param failures of those, failures
     * @param slowCalls of those, slow calls
     */
    record Counts(long calls, long failures, long slowCalls) {
        /** An empty window. */
        static final Counts EMPTY = new Counts(0, 0, 0);

        /**
         * Unpacks a failures-and-slow-calls word: failures in the low 32 bits, slow calls in the
         * high ones. The low part is read as signed, since concurrent adjustments may leave it a
         * moment below zero with a borrow taken from the high part; subtracting it first undoes
         * the borrow. (One packed word never counts more than 2<sup>31</sup> of either: a count
         * window holds at most a million calls, a time-window bucket is summed into longs.)
         */
        static Counts of(long calls, long packedBadOutcomes) {
            return new Counts(calls, Math.max(0, failuresOf(packedBadOutcomes)), Math.max(0, slowCallsOf(packedBadOutcomes)));
        }

        /** The failures of a packed word. */
        static long failuresOf(long packedBadOutcomes) {
            return (int) packedBadOutcomes;
        }

        /** The slow calls of a packed word. */
        static long slowCallsOf(long packedBadOutcomes) {
            int failures = (int) packedBadOutcomes;
            return (int) ((packedBadOutcomes - failures) >> 32);
        }
    }

    /**
     * The change to a packed failures-and-slow-calls word when one recorded outcome replaces
     * another (or, with {@code before == SUCCESS}, when one is added).
     */
    static long packedDelta(int before, int after) {
        // Each masked value is 0 or one bit, so these int differences are -1, 0 or 1 (or twice that).
        long failures = (long) (after & FAILURE) - (before & FAILURE);
        long slow = ((long) (after & SLOW) - (before & SLOW)) >> 1;
        return failures + (slow << 32);
    }
}
