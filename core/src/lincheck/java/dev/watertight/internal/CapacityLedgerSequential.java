package dev.watertight.internal;

import java.util.Arrays;

/**
 * The sequential specification of a {@link CapacityLedger} with the shares of
 * {@link CapacityLedgerLincheckTest}, written from its contract rather than its code: a count of
 * units per share. A share may take a unit while it is below its ceiling, and then either within
 * its reservation, or by borrowing, when the units all shares hold beyond their reservations are
 * fewer than the capacity left after every reservation. A borrowed unit is not told apart from a
 * reserved one: only how many units a share holds matters. Per-thread holdings mirror the rule of
 * {@link CapacityLedgerLincheckTest}: only a thread holding a unit of a share gives one back.
 *
 * <p>Each method is the strict contract: it says what a plain, single-threaded ledger returns.
 * {@link CapacityLedgerVerifier} applies it with one documented relaxation, a borrower's spurious
 * refusal ({@link #mayBeRefused}).
 *
 * <p>A ceiling may change ({@code resizeCeilingA}, {@code resizeCeilingB}, for
 * {@link CapacityLedgerCeilingLincheckTest}): later attempts are judged against the new one, and
 * units held stay held, so a share may hold more than its ceiling after a lowering.
 *
 * <p>A timed attempt has the same specification as an immediate one: it succeeds exactly when a
 * unit is free for the share at the instant it takes effect (see
 * {@link PermitSyncSequential#tryAcquireWithin}).
 */
public final class CapacityLedgerSequential {
    private static final int[] RESERVED = CapacityLedgerLincheckTest.RESERVED;
    private static final int SPARE = CapacityLedgerLincheckTest.CAPACITY - Arrays.stream(RESERVED).sum();

    private final int[] used = new int[RESERVED.length];
    private final int[] ceilings = CapacityLedgerLincheckTest.CEILINGS.clone();
    private final int[][] held = new int[RESERVED.length][CapacityLedgerLincheckTest.THREAD_SLOTS];

    public boolean tryAcquireA(int thread) {
        return take(0, thread);
    }

    public boolean tryAcquireB(int thread) {
        return take(1, thread);
    }

    public boolean tryAcquireAWithin(int thread) {
        return take(0, thread);
    }

    public boolean tryAcquireBWithin(int thread) {
        return take(1, thread);
    }

    /** Sets A's ceiling; returns the one it replaced (see {@link CapacityLedgerCeilingLincheckTest}). */
    public int resizeCeilingA(int ceiling) {
        return resize(0, ceiling);
    }

    /** Sets B's ceiling; returns the one it replaced. */
    public int resizeCeilingB(int ceiling) {
        return resize(1, ceiling);
    }

    private int resize(int share, int ceiling) {
        int replaced = ceilings[share];
        ceilings[share] = ceiling; // nothing held is taken back
        return replaced;
    }

    public boolean releaseA(int thread) {
        return giveBack(0, thread);
    }

    public boolean releaseB(int thread) {
        return giveBack(1, thread);
    }

    /**
     * Whether the named operation is an attempt to take a unit that the relaxed contract lets the
     * ledger refuse now although one is free: the share already holds its whole reservation, so
     * the unit would be borrowed. A share below its reservation is never refused.
     *
     * @param operation an operation's name
     * @return whether a refusal of it is acceptable in this state whatever the strict answer
     */
    boolean mayBeRefused(String operation) {
        int share = switch (operation) {
            case "tryAcquireA", "tryAcquireAWithin" -> 0;
            case "tryAcquireB", "tryAcquireBWithin" -> 1;
            default -> -1;
        };
        return share >= 0 && used[share] >= RESERVED[share];
    }

    private boolean take(int share, int thread) {
        if (used[share] >= ceilings[share]) {
            return false;
        }
        if (used[share] >= RESERVED[share] && borrowed() >= SPARE) {
            return false;
        }
        used[share]++;
        held[share][thread]++;
        return true;
    }

    private boolean giveBack(int share, int thread) {
        if (held[share][thread] == 0) {
            return false;
        }
        held[share][thread]--;
        used[share]--;
        return true;
    }

    private int borrowed() {
        int borrowed = 0;
        for (int share = 0; share < used.length; share++) {
            borrowed += Math.max(0, used[share] - RESERVED[share]);
        }
        return borrowed;
    }

    /** A copy, for exploring another order of the same operations. */
    CapacityLedgerSequential copy() {
        CapacityLedgerSequential copy = new CapacityLedgerSequential();
        System.arraycopy(used, 0, copy.used, 0, used.length);
        System.arraycopy(ceilings, 0, copy.ceilings, 0, ceilings.length);
        for (int share = 0; share < held.length; share++) {
            System.arraycopy(held[share], 0, copy.held[share], 0, held[share].length);
        }
        return copy;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CapacityLedgerSequential that
                && Arrays.equals(used, that.used) && Arrays.equals(ceilings, that.ceilings)
                && Arrays.deepEquals(held, that.held);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(used) + Arrays.hashCode(ceilings)) + Arrays.deepHashCode(held);
    }

    @Override
    public String toString() {
        return "used " + Arrays.toString(used) + ", ceilings " + Arrays.toString(ceilings);
    }
}
