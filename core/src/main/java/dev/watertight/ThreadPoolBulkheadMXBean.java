package dev.watertight;

/** A {@link ThreadPoolBulkhead} in JMX: its stats. Registered by {@link WatertightJmx}. */
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
}
