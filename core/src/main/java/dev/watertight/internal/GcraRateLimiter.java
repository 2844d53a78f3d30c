package dev.watertight.internal;

import dev.watertight.Deadline;
import dev.watertight.RateLimitExceededException;
import dev.watertight.RateLimiter;
import dev.watertight.RateLimiterConfig;
import dev.watertight.RateLimiterStats;
import dev.watertight.TimeSource;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link RateLimiter} over a {@link RateSchedule}: the GCRA word, waiting, rate changes and
 * counters.
 *
 * <h2>Design</h2>
 * The permits live in the current schedule (its essay has the algorithm, the proof of the bound
 * and the handling of clock jumps). This class holds a volatile reference to it, replaced only by
 * a rate change. A grant reads the clock once, reads the reference, and makes one CAS on the
 * schedule's word; a caller that finds the schedule sealed by a change follows its successor and
 * helps swing the reference, so no caller waits for a change to finish. Rate changes are
 * serialized among themselves by a lock that grants never touch.
 *
 * <h2>Waiting without reserving</h2>
 * A refusal comes with its shortfall: how long until the permits would be free. A caller allowed
 * to wait that long waits its turn, then parks for its shortfall and tries again like a new
 * caller; if the new shortfall no longer fits in what is left of {@code maxWait} (or of the
 * {@link Deadline} of an enclosing timeout, whichever ends first), it is refused at once. Taking a
 * reservation instead (moving the word into the future and sleeping until then) would need no
 * turns, but a waiter that times out or is interrupted could not give its slot back safely: later
 * reservations are already computed from it, and handing its time to a newcomer can put two
 * grants where the bound allows one. Here a caller that gives up has taken nothing.
 *
 * <p>Turns keep waiting cheap when many callers wait. Only the holder of a fair
 * {@link ReentrantLock}, the head, parks on the rate; the others queue on the lock in arrival
 * order, timed by what is left of their wait, and each is woken once, when its turn comes. Without
 * turns every waiter would wake for every permit (they all compute the same shortfall), which is
 * quadratic work under a crowd of virtual threads. Grants never touch the lock, so a caller
 * arriving while others wait may still take a permit first, as in an unfair bulkhead.
 *
 * <p>With the system time source the head parks with {@link LockSupport#parkNanos}. With any other
 * source it asks the source to unpark it ({@link TimeSource#schedule}), so a test clock decides
 * when waiters wake and no test has to sleep; callers queued for their turn then wait in real
 * time for at most what is left of their wait on that clock, and look at the clock again.
 * Waiters register in a set, so that a rate change can wake them to check the new rate, and so
 * that the stats can count them. Neither the lock nor parking holds a monitor, so virtual threads
 * unmount while they wait.
 *
 * <h2>Counters</h2>
 * Granted permits and rejections are counted in {@link LongAdder}s, striped under contention;
 * the available permits are derived from the word when a snapshot is taken.
 *
 * <h2>Memory ordering</h2>
 * The schedule reference is volatile. A successor is fully written before the seal makes it
 * reachable (see {@link RateSchedule}), and the reference only ever moves from a sealed schedule
 * to its successor (helpers CAS from the sealed one), so it never goes back to an older rate.
 * No wake-up of a waiter is lost to a rate change: a waiter registers in the set before it reads
 * the schedule for its next attempt, and a change publishes the new schedule before it walks the
 * set. So either the attempt sees the new rate, or the walk sees the waiter and unparks it; an
 * unpark that comes before the park makes the park return at once.
 */
public final class GcraRateLimiter implements RateLimiter {
    private static final VarHandle SCHEDULE;

    static {
        try {
            SCHEDULE = MethodHandles.lookup()
                    .findVarHandle(GcraRateLimiter.class, "schedule", RateSchedule.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The settings in force; replaced under the rateChange lock. */
    private volatile RateLimiterConfig config;
    private final String name;
    private final TimeSource clock;
    private final boolean systemClock;
    /** Read once per wait, on the slow path only; replaced by reconfigure. */
    private volatile long maxWaitNanos;
    private final boolean writableStackTrace;
    private final Listeners listeners;
    private final LongAdder granted = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final Set<Thread> waiters = ConcurrentHashMap.newKeySet();
    private final ReentrantLock rateChange = new ReentrantLock();
    /** Held by the one waiter that parks on the rate; fair, so waiters take turns in arrival order. */
    private final ReentrantLock turn = new ReentrantLock(true);
    private volatile RateSchedule schedule;

    /**
     * Creates the rate limiter with its bucket full.
     *
     * @param config validated settings
     */
    public GcraRateLimiter(RateLimiterConfig config) {
        this.config = config;
        this.name = config.name();
        this.clock = config.timeSource();
        this.systemClock = clock instanceof SystemTimeSource;
        this.maxWaitNanos = config.maxWait().toNanos();
        this.writableStackTrace = config.writableStackTrace();
        this.listeners = new Listeners(name, config.listeners());
        this.schedule = RateSchedule.full(
                config.permitsPerPeriod(), config.period(), config.burst(), clock.nanoTime());
    }

    /**
     * Checks a rate as the builder, the config and {@link #changeRate} do.
     *
     * @param permitsPerPeriod from 1, and at most one per nanosecond of the period
     * @param period a positive duration
     * @param burst from 1, with a full burst earned in at most about 146 years
     * @throws IllegalArgumentException naming the first bad setting, its value and what is allowed
     */
    public static void checkRate(int permitsPerPeriod, Duration period, int burst) {
        RateSchedule.check(permitsPerPeriod, period, burst);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public RateLimiterConfig config() {
        return config;
    }

    @Override
    public boolean tryAcquire() {
        return take(1) == RateSchedule.GRANTED;
    }

    @Override
    public boolean tryAcquire(int permits) {
        return take(Settings.atLeast("permits", permits, 1)) == RateSchedule.GRANTED;
    }

    @Override
    public void acquire() {
        acquirePermits(1);
    }

    @Override
    public void acquire(int permits) {
        acquirePermits(Settings.atLeast("permits", permits, 1));
    }

    @Override
    public <T> T call(Callable<? extends T> task) throws Exception {
        Objects.requireNonNull(task, "task");
        acquirePermits(1);
        return task.call();
    }

    @Override
    public void run(Runnable task) {
        Objects.requireNonNull(task, "task");
        acquirePermits(1);
        task.run();
    }

    @Override
    public void changeRate(int permitsPerPeriod, Duration period) {
        rateChange.lock();
        try {
            changeRateLocked(permitsPerPeriod, period, schedule.burst);
        } finally {
            rateChange.unlock();
        }
        wakeWaiters();
    }

    @Override
    public void changeRate(int permitsPerPeriod, Duration period, int burst) {
        rateChange.lock();
        try {
            changeRateLocked(permitsPerPeriod, period, burst);
        } finally {
            rateChange.unlock();
        }
        wakeWaiters();
    }

    @Override
    public void reconfigure(RateLimiterConfig newConfig) {
        Objects.requireNonNull(newConfig, "config must not be null");
        if (!newConfig.name().equals(name)) {
            throw new IllegalArgumentException("name cannot change on a running rate limiter: is '" + name
                    + "', was given '" + newConfig.name() + "'");
        }
        rateChange.lock();
        try {
            RateSchedule current = schedule;
            if (current.permitsPerPeriod != newConfig.permitsPerPeriod() || !current.period.equals(newConfig.period())
                    || current.burst != newConfig.burst()) {
                changeRateLocked(newConfig.permitsPerPeriod(), newConfig.period(), newConfig.burst());
            }
            maxWaitNanos = newConfig.maxWait().toNanos();
            RateLimiterConfig before = config;
            config = new RateLimiterConfig(name, newConfig.permitsPerPeriod(), newConfig.period(), newConfig.burst(),
                    newConfig.maxWait(), writableStackTrace, before.timeSource(), before.listeners());
        } finally {
            rateChange.unlock();
        }
        wakeWaiters(); // to check the new rate, and a shorter maxWait
    }

    /** Seals the current schedule into one at the new rate; the caller holds the lock. */
    private void changeRateLocked(int permitsPerPeriod, Duration period, int burst) {
        checkRate(permitsPerPeriod, period, burst);
        // Under the lock the current schedule is never sealed: only a change seals, and a change
        // publishes the successor before it lets go of the lock.
        RateSchedule current = schedule;
        SCHEDULE.setVolatile(this, current.sealInto(permitsPerPeriod, period, burst, clock));
    }

    @Override
    public long listenerFailures() {
        return listeners.failures();
    }

    @Override
    public RateLimiterStats stats() {
        RateSchedule current = schedule;
        int available;
        while ((available = current.available(clock)) < 0) {
            current = advance(current);
        }
        return new RateLimiterStats(name, current.permitsPerPeriod, current.period, current.burst,
                available, waiters.size(), granted.sum(), rejected.sum());
    }

    /**
     * Grants the permits if they are free now: one clock read and, on the current schedule, one CAS.
     *
     * @return {@link RateSchedule#GRANTED}, a shortfall in nanoseconds, or {@link RateSchedule#NEVER}
     */
    private long take(int permits) {
        long now = clock.nanoTime();
        RateSchedule current = schedule;
        for (;;) {
            long result = current.tryTake(permits, now, clock);
            if (result != RateSchedule.MOVED) {
                if (result == RateSchedule.GRANTED) {
                    granted.add(permits);
                }
                return result;
            }
            current = advance(current);
        }
    }

    /** How long until the permits would be free on the current schedule, taking nothing. */
    private long peekShortfall(int permits) {
        RateSchedule current = schedule;
        long shortfall;
        while ((shortfall = current.shortfall(permits, clock)) == RateSchedule.MOVED) {
            current = advance(current);
        }
        return shortfall;
    }

    /** The successor of a sealed schedule, made current if no one has done it yet. */
    private RateSchedule advance(RateSchedule sealed) {
        RateSchedule next = Objects.requireNonNull(sealed.successor(), "a sealed schedule has its successor");
        SCHEDULE.compareAndSet(this, sealed, next);
        return next;
    }

    private void acquirePermits(int permits) {
        long shortfall = take(permits);
        if (shortfall != RateSchedule.GRANTED) {
            awaitPermits(permits, shortfall);
        }
    }

    /** The slow path: waits while the shortfall fits in what is left of maxWait, or throws. */
    private void awaitPermits(int permits, long shortfall) {
        if (shortfall == RateSchedule.NEVER) {
            throw rejectOverBurst(permits);
        }
        // Never wait past the deadline of an enclosing timeout (read only on this slow path).
        long maxWait = maxWaitNanos;
        long allowed = maxWait == 0 ? 0 : Math.min(maxWait, Deadline.remainingNanos());
        if (shortfall > allowed) {
            throw reject(permits, 0, shortfall, false);
        }
        Thread waiter = Thread.currentThread();
        long start = clock.nanoTime();
        waiters.add(waiter);
        try {
            if (!awaitTurn(permits, start, allowed, shortfall)) {
                throw reject(permits, waitedSince(start), peekShortfall(permits), false);
            }
            try {
                for (;;) {
                    shortfall = take(permits);
                    if (shortfall == RateSchedule.GRANTED) {
                        return;
                    }
                    if (shortfall == RateSchedule.NEVER) {
                        throw rejectOverBurst(permits); // a rate change lowered the burst
                    }
                    long waited = waitedSince(start);
                    if (shortfall > allowed - waited) {
                        throw reject(permits, waited, shortfall, false);
                    }
                    park(waiter, shortfall);
                    if (Thread.interrupted()) {
                        waiter.interrupt();
                        throw reject(permits, waitedSince(start), shortfall, true);
                    }
                }
            } finally {
                turn.unlock();
            }
        } finally {
            waiters.remove(waiter);
        }
    }

    /**
     * Waits to be the head, the one waiter that parks on the rate.
     *
     * @return true once this thread holds the turn; false if its wait ran out first
     * @throws RateLimitExceededException if interrupted while waiting (the status is set again)
     */
    private boolean awaitTurn(int permits, long start, long allowed, long shortfall) {
        for (;;) {
            long left = allowed - waitedSince(start);
            if (left <= 0) {
                return false;
            }
            try {
                if (turn.tryLock(left, TimeUnit.NANOSECONDS)) {
                    return true;
                }
            } catch (InterruptedException interrupt) {
                Thread.currentThread().interrupt();
                throw reject(permits, waitedSince(start), shortfall, true);
            }
            if (systemClock) {
                return false; // the lock timed out on the very clock the wait is measured on
            }
        }
    }

    /** Parks for about the given time, or until unparked or interrupted; may return early. */
    private void park(Thread waiter, long nanos) {
        if (systemClock) {
            LockSupport.parkNanos(this, nanos);
            return;
        }
        Future<?> wakeUp = clock.schedule(() -> LockSupport.unpark(waiter), nanos);
        try {
            LockSupport.park(this);
        } finally {
            wakeUp.cancel(false);
        }
    }

    private long waitedSince(long start) {
        return Math.max(clock.nanoTime() - start, 0);
    }

    private void wakeWaiters() {
        for (Thread waiter : waiters) {
            LockSupport.unpark(waiter);
        }
    }

    private RateLimitExceededException reject(
            int permits, long waitedNanos, long retryAfterNanos, boolean interrupted) {
        RateSchedule current = schedule;
        return rejected(RateLimitExceededException.ofRateLimiter(name, permits, current.permitsPerPeriod,
                current.period, waitedNanos, maxWaitNanos, retryAfterNanos, interrupted, writableStackTrace));
    }

    private RateLimitExceededException rejectOverBurst(int permits) {
        RateSchedule current = schedule;
        return rejected(RateLimitExceededException.ofBurstExceeded(name, permits, current.permitsPerPeriod,
                current.period, current.burst, writableStackTrace));
    }

    private RateLimitExceededException rejected(RateLimitExceededException rejection) {
        rejected.increment();
        listeners.rejected(rejection);
        return rejection;
    }

    @Override
    public String toString() {
        return "RateLimiter[" + name + ", " + schedule + "]";
    }
}
