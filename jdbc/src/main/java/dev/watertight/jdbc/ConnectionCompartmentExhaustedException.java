package dev.watertight.jdbc;

import dev.watertight.BulkheadFullException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;

/**
 * A compartment had no connection for the caller within its acquire timeout: it holds its limit,
 * or the rest of the pool is in use or reserved by other compartments.
 *
 * <p>It is the {@link SQLTransientConnectionException} that callers of a {@code DataSource} already
 * handle (HikariCP throws the same type when its own pool times out). Its cause is the project's
 * rejection, a {@link BulkheadFullException} naming the same compartment, for code that handles
 * Watertight's rejections.
 *
 * <p>Thread-safe once thrown: its fields are final and its message is built from them when it is read.
 *
 * @serial exclude
 */
public final class ConnectionCompartmentExhaustedException extends SQLTransientConnectionException {
    private static final long serialVersionUID = 1L;

    private final String compartment;
    private final String pool;
    private final int limit;
    private final int inUse;
    private final long waitedNanos;

    ConnectionCompartmentExhaustedException(
            String compartment, String pool, boolean dedicated, int limit, int inUse, long waitedNanos,
            long acquireTimeoutNanos, boolean interrupted) {
        super(describe(compartment, pool, dedicated, limit, inUse, waitedNanos, acquireTimeoutNanos, interrupted), null, 0,
                BulkheadFullException.ofShare(compartment, inUse, limit, waitedNanos, acquireTimeoutNanos, interrupted, false));
        this.compartment = compartment;
        this.pool = pool;
        this.limit = limit;
        this.inUse = inUse;
        this.waitedNanos = waitedNanos;
    }

    private static String describe(String compartment, String pool, boolean dedicated, int limit, int inUse,
            long waitedNanos, long acquireTimeoutNanos, boolean interrupted) {
        // inUse is read when the caller gives up; units may have come back since it last looked.
        String why = inUse >= limit || dedicated
                ? "all " + limit + " connections of its limit are in use"
                : inUse + " of its limit " + limit + " are in use and pool '" + pool
                        + "' had no connection free for it (in use or reserved by other compartments)";
        String wait = interrupted
                ? "interrupted after waiting " + millis(waitedNanos)
                : acquireTimeoutNanos == 0 ? "refused without waiting (acquireTimeout 0)"
                : "waited " + millis(waitedNanos) + " (acquireTimeout " + millis(acquireTimeoutNanos) + ")";
        return "connection compartment '" + compartment + "' is exhausted: " + why + "; " + wait;
    }

    private static String millis(long nanos) {
        return Duration.ofNanos(nanos).toMillis() + " ms";
    }

    /** {@return the compartment that had no connection} */
    public String compartment() {
        return compartment;
    }

    /** {@return the pool the compartment takes its connections from} */
    public String pool() {
        return pool;
    }

    /** {@return the compartment's limit (its ceiling)} */
    public int limit() {
        return limit;
    }

    /** {@return connections the compartment held when the caller was refused} */
    public int inUse() {
        return inUse;
    }

    /** {@return how long the caller waited before it was refused} */
    public Duration waited() {
        return Duration.ofNanos(waitedNanos);
    }
}
