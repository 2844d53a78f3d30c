package dev.watertight.demo;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the requests being served, so that shutdown can stop admitting and then wait for the
 * ones admitted before it.
 *
 * <p>A request {@link #enter() enters} by incrementing the count and only then reading the closing
 * flag; {@link #close} sets the flag and only then reads the count. Both are sequentially
 * consistent (an atomic and a volatile), so either the request saw the flag and leaves at once, or
 * the count it added is seen by {@code close}, which then waits for it. The latch is opened by
 * whoever brings the count to zero after the flag is set (or by {@code close} if it is zero
 * already); a request refused after that adds and removes a count without doing any work, and
 * opening the latch again is harmless. Thread-safe.
 */
final class InFlight {
    private final AtomicInteger count = new AtomicInteger();
    private final CountDownLatch drained = new CountDownLatch(1);
    private volatile boolean closing;

    /** Admits a request, or refuses it (false) once closing has begun; admitted ones must {@link #exit()}. */
    boolean enter() {
        count.incrementAndGet();
        if (closing) {
            exit();
            return false;
        }
        return true;
    }

    void exit() {
        if (count.decrementAndGet() == 0 && closing) {
            drained.countDown();
        }
    }

    /** The requests admitted and not yet answered (for tests and monitoring). */
    int count() {
        return count.get();
    }

    boolean closing() {
        return closing;
    }

    /** Refuses new requests from now on. */
    void close() {
        closing = true;
        if (count.get() == 0) {
            drained.countDown();
        }
    }

    /** Waits until every admitted request has left, for at most {@code limit}; true if they did. */
    boolean awaitDrained(Duration limit) throws InterruptedException {
        return drained.await(limit.toNanos(), TimeUnit.NANOSECONDS);
    }
}
