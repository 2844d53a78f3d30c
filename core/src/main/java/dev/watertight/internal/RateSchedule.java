package dev.watertight.internal;

import dev.watertight.TimeSource;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * One rate of a rate limiter and the permits granted under it: the generic cell rate algorithm
 * (GCRA) on a single 64-bit word, updated by one CAS per grant.
 *
 * <h2>The algorithm</h2>
 * The rate earns one permit every {@code interval = ceil(period / permitsPerPeriod)} nanoseconds
 * and holds at most {@code burst} of them: a token bucket. Instead of a token count and the time
 * of the last refill (two words, which would need a lock, or an allocation per update to swap
 * them together), one word holds the <em>theoretical arrival time</em> {@code tat}: the reading
 * at which the bucket will be full again if nothing more is granted. At a reading {@code now}:
 * <ul>
 *   <li>{@code lead = tat - now} is how far the bucket is from full, in nanoseconds of refill;
 *       zero or less means full;</li>
 *   <li>the credit is {@code capacity - clamp(lead, 0, capacity)}, with
 *       {@code capacity = burst * interval}, and {@code credit / interval} permits are free;</li>
 *   <li>{@code n} permits are granted iff {@code max(lead, 0) + n * interval <= capacity}, and the
 *       grant writes {@code tat = now + max(lead, 0) + n * interval}.</li>
 * </ul>
 * This is the token bucket exactly, in the "virtual scheduling" form of ITU-T I.371; its
 * "continuous-state leaky bucket" form (a credit and the reading it was last brought up to date)
 * is the reference model the property tests compare this class with. The interval is rounded up,
 * never down, so the limiter is at most one nanosecond per permit stricter than asked, never
 * looser. A refusal returns its shortfall, {@code max(lead, 0) + n * interval - capacity}: how long
 * after {@code now} the permits would be free if nobody else took them.
 *
 * <h2>Why the bound holds for every window, not only aligned ones</h2>
 * Number the grants of this schedule in the order their CAS succeeded: grant {@code i} was decided
 * at reading {@code t_i}, for {@code n_i} permits, and wrote {@code tat_i}. By construction
 * {@code tat_i >= max(tat_(i-1), t_i) + n_i * interval} and, by its admission test,
 * {@code tat_i <= t_i + capacity}. Take any instant {@code s} and length {@code L}, and the grants
 * with {@code s <= t_i <= s + L}. The quantity {@code max(tat, s)} never decreases, and each of
 * those grants raises it by at least {@code n_i * interval} (its {@code t_i} is at least
 * {@code s}). So the last of them, {@code b}, wrote {@code tat_b >= s + interval * sum(n_i)}, while
 * its test says {@code tat_b <= t_b + capacity <= s + L + capacity}. Hence
 * {@code sum(n_i) <= burst + floor(L / interval)}, and for {@code L = period}, at most
 * {@code burst + permitsPerPeriod}; with {@code t_b < s + L} (a half-open window) the same steps
 * give at most {@code burst + permitsPerPeriod - 1}. Nothing here needs the readings to arrive
 * in order: a thread that read the clock, was descheduled, and then won its CAS is covered, and
 * its stale reading only makes its own test stricter. The argument holds for any window
 * position, which is the difference from a fixed-window counter (which lets {@code 2 * limit}
 * through around a window edge).
 *
 * <h2>Clock jumps and overflow</h2>
 * Readings are compared only by subtraction, so the word and the clock may wrap past
 * {@code Long.MAX_VALUE} like {@link System#nanoTime()} may; a reading must be less than
 * 2<sup>63</sup> ns (292 years) after the word was last written, and {@code capacity} is at most
 * {@link #MAX_CAPACITY} so that no sum of two leads overflows. A forward jump of any size fills
 * the bucket, never more: at most {@code burst} permits at once. A backward jump takes credit
 * away, never gives any: the bucket loses up to as many nanoseconds of refill as the clock went
 * back (less if it had been full for longer than that) and never holds less than nothing. The
 * word is not written for that unless the jump is larger than the credit, which shows as
 * {@code lead > capacity}; the call that sees it then re-anchors the word to an empty bucket at
 * its reading ({@code tat = now + capacity}), so from the first call that sees a jump back, the
 * permits asked for are free after at most the time to earn them, however large the jump was.
 * This is the only write that lowers the word, so the proof above holds for every clock that
 * never goes backwards; and since credit never grows on a backward move, the bound holds for
 * every window of forward-only elapsed time otherwise.
 *
 * <p>{@code lead > capacity} has an innocent cause too: a reading older than the state, taken by
 * a thread that was descheduled while others were granted permits with later readings.
 * Re-anchoring then would lower the word and grant extra permits. So before concluding that the
 * clock went backwards, {@link #tryTake} reads the clock again, after the word. Every word was
 * written by a call whose reading preceded its write, and with a monotonic clock a reading taken
 * after the word was read is no earlier than that one, so the lead it gives is at most
 * {@code capacity}: only a clock that really went backwards re-anchors.
 *
 * <h2>Rate changes: sealing</h2>
 * A rate change cannot rewrite the word in place: a caller that read the old interval could
 * then CAS the new word with old arithmetic. Instead each rate is its own schedule, and a change
 * <em>seals</em> the current one: it computes the successor (whose word carries the credit over),
 * publishes it in {@link #successor}, and only then CASes the word to {@code SEALED_WORD}. A grant
 * whose CAS succeeded before the seal happened under the old rate; every later CAS on the old word
 * fails, and a caller that reads {@code SEALED_WORD} moves on to the successor, which it can find
 * on its own (so a change that is descheduled halfway blocks nobody). Any long is a possible word,
 * so none can be reserved for the seal: a word that would equal it is written one nanosecond
 * later, one nanosecond stricter, once in 2<sup>64</sup> values.
 *
 * <p>The seal reads the clock after the word it seals, so (with a monotonic clock) every grant of
 * the old rate was decided at a reading no later than the change. The successor starts with the
 * old credit converted at the change: the same fraction of permits, capped at the new burst and
 * rounded down, {@code min(capacity', floor(credit * interval' / interval))}. So the permits free
 * never grow at the change, every window that starts after it obeys the new rate's bound, and a
 * window that spans it grants at most the old burst plus what each rate earns in its part.
 *
 * <h2>Memory ordering</h2>
 * The word is volatile and changed only by CAS, so all grants, re-anchors and the seal are totally
 * ordered. The successor and its word are written before the sealing CAS (a volatile write), so a
 * caller whose volatile read returns {@code SEALED_WORD} sees both. The other fields are final.
 * The clock is read after the word where it matters (the re-check and the seal above): the
 * volatile read is an acquire, and {@link System#nanoTime()} on Linux orders its counter read.
 *
 * <p>Thread-safe.
 */
final class RateSchedule extends ArrivalTimePadding.After {
    /** What {@link #tryTake} returns when the permits were granted. */
    static final long GRANTED = 0;
    /** What {@link #tryTake} returns for more permits than the burst: no wait would do. */
    static final long NEVER = Long.MAX_VALUE;
    /** What {@link #tryTake} returns when a rate change sealed this schedule: go to its successor. */
    static final long MOVED = -1;

    /** The largest {@code burst * interval}: half the long range, so that two leads never overflow. */
    static final long MAX_CAPACITY = Long.MAX_VALUE / 2;

    /** The word of a sealed schedule; an arbitrary value, see "Rate changes" above. */
    private static final long SEALED_WORD = 0x5EA1_ED0F_F1CE_0001L;

    private static final VarHandle TAT;

    static {
        try {
            TAT = MethodHandles.lookup().findVarHandle(ArrivalTimePadding.Word.class, "tat", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final int permitsPerPeriod;
    final Duration period;
    final int burst;
    /** Nanoseconds to earn one permit: {@code ceil(period / permitsPerPeriod)}, at least 1. */
    final long interval;
    /** Nanoseconds to earn a full burst: {@code burst * interval}, at most {@link #MAX_CAPACITY}. */
    final long capacity;

    /** Set, once for good, just before this schedule is sealed; null while it is current. */
    private volatile @Nullable RateSchedule successor;

    private RateSchedule(int permitsPerPeriod, Duration period, int burst) {
        check(permitsPerPeriod, period, burst);
        this.permitsPerPeriod = permitsPerPeriod;
        this.period = period;
        this.burst = burst;
        this.interval = intervalOf(permitsPerPeriod, period.toNanos());
        this.capacity = burst * interval;
    }

    /**
     * A schedule whose bucket is full at the given reading.
     *
     * @param permitsPerPeriod permits earned per period
     * @param period the period
     * @param burst the most permits held at once
     * @param now the current reading
     * @return the schedule
     */
    static RateSchedule full(int permitsPerPeriod, Duration period, int burst, long now) {
        RateSchedule schedule = new RateSchedule(permitsPerPeriod, period, burst);
        schedule.setTat(word(now));
        return schedule;
    }

    /**
     * Checks a rate: each value in range, and the combination usable.
     *
     * @param permitsPerPeriod from 1, and at most one per nanosecond of the period
     * @param period positive
     * @param burst from 1, with {@code burst * interval} at most {@link #MAX_CAPACITY} ns
     * @throws IllegalArgumentException naming the first bad setting, its value and what is allowed
     */
    static void check(int permitsPerPeriod, Duration period, int burst) {
        Settings.atLeast("permitsPerPeriod", permitsPerPeriod, 1);
        long periodNanos = Settings.positive("period", period).toNanos();
        Settings.atLeast("burst", burst, 1);
        if (permitsPerPeriod > periodNanos) {
            throw new IllegalArgumentException("permitsPerPeriod must be at most one per nanosecond of period,"
                    + " was " + permitsPerPeriod + " per " + period);
        }
        long interval = intervalOf(permitsPerPeriod, periodNanos);
        if (interval > MAX_CAPACITY / burst) {
            throw new IllegalArgumentException("burst * period / permitsPerPeriod (the time to earn a full"
                    + " burst) must be at most " + MAX_CAPACITY + " ns (about 146 years), was " + burst
                    + " * " + period + " / " + permitsPerPeriod);
        }
    }

    private static long intervalOf(int permitsPerPeriod, long periodNanos) {
        return Math.ceilDiv(periodNanos, permitsPerPeriod);
    }

    /**
     * Grants the permits if they are free at the reading, with one CAS.
     *
     * @param permits how many, at least 1
     * @param now a reading of the clock, taken before this call
     * @param clock the clock, read again only when {@code now} looks older than the state
     * @return {@link #GRANTED}; or the shortfall in nanoseconds (at least 1) after which the
     *     permits would be free; or {@link #NEVER}; or {@link #MOVED} when this schedule is sealed
     */
    long tryTake(int permits, long now, TimeSource clock) {
        long cost = permits * interval; // at most capacity when permits <= burst, checked below
        long reading = now;
        for (;;) {
            long tat = tat();
            if (tat == SEALED_WORD) {
                return MOVED; // checked first: the successor may have a larger burst
            }
            if (permits > burst) {
                return NEVER;
            }
            long lead = tat - reading;
            if (lead > capacity) {
                // A stale reading, or a clock that went backwards: a reading taken after the word
                // was read tells which (see "Clock jumps" above).
                reading = clock.nanoTime();
                lead = tat - reading;
                if (lead > capacity) {
                    // It went backwards by more than the credit: empty at this reading.
                    if (casTat(tat, word(reading + capacity))) {
                        return cost;
                    }
                    continue;
                }
            }
            long needed = Math.max(lead, 0) + cost;
            if (needed > capacity) {
                return needed - capacity;
            }
            if (casTat(tat, word(reading + needed))) {
                return GRANTED;
            }
        }
    }

    /**
     * How long until the permits would be free, without taking anything.
     *
     * @param permits how many, at least 1
     * @param clock the clock, read after the word
     * @return zero if free now, the shortfall in nanoseconds, {@link #NEVER}, or {@link #MOVED}
     */
    long shortfall(int permits, TimeSource clock) {
        long tat = tat();
        if (tat == SEALED_WORD) {
            return MOVED;
        }
        if (permits > burst) {
            return NEVER;
        }
        long lead = capacity - credit(tat, clock.nanoTime()); // clamped to [0, capacity]
        return Math.max(lead + permits * interval - capacity, 0);
    }

    /**
     * The whole permits free now.
     *
     * @param clock the clock, read after the word
     * @return from 0 to {@code burst}, or -1 if this schedule is sealed
     */
    int available(TimeSource clock) {
        long tat = tat();
        if (tat == SEALED_WORD) {
            return -1;
        }
        return (int) (credit(tat, clock.nanoTime()) / interval);
    }

    /**
     * Seals this schedule and returns its successor under the new rate, carrying the credit over.
     * Callers serialize rate changes: only one may seal a given schedule.
     *
     * @param permitsPerPeriod the new rate's permits per period
     * @param period the new period
     * @param burst the new burst
     * @param clock the clock, read after the word at each attempt
     * @return the successor, already published in {@link #successor()}
     */
    RateSchedule sealInto(int permitsPerPeriod, Duration period, int burst, TimeSource clock) {
        RateSchedule next = new RateSchedule(permitsPerPeriod, period, burst);
        for (;;) {
            long tat = tat();
            long now = clock.nanoTime();
            long carried = next.convert(credit(tat, now), interval);
            next.setTat(word(now + next.capacity - carried));
            successor = next;
            if (casTat(tat, SEALED_WORD)) {
                return next;
            }
        }
    }

    /** The schedule that replaced this one; non-null once this one is sealed. */
    @Nullable RateSchedule successor() {
        return successor;
    }

    /** Credit at a reading: nanoseconds of refill in the bucket, from 0 to capacity. */
    private long credit(long tat, long now) {
        long lead = tat - now;
        return capacity - Math.min(Math.max(lead, 0), capacity);
    }

    /** Another schedule's credit as the same fraction of permits here, capped and rounded down. */
    private long convert(long credit, long fromInterval) {
        long scaled = BigInteger.valueOf(credit).multiply(BigInteger.valueOf(interval))
                .divide(BigInteger.valueOf(fromInterval))
                .min(BigInteger.valueOf(capacity))
                .longValueExact();
        return scaled;
    }

    /** The word to write for an arrival time: never the seal. */
    private static long word(long tat) {
        return tat == SEALED_WORD ? tat + 1 : tat;
    }

    private long tat() {
        return (long) TAT.getVolatile(this);
    }

    private void setTat(long value) {
        TAT.setVolatile(this, value);
    }

    private boolean casTat(long expected, long value) {
        return TAT.compareAndSet(this, expected, value);
    }

    @Override
    public String toString() {
        return permitsPerPeriod + " per " + period + ", burst " + burst;
    }
}
