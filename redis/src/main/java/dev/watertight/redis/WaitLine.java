package dev.watertight.redis;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The callers of one process waiting for a cluster-wide permit, in arrival order.
 *
 * <p>Only the head of the line asks Redis again, and only when something happened: a release was
 * announced ({@link #signal()}, which bumps {@code signals} and unparks the head), its poll timer
 * ran out, or the lease that expires first should have expired. The others park until they
 * become the head (whoever leaves the head position unparks the next one). So while nothing is
 * released, waiting costs no round trip, and one release costs each process at most one.
 *
 * <p>A waiter reads {@link #signals()} before each attempt; if it changed by the time the attempt
 * failed, a release raced with it and the waiter tries again instead of parking, so no
 * announcement is lost between the reply and the park. Unparking a thread that has not parked
 * yet makes its next park return at once (the permit semantics of {@link LockSupport}).
 */
final class WaitLine {
    private final ConcurrentLinkedQueue<Thread> line = new ConcurrentLinkedQueue<>();
    private final AtomicLong signals = new AtomicLong();

    void join(Thread waiter) {
        line.add(waiter);
    }

    void leave(Thread waiter) {
        line.remove(waiter);
        // Wake the head as it is after the removal, whoever it is: deciding "was I the head?" before
        // removing would miss a head that a concurrent leaver woke on its way out.
        wakeHead();
    }

    boolean isHead(Thread waiter) {
        return line.peek() == waiter;
    }

    long signals() {
        return signals.get();
    }

    /** A release was announced: the head may try. */
    void signal() {
        signals.incrementAndGet();
        wakeHead();
    }

    /** Redis went away or came back: every waiter re-checks. */
    void wakeAll() {
        signals.incrementAndGet();
        for (Thread waiter : line) {
            LockSupport.unpark(waiter);
        }
    }

    private void wakeHead() {
        Thread head = line.peek();
        if (head != null) {
            LockSupport.unpark(head);
        }
    }
}
