package dev.watertight;

/**
 * A {@link ThreadPoolBulkhead} in JMX: its stats, and an operation to resize it. Registered by
 * {@link WatertightJmx}.
 *
 * <p>Implementations are thread-safe: the JMX agent calls them from any thread.
 */
public interface ThreadPoolBulkheadMXBean {
    /** {@return the pool's threads} */
    int getThreads();

    /** {@return threads running a task now} */
    int getActiveThreads();

    /** {@return tasks waiting in the queue now} */
    int getQueued();

    /** {@return the queue's bound} */
    int getQueueCapacity();

    /** {@return tasks admitted since it was built} */
    long getSubmitted();

    /** {@return tasks that returned} */
    long getSucceeded();

    /** {@return tasks that threw} */
    long getFailed();

    /** {@return tasks refused} */
    long getRejected();

    /** {@return tasks that ran past their timeout} */
    long getTimedOut();

    /** {@return tasks cancelled} */
    long getCancelled();

    /**
     * Changes the limits in place, as {@link ThreadPoolBulkhead#resize(int, int)} does.
     *
     * @param threads how many tasks may run at once
     * @param queueCapacity how many may wait
     */
    void resize(int threads, int queueCapacity);
}
