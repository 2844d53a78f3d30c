package dev.watertight.jdbc;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * A compartment had quota for the caller, but its pool could not give a connection: the database
 * is down or unreachable, or the pool's own timeout ran out. The driver's or pool's exception is
 * the cause, and its SQLState and vendor code are kept, so code that reads them (class 08 is a
 * connection exception) keeps working.
 *
 * <p>Thread-safe once thrown: its fields are final and its message is built from them when it is read.
 *
 * @serial exclude
 */
public final class ConnectionCompartmentUnavailableException extends SQLTransientConnectionException {
    private static final long serialVersionUID = 1L;

    private final String compartment;
    private final String pool;

    ConnectionCompartmentUnavailableException(String compartment, String pool, Throwable cause) {
        super("connection compartment '" + compartment + "' could not get a connection from pool '" + pool + "': "
                + (cause.getMessage() == null ? cause.toString() : cause.getMessage()),
                cause instanceof SQLException sql ? sql.getSQLState() : "08001",
                cause instanceof SQLException sql ? sql.getErrorCode() : 0,
                cause);
        this.compartment = compartment;
        this.pool = pool;
    }

    /** {@return the compartment whose caller got no connection} */
    public String compartment() {
        return compartment;
    }

    /** {@return the pool that failed to give one} */
    public String pool() {
        return pool;
    }
}
