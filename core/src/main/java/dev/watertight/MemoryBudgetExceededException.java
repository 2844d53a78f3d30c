package dev.watertight;

import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A memory reservation refused because the compartment's budget, or a parent's, had no room. The
 * message names the compartment, the bytes asked for, what was held and what is allowed, for
 * example {@code MemoryBulkhead 'user-cache' refused 4.0 MiB (4194304 bytes): it holds 98.0 MiB
 * of its budget 100.0 MiB}.
 *
 * <p>Thread-safe once thrown: its fields are final and its message is built from them when it is read.
 *
 * @serial exclude
 */
public final class MemoryBudgetExceededException extends CompartmentRejectedException {
    private static final long serialVersionUID = 1L;

    private final long requested;
    private final long held;
    private final long budget;
    private final boolean largerThanBudget;
    private final @Nullable String fullParent;
    private final long parentHeld;
    private final long parentBudget;
    private final long waitedNanos;
    private final long maxWaitNanos;
    private final boolean interrupted;

    MemoryBudgetExceededException(String compartment, long requested, long held, long budget, boolean largerThanBudget,
            @Nullable String fullParent,
            long parentHeld, long parentBudget, long waitedNanos, long maxWaitNanos, boolean interrupted,
            boolean captureStackTrace) {
        super(compartment, captureStackTrace);
        this.requested = requested;
        this.held = held;
        this.budget = budget;
        this.largerThanBudget = largerThanBudget;
        this.fullParent = fullParent;
        this.parentHeld = parentHeld;
        this.parentBudget = parentBudget;
        this.waitedNanos = waitedNanos;
        this.maxWaitNanos = maxWaitNanos;
        this.interrupted = interrupted;
    }

    /** {@return the bytes asked for} */
    public long requested() {
        return requested;
    }

    /** {@return the bytes the compartment held when refused} */
    public long held() {
        return held;
    }

    /** {@return the compartment's budget} */
    public long budget() {
        return budget;
    }

    /** {@return the parent whose budget had no room, or null if it was the compartment's own} */
    public @Nullable String fullParent() {
        return fullParent;
    }

    /** {@return whether the caller was interrupted while it waited (its interrupt status is set again)} */
    public boolean interrupted() {
        return interrupted;
    }

    @Override
    protected String describe() {
        StringBuilder message = new StringBuilder("MemoryBulkhead '").append(compartment()).append("' refused ")
                .append(bytesExactly(requested)).append(": ");
        if (largerThanBudget) {
            message.append("more than its whole budget ").append(bytes(budget));
        } else if (fullParent == null) {
            message.append("it holds ").append(bytes(held)).append(" of its budget ").append(bytes(budget));
        } else {
            message.append("its parent '").append(fullParent).append("' holds ").append(bytes(parentHeld))
                    .append(" of its budget ").append(bytes(parentBudget)).append(" (it holds ").append(bytes(held))
                    .append(" of its own ").append(bytes(budget)).append(')');
        }
        if (interrupted) {
            message.append("; interrupted while waiting");
        } else if (maxWaitNanos > 0 && !largerThanBudget) {
            message.append("; waited ").append(Duration.ofNanos(waitedNanos).toMillis()).append(" ms (maxWait ")
                    .append(Duration.ofNanos(maxWaitNanos).toMillis()).append(" ms)");
        }
        return message.toString();
    }

    /**
     * A size for people with the exact count beside it when rounding could hide a difference:
     * {@code 2.0 KiB (2049 bytes)}, but {@code 1000 B}.
     */
    static String bytesExactly(long bytes) {
        return bytes < 1024 ? bytes(bytes) : bytes(bytes) + " (" + bytes + " bytes)";
    }

    /** A size for people: bytes, KiB, MiB, GiB or TiB with one decimal. */
    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
