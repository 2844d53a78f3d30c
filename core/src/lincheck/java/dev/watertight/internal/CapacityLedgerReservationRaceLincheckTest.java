package dev.watertight.internal;

import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;

/**
 * A race that once refused a share below its reservation, checked over every interleaving
 * Lincheck's model checker explores. (The relaxed linearizability model in
 * {@link CapacityLedgerLincheckTest} cannot see it, since it allows borrowers' refusals.)
 *
 * <p>The program: a capacity of 3, A (reserves 1, ceiling 3) and B (reserves 1, ceiling 2), so 1
 * unit is spare. B holds its reserved unit, A holds 1 (its reservation), held for {@code holder}.
 * Then three threads: {@code holder} gives A's unit back and raises a flag; {@code borrower} waits
 * for the flag, then B tries to borrow the spare unit; {@code taker} tries to take a unit of A
 * meanwhile. Whatever the order:
 * <ul>
 *   <li>{@code taker} must succeed: before the give-back A could borrow the spare unit (nobody
 *       else could have it yet, B only tries after the give-back), and after it A is below its
 *       reservation;</li>
 * </ul>
 * ({@code borrower} may be refused in one interleaving, where {@code taker} raised the count of
 * borrowed units and then let it go: borrowers' refusals are best effort, as documented.)
 */
class CapacityLedgerReservationRaceLincheckTest {
    static final int INVOCATIONS = 2_000;

    /** Published for Lincheck through static fields (see {@link PermitSyncWaitingLincheckTest}). */
    private static volatile CapacityLedger ledger;
    private static volatile boolean givenBack;
    private static volatile boolean taken;
    private static volatile boolean borrowed;

    private static void run() {
        ledger = new CapacityLedger(3, new int[] {1, 1}, new int[] {3, 2});
        givenBack = false;
        if (!ledger.account(1).tryTake() || !ledger.account(0).tryTake()) {
            throw new AssertionError("reservations refused on a fresh ledger");
        }
        Thread holder = new Thread(() -> {
            ledger.account(0).giveBack();
            givenBack = true;
        });
        Thread borrower = new Thread(() -> {
            while (!givenBack) {
                Thread.onSpinWait();
            }
            borrowed = ledger.account(1).tryTake();
        });
        Thread taker = new Thread(() -> taken = ledger.account(0).tryTake());
        holder.start();
        borrower.start();
        taker.start();
        PermitSyncWaitingLincheckTest.joinAll(holder, borrower, taker);
    }

    /**
     * {@code taker} reads A's count (1, its reservation: it must borrow), {@code holder} gives
     * A's unit back, {@code borrower} takes the spare unit, {@code taker}'s attempt to borrow
     * finds none: it must look at A's count again, which is 0, and take a reserved unit.
     */
    @Test
    void aShareThatFellBelowItsReservationDuringTheCallIsServed() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            run();
            if (!taken) {
                throw new AssertionError("A refused though below its reservation: A holds "
                        + ledger.account(0).used() + ", B " + ledger.account(1).used() + ", borrowed " + ledger.borrowed());
            }
        });
    }
}
