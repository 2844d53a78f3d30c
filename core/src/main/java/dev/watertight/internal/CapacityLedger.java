package dev.watertight.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;

/**
 * A capacity shared by named shares, each with a guaranteed reservation and a ceiling: a share
 * may always use up to its reservation, may borrow what the others leave unreserved up to its
 * ceiling, and the total in use never exceeds the capacity.
 *
 * <h2>Design</h2>
 * Each share keeps one word ({@code state}) holding the units it holds ({@code used}, low 32
 * bits) and its ceiling (high 32 bits); one global word counts the units borrowed beyond
 * reservations ({@code borrowed}), bounded by the capacity left after every reservation
 * ({@code spare = capacity - sum of reservations}). The invariant is
 * <pre>
 *   sum over shares of max(used, reserved)  =  reservations + truly borrowed  <=  capacity
 * </pre>
 * so the total in use is within the capacity, and a share below its reservation always finds its
 * units free: nobody can borrow them.
 * <ul>
 *   <li><b>Within the reservation</b> (the fast path): one CAS of the share's own word from
 *       {@code u < reserved} to {@code u + 1}. No global word is touched; shares do not contend.</li>
 *   <li><b>Borrowing</b> ({@code u >= reserved}, below the ceiling): first take one unit of the
 *       global {@code borrowed} by CAS (refused at {@code spare}), then CAS the share's word from
 *       exactly the word read; if that CAS fails, give the unit back and start again.</li>
 *   <li><b>Giving back</b>: decrement the share's word; if it held more than its reservation, the
 *       unit was borrowed, and the global word is decremented after.</li>
 * </ul>
 * The global word is raised before a share's word and lowered after it, so it never counts fewer
 * borrowed units than the shares really hold: the cap is never exceeded, not even for an instant.
 * It may count more for a moment: a borrowed unit being given back, and a unit a borrower has
 * raised the global word for but not yet its share's word (when that CAS fails, the unit is given
 * back and the borrower looks again). A borrower that reads the global word in such a moment is
 * refused although the unit is not in use at any instant of its call: refusals of borrowers are
 * best effort while other callers take or give back units at the same time. A caller is refused
 * only after it has seen its share at or above its reservation (or at its ceiling) at an instant
 * during its call, so a share below its reservation is never refused.
 *
 * <h2>Changing a ceiling</h2>
 * {@link Account#resizeCeiling} replaces the high half of the share's word by CAS, keeping
 * {@code reserved <= ceiling <= capacity}. The ceiling is read in the same volatile read as the
 * count, on the fast path and the borrowing path alike, and every take is a CAS from exactly the
 * word read: a taker that read the old ceiling and then saw it change fails its CAS (the word is
 * not the one it read), gives back the borrowed unit it may have raised the global word for, and
 * looks again under the new ceiling. So a unit is taken only while the ceiling it was judged
 * against is in force, and {@code used <= ceiling} holds at every take: a share never holds more
 * than the ceiling in force when its last unit was taken. A refusal at the ceiling is ordered at
 * the read that saw it, when that ceiling was in force. Lowering takes nothing back: {@code used}
 * may stay above the new ceiling, give-backs work as before (a unit above the reservation is a
 * borrowed one whatever the ceiling), and takes are refused until {@code used} is below it.
 * Raising wakes the share's first waiter; in shared mode each waiter that then takes a unit wakes
 * the next, so as many come in as the new room allows. The cap on the total does not depend on
 * ceilings at all (only on {@code borrowed <= spare} and reservations, which never change), so no
 * interleaving of ceiling changes can exceed it; ceilings only refuse more. Concurrent resizes of
 * one share are ordered by their CASes; the last one wins, and each wakes if it raised the ceiling
 * it replaced.
 *
 * <h2>Waiting</h2>
 * Each share has a FIFO queue ({@link AbstractQueuedSynchronizer}) for callers that wait up to a
 * timeout. A share's give-back wakes its own first waiter; a borrowed unit coming back wakes the
 * first waiter of every share that has one; a raised ceiling wakes the share's first waiter.
 * Callers below their reservation never wait, so they are always served before borrowers. No
 * wake-up is lost: a waiter checks again after it is queued, and a giver (or resizer) looks for
 * waiters after its change, so one of the two sees the other (the accesses are volatile).
 *
 * <h2>Memory ordering</h2>
 * All counters are volatile and changed by CAS or atomic add; every step above is one atomic
 * access, and the orderings stated are program order of volatile accesses. The word packs the
 * ceiling with the count so that the ceiling costs no extra read and no second CAS: a ceiling in
 * a field of its own would be read apart from the count, and a borrower that read the old, higher
 * ceiling could still win its CAS after a lowering and end above the new ceiling.
 */
public final class CapacityLedger {
    private static final VarHandle BORROWED;

