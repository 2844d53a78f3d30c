package dev.watertight;

import dev.watertight.internal.CapacityLedger;
import dev.watertight.internal.Settings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A capacity (connections, permits) shared by named compartments, each with a guaranteed
 * reservation and a ceiling.
 *
 * <pre>{@code
 * SharedCapacity connections = SharedCapacity.builder("db", 15)
 *         .share("read", 0, 10)        // reserves nothing, may use up to 10
 *         .share("write", 3, 5)        // always gets 3, may borrow up to 5
 *         .share("analytics", 0, 2)
 *         .build();
 *
 * SharedCapacity.Share write = connections.share("write");
 * if (write.tryAcquire()) {
 *     try { ... } finally { write.release(); }
 * }
 * }</pre>
 *
 * <p><b>Guarantees.</b> The units in use never exceed the capacity, not even for an instant. A
 * share never holds more than its ceiling (after {@linkplain Share#resizeCeiling a lowering}, more
 * than the ceiling in force when it took its last unit, until enough come back). A share holding less than its reservation always gets
 * a unit at once: the others may borrow only what no share has reserved. So a neighbour's flood
 * can take the idle capacity, but never the part another compartment is guaranteed. The sum of
 * reservations may not exceed the capacity.
 *
 * <p>Refusals beyond the reservation are best effort while other callers take and give back units
 * at the same moment: a borrower may be refused a unit that is being given back or that another
 * borrower is about to take and let go. A waiting caller is woken when such a unit comes back.
 * Refusals within the reservation never happen.
 *
 * <p><b>Cost.</b> Taking a unit within the reservation is one CAS on the share's own counter;
 * borrowing adds one CAS on the shared counter of borrowed units. Nothing allocates or locks.
 *
 * <p>Thread-safe.
 */
public final class SharedCapacity {
    private final String name;
    private final CapacityLedger ledger;
    private final Map<String, Share> shares = new LinkedHashMap<>();

    private SharedCapacity(String name, int capacity, List<String> names, int[] reserved, int[] ceilings) {
        this.name = name;
        this.ledger = new CapacityLedger(capacity, reserved, ceilings);
        for (int i = 0; i < names.size(); i++) {
            shares.put(names.get(i), new Share(this, names.get(i), ledger.account(i)));
        }
    }

    /**
     * Starts describing a shared capacity.
     *
     * @param name the capacity's name, used in messages
     * @param capacity the total number of units, at least 1
     * @return a builder with no shares yet
     */
    public static Builder builder(String name, int capacity) {
        return new Builder(name, capacity);
    }

    /** {@return the capacity's name} */
    public String name() {
        return name;
    }

    /** {@return the total number of units} */
    public int capacity() {
        return ledger.capacity();
    }

    /**
     * A share by name.
     *
     * @param shareName the name given to the builder
     * @return the share
     * @throws IllegalArgumentException if there is no share by that name
     */
    public Share share(String shareName) {
        Share share = shares.get(shareName);
        if (share == null) {
            throw new IllegalArgumentException("shared capacity '" + name + "' has no share named '"
                    + shareName + "'; its shares are " + shares.keySet());
        }
        return share;
    }

    /** {@return every share, in the order they were described} */
    public List<Share> shares() {
        return List.copyOf(shares.values());
    }

    /** {@return units in use now, over all shares} */
    public int inUse() {
        int total = 0;
        for (Share share : shares.values()) {
            total += share.account.used();
        }
        return total;
    }

    /** {@return units borrowed beyond reservations now} */
    public int borrowed() {
        return ledger.borrowed();
    }

    @Override
    public String toString() {
        return "SharedCapacity[" + name + ", " + inUse() + "/" + capacity() + " in use, shares " + shares.values() + "]";
    }

    /**
     * One compartment's share of a {@link SharedCapacity}. Each unit taken must be released
     * exactly once. Refusals are counted by the compartment that uses the share. Thread-safe.
     */
    public static final class Share {
        private final SharedCapacity capacity;
        private final String name;
        private final CapacityLedger.Account account;

        private Share(SharedCapacity capacity, String name, CapacityLedger.Account account) {
            this.capacity = capacity;
            this.name = name;
            this.account = account;
        }

        /** {@return the share's name} */
        public String name() {
            return name;
        }

        /** {@return the capacity this share belongs to} */
        public SharedCapacity capacity() {
            return capacity;
        }

        /** {@return the units guaranteed to this share} */
        public int reserved() {
            return account.reserved();
        }

        /** {@return the most units this share may hold, now} */
        public int ceiling() {
            return account.ceiling();
        }

        /**
         * Changes the most units this share may hold, at once, keeping every unit held valid.
         * Raising it lets waiting callers in at once, as many as the new room admits (and the
         * capacity left). Lowering it takes nothing back: the share may hold more than the new
         * ceiling for a while, and new attempts wait or are refused until what it holds is below
         * it. The reservation and the capacity do not change.
         *
         * @param ceiling the new ceiling, from the share's reservation (and at least 1) to the capacity
         * @return the ceiling it replaced
         * @throws IllegalArgumentException naming the share, if the ceiling is out of that range
         */
        public int resizeCeiling(int ceiling) {
            int lowest = Math.max(1, reserved());
            if (ceiling < lowest || ceiling > capacity.capacity()) {
                throw new IllegalArgumentException("ceiling of share '" + name + "' of '" + capacity.name()
                        + "' must be between " + lowest + " (its reservation, at least 1) and " + capacity.capacity()
                        + " (the capacity), was " + ceiling);
            }
            return account.resizeCeiling(ceiling);
        }

        /** {@return units this share holds now} */
        public int inUse() {
            return account.used();
        }

        /** {@return callers of this share waiting for a unit now} */
        public int waiting() {
            return account.waiting();
        }

        /**
         * Takes a unit if one is free for this share now; never waits.
         *
         * @return whether a unit was taken
         */
        public boolean tryAcquire() {
            return account.tryTake();
        }

        /**
         * Takes a unit, waiting up to the timeout. Waiters are woken in arrival order; a caller that
         * arrives while a unit is free takes it at once, as with an unfair {@code Semaphore}.
         *
         * @param timeoutNanos how long to wait; zero or less means not at all
         * @return whether a unit was taken
         * @throws InterruptedException if interrupted while waiting; nothing is taken then
         */
        public boolean tryAcquire(long timeoutNanos) throws InterruptedException {
            return account.tryTake(timeoutNanos);
        }

        /** Gives one unit back. Call exactly once per unit taken. */
        public void release() {
            account.giveBack();
        }

        @Override
        public String toString() {
            return name + "[" + account.used() + " in use, reserved " + reserved() + ", ceiling " + ceiling() + "]";
        }
    }

    /**
     * Describes a {@link SharedCapacity}. Each setting is checked as it is given, and the shares
     * together when it is built. Not thread-safe.
     */
    public static final class Builder {
        private final String name;
        private final int capacity;
        private final List<String> names = new ArrayList<>();
        private final List<int[]> limits = new ArrayList<>();

        private Builder(String name, int capacity) {
            this.name = Settings.name(name);
            this.capacity = Settings.atLeast("capacity", capacity, 1);
        }

        /**
         * Adds a share.
         *
         * @param shareName its name, unique in this capacity
         * @param reserved the units always available to it, from 0 to its ceiling
         * @param ceiling the most units it may hold, from 1 to the capacity
         * @return this builder
         */
        public Builder share(String shareName, int reserved, int ceiling) {
            Settings.name(shareName);
            if (names.contains(shareName)) {
                throw new IllegalArgumentException("share '" + shareName + "' is already described in '" + name + "'");
            }
            Settings.between(shareName + ".ceiling", ceiling, 1, capacity);
            Settings.between(shareName + ".reserved", reserved, 0, ceiling);
            names.add(shareName);
            limits.add(new int[] {reserved, ceiling});
            return this;
        }

        /**
         * Builds the capacity.
         *
         * @return the capacity, with every unit free
         * @throws IllegalArgumentException if there is no share, or the reservations add up to
         *     more than the capacity
         */
        public SharedCapacity build() {
            if (names.isEmpty()) {
                throw new IllegalArgumentException("shared capacity '" + name + "' needs at least one share");
            }
            long reservations = limits.stream().mapToLong(limit -> limit[0]).sum();
            if (reservations > capacity) {
                StringBuilder parts = new StringBuilder();
                for (int i = 0; i < names.size(); i++) {
                    parts.append(i == 0 ? "" : " + ").append(names.get(i)).append(' ').append(limits.get(i)[0]);
                }
                throw new IllegalArgumentException("the reservations of '" + name + "' must add up to at most its capacity "
                        + capacity + ", were " + parts + " = " + reservations);
            }
            int[] reserved = limits.stream().mapToInt(limit -> limit[0]).toArray();
            int[] ceilings = limits.stream().mapToInt(limit -> limit[1]).toArray();
            return new SharedCapacity(name, capacity, List.copyOf(names), reserved, ceilings);
        }
    }
}
