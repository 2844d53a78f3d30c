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
 * Each share counts the units it holds ({@code used}, one word per share); one global word counts
 * the units borrowed beyond reservations ({@code borrowed}), bounded by the capacity left after
 * every reservation ({@code spare = capacity - sum of reservations}). The invariant is
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
 *       exactly {@code u}; if that CAS fails, give the unit back and start again.</li>
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
 * <h2>Waiting</h2>
 * Each share has a FIFO queue ({@link AbstractQueuedSynchronizer}) for callers that wait up to a
 * timeout. A share's give-back wakes its own first waiter; a borrowed unit coming back wakes the
 * first waiter of every share that has one. Callers below their reservation never wait, so they
 * are always served before borrowers.
 *
 * <h2>Memory ordering</h2>
 * All counters are volatile and changed by CAS or atomic add; every step above is one atomic
 * access, and the orderings stated are program order of volatile accesses.
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

    /** One share's units: its counter and its queue of waiting callers. Thread-safe. */
    public static final class Account {
        private static final VarHandle USED;

        static {
            try {
                USED = MethodHandles.lookup().findVarHandle(Account.class, "used", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final CapacityLedger ledger;
        private final int reserved;
        private final int ceiling;
        private final Waiters waiters = new Waiters(this);
        private volatile int used;

        Account(CapacityLedger ledger, int reserved, int ceiling) {
            this.ledger = ledger;
            this.reserved = reserved;
            this.ceiling = ceiling;
        }

        /** The units guaranteed to this share. */
        public int reserved() {
            return reserved;
        }

        /** The most units this share may hold. */
        public int ceiling() {
            return ceiling;
        }

        /** Units held now. */
        public int used() {
            return used;
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
                int held = used;
                if (held >= ceiling) {
                    return false;
                }
                if (held < reserved) {
                    if (USED.compareAndSet(this, held, held + 1)) {
                        return true;
                    }
                    continue;
                }
                if (!ledger.takeBorrowed()) {
                    if (used == held) {
                        return false; // at or above the reservation, and nothing spare: refused
                    }
                    continue; // the share's count moved, maybe below the reservation: look again
                }
                if (USED.compareAndSet(this, held, held + 1)) {
                    return true;
                }
                ledger.giveBorrowedBack(); // lost the race for our own word: undo, look again
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
            int held = (int) USED.getAndAdd(this, -1);
            if (held > reserved) {
                ledger.giveBorrowedBack(); // it was a borrowed unit: anyone may use it now
            } else {
                wakeFirstWaiter();
            }
        }

        void wakeFirstWaiter() {
            if (waiters.hasQueuedThreads()) {
                waiters.releaseShared(0);
            }
        }

        @Override
        public String toString() {
            return "Account[used=" + used + ", reserved=" + reserved + ", ceiling=" + ceiling + "]";
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
