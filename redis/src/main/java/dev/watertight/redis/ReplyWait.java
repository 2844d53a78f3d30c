package dev.watertight.redis;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How a caller waits for a reply from Redis: when few callers are waiting, it watches the reply
 * for a short while before it parks.
 *
 * <p>On loopback or within a rack a script's reply arrives in 20 to 50 µs, while parking the
 * caller and having Lettuce's event loop unpark it costs as much again on a virtual machine
 * (measured on the 2-vCPU CI machine: a {@code PING} answered in 67 µs with parking, 20 µs when
 * the caller watched for it). A caller therefore spins, with {@link Thread#onSpinWait()}, for up
 * to the configured {@code replySpin}, and parks only if the reply is later than that.
 *
 * <p>Spinning occupies a processor that the event loop and Redis itself may need, and it pays
 * only when a caller would otherwise sleep alone: when many callers wait, their round trips
 * overlap and the event loop is busy anyway. So a caller spins only while no more callers wait
 * for replies, across every compartment of the JVM, than half the machine's processors (at
 * least one); the others park at once. The count costs one atomic increment and one decrement
 * per round trip, small next to the round trip.
 */
final class ReplyWait {
    private ReplyWait() {}

    /** Callers that may spin: while at most this many wait for replies, JVM-wide, they spin. */
    static final int MAX_SPINNERS = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);

    private static final AtomicInteger WAITING = new AtomicInteger();

    /**
     * Waits for the reply up to {@code timeoutNanos}, spinning first for up to {@code spinNanos}
     * if few callers are waiting.
     */
    static <T> T get(Future<T> reply, long spinNanos, long timeoutNanos)
            throws InterruptedException, ExecutionException, TimeoutException {
        int waiting = WAITING.incrementAndGet();
        try {
            if (waiting <= MAX_SPINNERS && spinNanos > 0) {
                long start = System.nanoTime();
                while (!reply.isDone() && System.nanoTime() - start < spinNanos) {
                    Thread.onSpinWait();
                }
            }
            return reply.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } finally {
            WAITING.decrementAndGet();
        }
    }
}
