package dev.watertight.internal;

import java.lang.management.ManagementFactory;

/**
 * The JVM's counters of the current thread: CPU time and bytes allocated. Both answer -1 on a
 * virtual thread, for which the JVM keeps no such counters.
 */
public final class ThreadCounters {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private ThreadCounters() {
    }

    /** CPU time of the current thread in nanoseconds, or -1. */
    public static long cpuNanos() {
        return THREADS.getCurrentThreadCpuTime();
    }

    /** Bytes allocated by the current thread so far, or -1. */
    public static long allocatedBytes() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /**
     * Makes sure CPU time can be read, turning its measurement on if the JVM allows.
     *
     * @param who the compartment that needs it, for the message
     * @throws UnsupportedOperationException if this JVM cannot measure it
     */
    public static void requireCpu(String who) {
        if (!THREADS.isCurrentThreadCpuTimeSupported()) {
            throw new UnsupportedOperationException("'" + who + "' needs the CPU time of threads, which this JVM cannot measure");
        }
        if (!THREADS.isThreadCpuTimeEnabled()) {
            THREADS.setThreadCpuTimeEnabled(true);
        }
    }

    /**
     * Makes sure allocated bytes can be read, turning their measurement on if the JVM allows.
     *
     * @param who the compartment that needs it, for the message
     * @throws UnsupportedOperationException if this JVM cannot measure them
     */
    public static void requireAllocation(String who) {
        if (!THREADS.isThreadAllocatedMemorySupported()) {
            throw new UnsupportedOperationException("'" + who + "' needs the bytes allocated by threads, which this JVM cannot measure");
        }
        if (!THREADS.isThreadAllocatedMemoryEnabled()) {
            THREADS.setThreadAllocatedMemoryEnabled(true);
        }
    }
}
