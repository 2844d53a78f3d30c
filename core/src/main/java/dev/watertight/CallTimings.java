package dev.watertight;

/**
 * Hears how long each call waited to be admitted and how long it ran, from a {@link Bulkhead} or
 * a {@link ThreadPoolBulkhead} that was asked to measure with {@code recordTimings}. Guards read no
 * clock for this unless timings are attached: measuring is opt-in.
 *
 * <pre>{@code
 * CallTimings.Recording recording = payments.recordTimings(new CallTimings() {
 *     public void waited(long nanos) { waits.record(nanos); }
 *     public void ran(long nanos) { runs.record(nanos); }
 * });
 * // ... later, to stop measuring:
 * recording.close();
 * }</pre>
 *
 * <p>Each admitted call that starts is reported exactly once to each method: first
 * {@link #waited}, when it is admitted, then {@link #ran}, when its work has ended (whether it
 * returned or threw). A refused call is not reported, nor is a queued task that never started
 * (cancelled, or dropped at close).
 *
 * <p>Methods are called on the caller's or the worker's thread, right on the call path, without a
 * lock: implementations must be thread-safe and quick. One that throws cannot break the guard:
 * the exception, even an {@link Error}, is caught and counted in the guard's
 * {@code listenerFailures()}.
 */
public interface CallTimings {

    /**
     * A call was admitted after waiting this long: a {@link Bulkhead} caller for a permit (0,
     * without reading the clock, when one was free at once), a {@link ThreadPoolBulkhead} task
     * from its admission until a worker started it (its time in the queue, hand-off included).
     *
     * @param nanos the wait in nanoseconds, at least 0
     */
    void waited(long nanos);

    /**
     * A call's work has ended after running this long: a {@link Bulkhead}'s {@code call} or
     * {@code run} until the task returned or threw, its {@code callAsync} until the supplied stage
     * completed, a permit from {@code acquire} or {@code tryAcquire} until it was closed; a
     * {@link ThreadPoolBulkhead}'s task until its code returned (after its timeout, if it ran over).
     *
     * @param nanos the running time in nanoseconds, at least 0 with a monotonic clock
     */
    void ran(long nanos);

    /**
     * Timings attached to a guard. Closing detaches them: calls that start afterwards are no
     * longer reported to them (calls already in flight may still be). Closing again does nothing.
     *
     * <p>Thread-safe.
     */
    interface Recording extends AutoCloseable {

        /** Detaches the timings, once; later calls do nothing. */
        @Override
        void close();
    }
}
