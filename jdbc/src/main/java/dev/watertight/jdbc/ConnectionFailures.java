package dev.watertight.jdbc;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;

/**
 * Tells a failure of the connection (the database went away, the socket broke) from an error of
 * the application's SQL (a constraint, a syntax error, a deadlock), which says nothing about the
 * connection and must not be counted against it.
 */
final class ConnectionFailures {
    /** How far to follow causes and chained exceptions; drivers rarely nest deeper. */
    private static final int MAX_DEPTH = 8;

    private ConnectionFailures() {
    }

    /**
     * Whether a failure means the connection is broken or could not be made.
     *
     * <p>Yes for SQLState class 08 (connection exception, the standard's own class); PostgreSQL's
     * 57P01–57P03 (the server shut the backend down, as {@code pg_terminate_backend} does); the
     * JDBC types for connection failures; and any failure caused by an {@link IOException} (a
     * broken socket).
     *
     * @param failure what a driver threw
     * @return whether it is a connection failure
     */
    static boolean isConnectionFailure(SQLException failure) {
        Throwable current = failure;
        for (int depth = 0; current != null && depth < MAX_DEPTH; depth++) {
            if (current instanceof IOException) {
                return true;
            }
            if (current instanceof SQLException sql) {
                if (sql instanceof SQLNonTransientConnectionException
                        || sql instanceof SQLTransientConnectionException
                        || sql instanceof SQLRecoverableException
                        || isConnectionState(sql.getSQLState())) {
                    return true;
                }
                SQLException next = sql.getNextException();
                if (next != null && next != sql && isConnectionFailureShallow(next)) {
                    return true;
                }
            }
            current = current.getCause() == current ? null : current.getCause();
        }
        return false;
    }

    private static boolean isConnectionFailureShallow(SQLException failure) {
        return failure instanceof SQLNonTransientConnectionException
                || failure instanceof SQLTransientConnectionException
                || failure instanceof SQLRecoverableException
                || isConnectionState(failure.getSQLState())
                || failure.getCause() instanceof IOException;
    }

    private static boolean isConnectionState(String state) {
        if (state == null || state.length() < 2) {
            return false;
        }
        return state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03");
    }
}
