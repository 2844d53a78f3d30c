package dev.watertight.jdbc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.ShardingKey;
import java.sql.Statement;
import java.sql.Struct;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * The connection a {@link ConnectionCompartment} hands out: the physical connection, plus the
 * compartment's quota, which it gives back exactly once.
 *
 * <p>The first of {@link #close()}, {@link #abort(Executor)} or a forced reclaim wins a CAS on
 * {@code state}; only the winner closes the physical connection and releases the quota. So a
 * double close, a close from another thread racing the owner's, and a close after the physical
 * connection died all release exactly one unit, and none of them throws. After that, the
 * connection's methods fail with SQLState 08003, as a closed connection's do (not counted as a
 * connection failure: it is the caller's mistake); {@code isClosed} answers true and
 * {@code isValid} false. Statements made before keep the physical statement's own behaviour.
 *
 * <p>Every {@link SQLException} passing through (here, or in a statement, result set or metadata
 * it made, see {@link JdbcObserver}) is shown to the compartment, which counts a connection failure at
 * most once per borrowed connection and leaves application errors alone. Exceptions are rethrown
 * untouched.
 */
final class CompartmentConnection implements Connection {
    private static final int OPEN = 0;
    private static final int CLOSED = 1;
    private static final int RECLAIMED = 2;
    private static final VarHandle STATE;
    private static final VarHandle BROKEN;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(CompartmentConnection.class, "state", int.class);
            BROKEN = lookup.findVarHandle(CompartmentConnection.class, "broken", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ConnectionCompartment compartment;
    private final Connection physical;
    private volatile int state; // OPEN; no initializer, which would cost a volatile store per borrow
    private volatile boolean broken;
    /** Set by leak detection only; read when the connection goes back. */
    private volatile @Nullable ScheduledFuture<?> leakCheck;

    CompartmentConnection(ConnectionCompartment compartment, Connection physical) {
        this.compartment = compartment;
        this.physical = physical;
    }

    void watchForLeak(ScheduledFuture<?> check) {
        leakCheck = check;
        if (state != OPEN) {
            check.cancel(false); // closed before the check was set: it must not fire
        }
    }

    @Nullable ScheduledFuture<?> leakCheck() {
        return leakCheck;
    }

    boolean isOpen() {
        return state == OPEN;
    }

    /**
     * Takes the connection away from a holder that kept it past the leak threshold: aborts the
     * physical connection (so the database stops its work and the pool discards it), closes it and
     * gives the quota back.
     *
     * @return whether it was taken; false if the holder closed it first
     */
    boolean reclaim(Executor inline) {
        if (!STATE.compareAndSet(this, OPEN, RECLAIMED)) {
            return false;
        }
        try {
            physical.abort(inline);
        } catch (Throwable ignored) {
            // a driver without abort, or one that fails: the connection is thrown away all the same
        } finally {
            closeAndReturn();
        }
        return true;
    }

    /** Closes the physical connection whatever happens, then gives the quota back. */
    private void closeAndReturn() {
        try {
            physical.close();
        } catch (Throwable e) {
            markBroken();
            compartment.discard(physical);
        } finally {
            compartment.returned(this);
        }
    }

    /** Shows a failure to the compartment; returns it for rethrowing. */
    private SQLException observed(SQLException failure) {
        observe(failure);
        return failure;
    }

    /** Counts a connection failure once per borrowed connection; application errors are not counted. */
    void observe(SQLException failure) {
        if (!broken && ConnectionFailures.isConnectionFailure(failure)) {
            markBroken();
        }
    }

    private void markBroken() {
        if (BROKEN.compareAndSet(this, false, true)) {
            compartment.connectionBroke();
        }
    }

    /** The physical connection, or a 08003 failure if this one is closed (not counted: it is the caller's error). */
    private Connection open() throws SQLException {
        if (state != OPEN) {
            throw new SQLException(state == RECLAIMED
                    ? "this connection of compartment '" + compartment.name() + "' was reclaimed: it was held longer than "
                            + "the leak threshold " + compartment.leakThresholdText()
                    : "this connection of compartment '" + compartment.name() + "' is closed", "08003");
        }
        return physical;
    }

    /**
     * Closes the physical connection (returning it to its pool) and gives the quota back. Never
     * throws: a physical connection that fails to close is broken, so the failure is counted as a
     * connection error, and the pool is asked to discard it (HikariCP's {@code evictConnection}).
     */
    @Override
    public void close() {
        if (STATE.compareAndSet(this, OPEN, CLOSED)) {
            closeAndReturn(); // only the first close, by this holder, another thread or a reclaim
        }
    }

    /**
     * Aborts the physical connection through the executor, then closes it (returning it to its
     * pool, which discards it) and gives the quota back, also through the executor, so the caller
     * never blocks on a stuck connection.
     */
    @Override
    public void abort(Executor executor) throws SQLException {
        if (executor == null) {
            throw new SQLException("abort needs an executor, was null");
        }
        if (!STATE.compareAndSet(this, OPEN, CLOSED)) {
            return;
        }
        try {
            physical.abort(executor);
        } catch (Throwable e) {
            closeAndReturn();
            throw e instanceof SQLException sql ? observed(sql) : new SQLException("abort failed", "08003", e);
        }
        try {
            executor.execute(this::closeAndReturn);
        } catch (RuntimeException rejected) {
            closeAndReturn();
        }
    }

    /**
     * Whether this handle is closed (by {@code close}, {@code abort} or a reclaim). Like a pool's
     * own handles, it does not ask the physical connection: a handle whose connection died is
     * still open until it is closed, so that closing it gives the quota back.
     */
    @Override
    public boolean isClosed() {
        return state != OPEN;
    }

    @Override
    public boolean isValid(int timeoutSeconds) throws SQLException {
        if (state != OPEN) {
            return false;
        }
        try {
            return physical.isValid(timeoutSeconds);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        Connection open = openForClientInfo();
        try {
            open.setClientInfo(name, value);
        } catch (SQLClientInfoException e) {
            throw (SQLClientInfoException) observed(e);
        }
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        Connection open = openForClientInfo();
        try {
            open.setClientInfo(properties);
        } catch (SQLClientInfoException e) {
            throw (SQLClientInfoException) observed(e);
        }
    }

    private Connection openForClientInfo() throws SQLClientInfoException {
        try {
            return open();
        } catch (SQLException closed) {
            throw new SQLClientInfoException(closed.getMessage(), closed.getSQLState(), 0, Map.of(), closed);
        }
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : open().unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || open().isWrapperFor(iface);
    }

    @Override
    public String toString() {
        return "connection of compartment '" + compartment.name() + "'" + (state == OPEN ? "" : " (closed)") + ": " + physical;
    }

    // ---- plain delegation: each call goes to the physical connection, failures are observed ----

    @Override
    public Statement createStatement() throws SQLException {
        Connection open = open();
        try {
            return JdbcObserver.wrap(Statement.class, open.createStatement(), this, null);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        Connection open = open();
        try {
            return JdbcObserver.wrap(PreparedStatement.class, open.prepareStatement(sql), this, null);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        Connection open = open();
        try {
            return JdbcObserver.wrap(CallableStatement.class, open.prepareCall(sql), this, null);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public String nativeSQL(String sql) throws SQLException {
        Connection open = open();
        try {
            return open.nativeSQL(sql);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        Connection open = open();
        try {
            open.setAutoCommit(autoCommit);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        Connection open = open();
        try {
            return open.getAutoCommit();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void commit() throws SQLException {
        Connection open = open();
        try {
            open.commit();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void rollback() throws SQLException {
        Connection open = open();
        try {
            open.rollback();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        Connection open = open();
        try {
            return JdbcObserver.wrap(DatabaseMetaData.class, open.getMetaData(), this, null);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        Connection open = open();
        try {
            open.setReadOnly(readOnly);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        Connection open = open();
        try {
            return open.isReadOnly();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void setCatalog(String catalog) throws SQLException {
        Connection open = open();
        try {
            open.setCatalog(catalog);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public String getCatalog() throws SQLException {
        Connection open = open();
        try {
            return open.getCatalog();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        Connection open = open();
        try {
            open.setTransactionIsolation(level);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        Connection open = open();
        try {
            return open.getTransactionIsolation();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        Connection open = open();
        try {
            return open.getWarnings();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void clearWarnings() throws SQLException {
        Connection open = open();
        try {
            open.clearWarnings();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
        Connection open = open();
        try {
            return JdbcObserver.wrap(Statement.class, open.createStatement(resultSetType, resultSetConcurrency), this, null);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        Connection open = open();
        try {
            return JdbcObserver.wrap(PreparedStatement.class, open.prepareStatement(sql, resultSetType, resultSetConcurrency), this, null);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        Connection open = open();
        try {
            return JdbcObserver.wrap(CallableStatement.class, open.prepareCall(sql, resultSetType, resultSetConcurrency), this, null);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        Connection open = open();
        try {
            return open.getTypeMap();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        Connection open = open();
        try {
            open.setTypeMap(map);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        Connection open = open();
        try {
            open.setHoldability(holdability);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public int getHoldability() throws SQLException {
        Connection open = open();
        try {
            return open.getHoldability();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        Connection open = open();
        try {
            return open.setSavepoint();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        Connection open = open();
        try {
            return open.setSavepoint(name);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        Connection open = open();
        try {
            open.rollback(savepoint);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        Connection open = open();
        try {
            open.releaseSavepoint(savepoint);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        Connection open = open();
        try {
            return JdbcObserver.wrap(Statement.class, open.createStatement(resultSetType, resultSetConcurrency, resultSetHoldability), this, null);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        Connection open = open();
        try {
            return JdbcObserver.wrap(PreparedStatement.class, open.prepareStatement(sql, resultSetType, resultSetConcurrency, resultSetHoldability), this, null);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        Connection open = open();
        try {
            return JdbcObserver.wrap(CallableStatement.class, open.prepareCall(sql, resultSetType, resultSetConcurrency, resultSetHoldability), this, null);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        Connection open = open();
        try {
            return JdbcObserver.wrap(PreparedStatement.class, open.prepareStatement(sql, autoGeneratedKeys), this, null);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        Connection open = open();
        try {
            return JdbcObserver.wrap(PreparedStatement.class, open.prepareStatement(sql, columnIndexes), this, null);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        Connection open = open();
        try {
            return JdbcObserver.wrap(PreparedStatement.class, open.prepareStatement(sql, columnNames), this, null);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public Clob createClob() throws SQLException {
        Connection open = open();
        try {
            return open.createClob();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public Blob createBlob() throws SQLException {
        Connection open = open();
        try {
            return open.createBlob();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public NClob createNClob() throws SQLException {
        Connection open = open();
        try {
            return open.createNClob();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        Connection open = open();
        try {
            return open.createSQLXML();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
        Connection open = open();
        try {
            return open.getClientInfo(name);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        Connection open = open();
        try {
            return open.getClientInfo();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        Connection open = open();
        try {
            return open.createArrayOf(typeName, elements);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public Struct createStruct(String typeName, Object[] elements) throws SQLException {
        Connection open = open();
        try {
            return open.createStruct(typeName, elements);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        Connection open = open();
        try {
            open.setSchema(schema);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public String getSchema() throws SQLException {
        Connection open = open();
        try {
            return open.getSchema();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        Connection open = open();
        try {
            open.setNetworkTimeout(executor, milliseconds);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        Connection open = open();
        try {
            return open.getNetworkTimeout();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void beginRequest() throws SQLException {
        Connection open = open();
        try {
            open.beginRequest();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void endRequest() throws SQLException {
        Connection open = open();
        try {
            open.endRequest();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public boolean setShardingKeyIfValid(ShardingKey shardingKey, ShardingKey superShardingKey, int timeout) throws SQLException {
        Connection open = open();
        try {
            return open.setShardingKeyIfValid(shardingKey, superShardingKey, timeout);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public boolean setShardingKeyIfValid(ShardingKey shardingKey, int timeout) throws SQLException {
        Connection open = open();
        try {
            return open.setShardingKeyIfValid(shardingKey, timeout);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void setShardingKey(ShardingKey shardingKey, ShardingKey superShardingKey) throws SQLException {
        Connection open = open();
        try {
            open.setShardingKey(shardingKey, superShardingKey);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void setShardingKey(ShardingKey shardingKey) throws SQLException {
        Connection open = open();
        try {
            open.setShardingKey(shardingKey);
        } catch (SQLException e) {
            throw observed(e);
        }
    }
}
