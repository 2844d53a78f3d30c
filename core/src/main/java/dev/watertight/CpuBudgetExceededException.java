package dev.watertight;

import java.time.Duration;
import java.util.Locale;

/**
 * A call refused because its compartment used more CPU than its {@link CpuBudget} allows, for
 * example {@code CpuBudget 'reporting' is over its 0.5 cores: its CPU use runs 230 ms ahead of
 * the rate beyond its window of 1000 ms; refused without waiting}.
 *
 * <p>Thread-safe once thrown: its fields are final and its message is built from them when it is read.
 *
 * @serial exclude
 */
public final class CpuBudgetExceededException extends CompartmentRejectedException {
    private static final long serialVersionUID = 1L;

    private final double cores;
    private final long windowNanos;
    private final long aheadNanos;
    private final long waitedNanos;
    private final long maxWaitNanos;
    private final boolean interrupted;

    CpuBudgetExceededException(String compartment, double cores, long windowNanos, long aheadNanos, long waitedNanos,
            long maxWaitNanos, boolean interrupted, boolean captureStackTrace) {
        super(compartment, captureStackTrace);
        this.cores = cores;
        this.windowNanos = windowNanos;
        this.aheadNanos = aheadNanos;
        this.waitedNanos = waitedNanos;
        this.maxWaitNanos = maxWaitNanos;
        this.interrupted = interrupted;
    }

    /** {@return how long the compartment would have had to wait to be within its budget again} */
    public Duration ahead() {
        return Duration.ofNanos(aheadNanos);
    }

    /** {@return whether the caller was interrupted while it waited (its interrupt status is set again)} */
    public boolean interrupted() {
        return interrupted;
    }

    @Override
    protected String describe() {
        String wait = interrupted ? "interrupted while waiting"
                : maxWaitNanos == 0 ? "refused without waiting"
                : waitedNanos == 0 ? "refused without waiting: getting back within it would take longer than maxWait "
                        + millis(maxWaitNanos) + " (or the deadline of an enclosing timeout)"
                : "waited " + millis(waitedNanos) + " (maxWait " + millis(maxWaitNanos) + ")";
        return String.format(Locale.ROOT, "CpuBudget '%s' is over its %s cores: its CPU use runs %s ahead of the rate "
                + "beyond its window of %s; %s", compartment(), trim(cores), millis(aheadNanos), millis(windowNanos), wait);
    }

    private static String millis(long nanos) {
        return Duration.ofNanos(nanos).toMillis() + " ms";
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