    static {
        try {
            BORROWED = MethodHandles.lookup().findVarHandle(CapacityLedger.class, "borrowed", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int capacity;
    private final int spare;
    private final Account[] accounts;
    private volatile int borrowed;

    /**
     * Creates the ledger; the shares' settings must already be valid together.
     *
     * @param capacity the total
     * @param reserved each share's reservation
     * @param ceilings each share's ceiling
     */
    public CapacityLedger(int capacity, int[] reserved, int[] ceilings) {
        this.capacity = capacity;
        int reservations = 0;
        this.accounts = new Account[reserved.length];
        for (int i = 0; i < reserved.length; i++) {
            reservations += reserved[i];
            accounts[i] = new Account(this, reserved[i], ceilings[i]);
        }
        this.spare = capacity - reservations;
    }

    /** The total capacity. */
    public int capacity() {
        return capacity;
    }

    /** Units borrowed beyond reservations now (at most one more than truly held, for a moment). */
    public int borrowed() {
        return borrowed;
    }

    /**
     * The account of one share.
     *
     * @param index the share's index, in the order given to the constructor
     * @return its account
     */
    public Account account(int index) {
        return accounts[index];
    }

    private boolean takeBorrowed() {
        for (;;) {
            int taken = borrowed;
            if (taken >= spare) {
                return false;
            }
            if (BORROWED.compareAndSet(this, taken, taken + 1)) {
                return true;
            }
        }
    }

    private void giveBorrowedBack() {
        BORROWED.getAndAdd(this, -1);
        for (Account account : accounts) {
            account.wakeFirstWaiter();
        }
    }

    /** One share's units: its counter, its ceiling and its queue of waiting callers. Thread-safe. */
    public static final class Account {
        private static final VarHandle STATE;
        private static final long USED_MASK = 0xFFFF_FFFFL;
        private static final int CEILING_SHIFT = 32;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Account.class, "state", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final CapacityLedger ledger;
        private final int reserved;
        private final Waiters waiters = new Waiters(this);
        /** {@code used | (long) ceiling << 32}; see the class comment. */
        private volatile long state;

        Account(CapacityLedger ledger, int reserved, int ceiling) {
            this.ledger = ledger;
            this.reserved = reserved;
            this.state = (long) ceiling << CEILING_SHIFT;
        }

        private static int usedOf(long word) {
            return (int) (word & USED_MASK);
        }

        private static int ceilingOf(long word) {
            return (int) (word >>> CEILING_SHIFT);
        }

        private boolean casState(long expected, long next) {
            return STATE.compareAndSet(this, expected, next);
        }

        /** The units guaranteed to this share. */
        public int reserved() {
            return reserved;
        }

        /** The most units this share may hold, now. */
        public int ceiling() {
            return ceilingOf(state);
        }

        /** Units held now (may be above the ceiling for a while after it was lowered). */
        public int used() {
            return usedOf(state);
        }

        /** Callers waiting for a unit now. */
        public int waiting() {
            return waiters.getQueueLength();
        }

        /**
         * Takes a unit if one is free for this share now, without waiting.
         *
         * @return whether a unit was taken
         */
        public boolean tryTake() {
            for (;;) {
                long word = state;
                int held = usedOf(word);
                if (held >= ceilingOf(word)) {
                    return false;
                }
                if (held < reserved) {
                    if (casState(word, word + 1)) {
                        return true;
                    }
                    continue;
                }
                if (!ledger.takeBorrowed()) {
                    if (usedOf(state) == held) {
                        return false; // at or above the reservation, and nothing spare: refused
                    }
                    continue; // the share's count moved, maybe below the reservation: look again
                }
                if (casState(word, word + 1)) {
                    return true;
                }
                ledger.giveBorrowedBack(); // our word moved (a count or the ceiling): undo, look again
            }
        }

        /**
         * Takes a unit, waiting up to the timeout; waiters are woken in arrival order, and a caller
         * that finds a unit free takes it at once (barging, as an unfair semaphore).
         *
         * @param timeoutNanos how long to wait; zero or less means not at all
         * @return whether a unit was taken
         * @throws InterruptedException if interrupted while waiting; nothing is taken then
         */
        public boolean tryTake(long timeoutNanos) throws InterruptedException {
            return tryTake() || (timeoutNanos > 0 && waiters.tryAcquireSharedNanos(1, timeoutNanos));
        }

        /** Gives one unit back. Call exactly once per unit taken. */
        public void giveBack() {
            int held = usedOf((long) STATE.getAndAdd(this, -1L));
            if (held > reserved) {
                ledger.giveBorrowedBack(); // it was a borrowed unit: anyone may use it now
            } else {
                wakeFirstWaiter();
            }
        }

        /**
         * Changes the share's ceiling now. Units held are kept: after a lowering the share may
         * hold more than the new ceiling until enough are given back, and takes are refused until
         * then. Raising wakes waiting callers, as many as the new room admits.
         *
         * @param ceiling the new ceiling, already validated by the caller (its share, which names
         *     itself in the message) to be from the reservation (and at least 1) to the capacity;
         *     the ceiling has its own half of the word, so no value could corrupt the units held
         * @return the ceiling it replaced
         */
        public int resizeCeiling(int ceiling) {
            for (;;) {
                long word = state;
                if (casState(word, (word & USED_MASK) | (long) ceiling << CEILING_SHIFT)) {
                    int replaced = ceilingOf(word);
                    if (ceiling > replaced) {
                        wakeFirstWaiter(); // each waiter that gets in wakes the next (shared mode)
                    }
                    return replaced;
                }
            }
        }

        void wakeFirstWaiter() {
            if (waiters.hasQueuedThreads()) {
                waiters.releaseShared(0);
            }
        }

        @Override
        public String toString() {
            long word = state;
            return "Account[used=" + usedOf(word) + ", reserved=" + reserved + ", ceiling=" + ceilingOf(word) + "]";
        }
    }

    /** The FIFO queue of one share's waiting callers; admission is the account's own rule. */
    private static final class Waiters extends AbstractQueuedSynchronizer {
        private static final long serialVersionUID = 1L;
        private final transient Account account;

        Waiters(Account account) {
            this.account = account;
        }

        @Override
        protected int tryAcquireShared(int ignored) {
            return account.tryTake() ? 1 : -1;
        }

        @Override
        protected boolean tryReleaseShared(int ignored) {
            return true;
        }
    }

}
