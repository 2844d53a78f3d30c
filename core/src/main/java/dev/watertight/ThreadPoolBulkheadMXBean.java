package dev.watertight;

/**
 * A {@link ThreadPoolBulkhead} in JMX: its stats, and an operation to resize it. Registered by
 * {@link WatertightJmx}.
 */
public interface ThreadPoolBulkheadMXBean {
    /** The pool's threads. */
    int getThreads();

    /** Threads running a task now. */
    int getActiveThreads();

    /** Tasks waiting in the queue now. */
    int getQueued();

    /** The queue's bound. */
    int getQueueCapacity();

    /** Tasks admitted since it was built. */
    long getSubmitted();

    /** Tasks that returned. */
    long getSucceeded();

    /** Tasks that threw. */
    long getFailed();

    /** Tasks refused. */
    long getRejected();

    /** Tasks that ran past their timeout. */
    long getTimedOut();

    /** Tasks cancelled. */
    long getCancelled();

    /**
     * Changes the limits in place, as {@link ThreadPoolBulkhead#resize(int, int)} does.
     *
     * @param threads how many tasks may run at once
     * @param queueCapacity how many may wait
     */
    void resize(int threads, int queueCapacity);
}
