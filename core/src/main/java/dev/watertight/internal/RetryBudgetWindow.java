package dev.watertight.internal;

import dev.watertight.RetryBudget;
import dev.watertight.TimeSource;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.LongSupplier;

/**
 * The ledger of a retry budget: first attempts are deposits, retries are withdrawals, and a
 * retry is allowed while the withdrawals of the recent window stay within
 * {@code ratio × deposits + reserve}.
 *
 * <h2>Design</h2>
 * The success path must not pay for the budget: no clock read, no extra atomic. So the ledger
 * keeps no counter of its own for deposits. It reads the retry's cumulative, striped count of
 * first attempts (a counter the stats need anyway, incremented once per call) only when a retry
 * is considered, and takes differences of it:
 * <ul>
 *   <li>{@code retries}: withdrawals ever granted, one {@code long} changed only by CAS;</li>
 *   <li>{@code marks}: an immutable array of at most {@value #BUCKETS} marks, oldest first. A
 *       mark is taken when a retry is first considered in a bucket of time (the window divided
 *       into {@value #BUCKETS}), and records that bucket and the cumulative withdrawals and
 *       deposits at that moment. The array is replaced as a whole, by CAS, at most once per
 *       bucket; the newest mark's bucket is the ledger's "now".</li>
 * </ul>
 * To consider a retry at a time in bucket {@code b}: if the newest mark is older than
 * {@code b}, install a new array holding the marks of buckets {@code (b - 10, b]} and a new mark
 * for {@code b} (a thread whose clock is behind simply uses the newer array: the ledger's time
 * never goes back). The oldest mark of the array is where "recent" starts. Then read the
 * deposits, and CAS {@code retries} from {@code r} to {@code r + 1} only if
 * {@code r + 1 - oldest.retries <= ratio × (deposits - oldest.deposits) + reserve}. The check and
 * the withdrawal are that one CAS, so concurrent callers can never overdraw together.
 *
 * <p>Buckets in which no retry was considered get no mark. After a quiet spell the oldest mark
 * may thus be recent, and calls of the quiet spell earn nothing: the ledger undercounts
 * deposits, never withdrawals. (Crediting them would hand a burst of retries to the first
 * failures after an hour of success, precisely when a dependency starts to fail.)
 *
 * <h2>The guarantee, and why it holds</h2>
 * Let {@code D} be the first attempts that ended since the ledger was created, {@code T} the
 * time from then to the last retry considered, and {@code W} the window. Then
 * <pre>    retries granted <= ratio × D + reserve × (T / W + 1),   reserve = minRetriesPerSecond × W</pre>
 * that is, at most {@code ratio × D + minRetriesPerSecond × (T + W)}, whatever the threads do.
 * <ul>
 *   <li><b>Groups.</b> Take the last granted retry {@code n}; its check bounds the withdrawals
 *       since its oldest mark {@code M}: those numbered {@code (M.retries, n]} number at most
 *       {@code ratio × (D_n - M.deposits) + reserve}. Retry number {@code M.retries} (call it
 *       {@code m}) ends the previous group; repeat from it. Every grant falls in exactly one
 *       group.</li>
 *   <li><b>Deposits are not counted twice.</b> {@code m} read the deposits before its CAS;
 *       {@code M} read its withdrawals after that CAS (it saw it) and its deposits after its
 *       withdrawals. Deposits only grow, so the groups' deposit ranges do not overlap and sum to
 *       at most {@code D}. (Hence the order of reads in {@link #advanceTo}: withdrawals, then
 *       deposits.)</li>
 *   <li><b>Groups are a window apart.</b> The array that introduced {@code M} was installed after
 *       {@code m}'s CAS, hence after the array {@code m} used (whose newest bucket is
 *       {@code e_m}), so {@code M}'s bucket is above {@code e_m}. If {@code e_m} were within the
 *       ten buckets of {@code n}'s array, its mark would be there and older than {@code M}, which
 *       is the oldest: so {@code e_n - e_m >= 10}. Over {@code T}, with buckets of
 *       {@code ceil(W / 10)}, there are at most {@code T / W + 1} groups.</li>
 * </ul>
 * And at every grant, the sliding form: retries since the oldest mark are at most
 * {@code ratio × deposits since it + reserve}, the oldest mark being at most a window old.
 *
 * <h2>Memory ordering</h2>
 * {@code retries} and {@code marks} are volatile and changed only by CAS; marks and their arrays
 * are immutable and published by that CAS. The deposit counter is a {@code LongAdder}-like sum of
 * volatile cells that only grow, so a sum that starts after another ends is at least as large:
 * that monotonicity is all the proofs above need. Allocation: one small array and one mark per
 * bucket in which a retry is considered, at most ten per window, never on the success path.
 */
public final class RetryBudgetWindow {
    /** How many buckets the window is divided into; recent means the last ten of them. */
    static final int BUCKETS = 10;

    /** What the ledger looked like when a retry was first considered in a bucket. */
    private record Mark(long bucket, long retries, long deposits) {}

    private final double ratio;
    private final double reserve;
    private final long bucketNanos;
    private final long originNanos;
    private final TimeSource timeSource;
    private final LongSupplier deposits;

    /** Withdrawals ever granted; only ever increased, by CAS. */
    private volatile long retries;
    /** Marks of the last {@value #BUCKETS} buckets with a considered retry, oldest first. */
    private volatile Mark[] marks;

    /**
     * Creates the ledger with no withdrawals; its time starts now.
     *
     * @param budget the validated budget
     * @param timeSource read when a retry is considered
     * @param deposits the cumulative count of first attempts that have ended; must never decrease
     */
    public RetryBudgetWindow(RetryBudget budget, TimeSource timeSource, LongSupplier deposits) {
        this.ratio = budget.retryRatio();
        this.reserve = budget.reserve();
        this.bucketNanos = Math.ceilDiv(budget.window().toNanos(), BUCKETS);
        this.timeSource = timeSource;
        this.deposits = deposits;
        this.originNanos = timeSource.nanoTime();
        this.marks = new Mark[] {new Mark(0, 0, deposits.getAsLong())};
    }

    /**
     * Withdraws one retry if the budget allows it. Reads the clock once.
     *
     * @return whether the retry may be made
     */
    public boolean tryWithdraw() {
        long bucket = Math.floorDiv(timeSource.nanoTime() - originNanos, bucketNanos);
        Mark oldest = advanceTo(bucket)[0];
        double allowed = ratio * (deposits.getAsLong() - oldest.deposits()) + reserve;
        for (;;) {
            long granted = retries;
            if (granted - oldest.retries() + 1 > allowed) {
                return false;
            }
            if (RETRIES.compareAndSet(this, granted, granted + 1)) {
                return true;
            }
        }
    }

    /**
     * The marks as of a bucket at least as new as the given one, installing a mark for it first
     * if the newest mark is older.
     */
    private Mark[] advanceTo(long bucket) {
        for (;;) {
            Mark[] current = marks;
            if (current[current.length - 1].bucket() >= bucket) {
                return current;
            }
            long retriesNow = retries; // withdrawals first, then deposits: see "Deposits are not counted twice"
            Mark fresh = new Mark(bucket, retriesNow, deposits.getAsLong());
            Mark[] next = withinWindow(current, bucket, fresh);
            if (MARKS.compareAndSet(this, current, next)) {
                return next;
            }
        }
    }

    private static Mark[] withinWindow(Mark[] current, long bucket, Mark fresh) {
        int keepFrom = 0;
        while (keepFrom < current.length && current[keepFrom].bucket() <= bucket - BUCKETS) {
            keepFrom++;
        }
        Mark[] next = new Mark[current.length - keepFrom + 1];
        System.arraycopy(current, keepFrom, next, 0, current.length - keepFrom);
        next[next.length - 1] = fresh;
        return next;
    }

    /** Retries granted since the ledger was created, including any whose attempt never started. */
    public long withdrawals() {
        return retries;
    }

    @Override
    public String toString() {
        Mark[] current = marks;
        Mark oldest = current[0];
        return "RetryBudgetWindow[ratio=" + ratio + ", reserve=" + reserve + ", recentRetries="
                + (retries - oldest.retries()) + ", recentDeposits="
                + (deposits.getAsLong() - oldest.deposits()) + "]";
    }

    private static final VarHandle RETRIES;
    private static final VarHandle MARKS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            RETRIES = lookup.findVarHandle(RetryBudgetWindow.class, "retries", long.class);
            MARKS = lookup.findVarHandle(RetryBudgetWindow.class, "marks", Mark[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
