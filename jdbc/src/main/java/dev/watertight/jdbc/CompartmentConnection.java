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

/**
 * The connection a {@link ConnectionCompartment} hands out: the physical connection, plus the
 * compartment's quota, which it gives back exactly once.
 *
 * <p>The first of {@link #close()}, {@link #abort(Executor)} or a forced reclaim wins a CAS on
 * {@code state}; only the winner closes the physical connection and releases the quota. So a
 * double close, a close from another thread racing the owner's, and a close after the physical
 * connection died all release exactly one unit, and none of them throws. After that, every method but {@code close},
 * {@code isClosed} and {@code isValid} fails with SQLState 08003, as a closed connection does.
 *
 * <p>Every {@link SQLException} passing through (here or in a statement, see
 * {@link StatementObserver}) is shown to the compartment, which counts a connection failure at
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
    private volatile int state = OPEN;
    private volatile boolean broken;
    /** Set by leak detection only; read when the connection goes back. */
    private volatile ScheduledFuture<?> leakCheck;

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

    ScheduledFuture<?> leakCheck() {
        return leakCheck;
    }

    boolean isOpen() {
        return state == OPEN;
    }

    /**
     * Takes the connection away from a holder that kept it past the leak threshold: aborts the
     * physical connection (so the database stops its work and the pool discards it), closes it and
     * gives the quota back. Does nothing if the holder closed it first.
     */
    void reclaim(Executor inline) {
        if (!STATE.compareAndSet(this, OPEN, RECLAIMED)) {
            return;
        }
        try {
            physical.abort(inline);
        } catch (SQLException | RuntimeException ignored) {
            // the connection is being thrown away; the close below still returns it to the pool
        }
        try {
            physical.close();
        } catch (SQLException | RuntimeException ignored) {
            // as above
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

    private Connection physical() throws SQLException {
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
        if (!STATE.compareAndSet(this, OPEN, CLOSED)) {
            return; // closed already, by this holder, another thread or a reclaim
        }
        try {
            physical.close();
        } catch (SQLException | RuntimeException e) {
            markBroken();
            compartment.discard(physical);
        } finally {
            compartment.returned(this);
        }
    }

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
            physical.close();
        } catch (SQLException e) {
            throw observed(e);
        } finally {
            compartment.returned(this);
        }
    }

    @Override
    public boolean isClosed() throws SQLException {
        if (state != OPEN) {
            return true;
        }
        try {
            return physical.isClosed();
        } catch (SQLException e) {
            throw observed(e);
        }
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
        try {
            physical().setClientInfo(name, value);
        } catch (SQLClientInfoException e) {
            throw e;
        } catch (SQLException e) {
            throw new SQLClientInfoException(e.getMessage(), e.getSQLState(), e.getErrorCode(), Map.of(), e);
        }
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        try {
            physical().setClientInfo(properties);
        } catch (SQLClientInfoException e) {
            throw e;
        } catch (SQLException e) {
            throw new SQLClientInfoException(e.getMessage(), e.getSQLState(), e.getErrorCode(), Map.of(), e);
        }
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : physical().unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || physical().isWrapperFor(iface);
    }

    @Override
    public String toString() {
        return "connection of compartment '" + compartment.name() + "'" + (state == OPEN ? "" : " (closed)") + ": " + physical;
    }

    // ---- plain delegation: each call goes to the physical connection, failures are observed ----

    @Override
    public Statement createStatement() throws SQLException {
        try {
            return StatementObserver.wrap(Statement.class, physical().createStatement(), this);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        try {
            return StatementObserver.wrap(PreparedStatement.class, physical().prepareStatement(sql), this);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        try {
            return StatementObserver.wrap(CallableStatement.class, physical().prepareCall(sql), this);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public String nativeSQL(String sql) throws SQLException {
        try {
            return physical().nativeSQL(sql);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        try {
            physical().setAutoCommit(autoCommit);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        try {
            return physical().getAutoCommit();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void commit() throws SQLException {
        try {
            physical().commit();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void rollback() throws SQLException {
        try {
            physical().rollback();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        try {
            return physical().getMetaData();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        try {
            physical().setReadOnly(readOnly);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        try {
            return physical().isReadOnly();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void setCatalog(String catalog) throws SQLException {
        try {
            physical().setCatalog(catalog);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public String getCatalog() throws SQLException {
        try {
            return physical().getCatalog();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        try {
            physical().setTransactionIsolation(level);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        try {
            return physical().getTransactionIsolation();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        try {
            return physical().getWarnings();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void clearWarnings() throws SQLException {
        try {
            physical().clearWarnings();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
        try {
            return StatementObserver.wrap(Statement.class, physical().createStatement(resultSetType, resultSetConcurrency), this);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        try {
            return StatementObserver.wrap(PreparedStatement.class, physical().prepareStatement(sql, resultSetType, resultSetConcurrency), this);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        try {
            return StatementObserver.wrap(CallableStatement.class, physical().prepareCall(sql, resultSetType, resultSetConcurrency), this);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        try {
            return physical().getTypeMap();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        try {
            physical().setTypeMap(map);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        try {
            physical().setHoldability(holdability);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public int getHoldability() throws SQLException {
        try {
            return physical().getHoldability();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        try {
            return physical().setSavepoint();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        try {
            return physical().setSavepoint(name);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        try {
            physical().rollback(savepoint);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        try {
            physical().releaseSavepoint(savepoint);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        try {
            return StatementObserver.wrap(Statement.class, physical().createStatement(resultSetType, resultSetConcurrency, resultSetHoldability), this);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        try {
            return StatementObserver.wrap(PreparedStatement.class, physical().prepareStatement(sql, resultSetType, resultSetConcurrency, resultSetHoldability), this);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        try {
            return StatementObserver.wrap(CallableStatement.class, physical().prepareCall(sql, resultSetType, resultSetConcurrency, resultSetHoldability), this);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        try {
            return StatementObserver.wrap(PreparedStatement.class, physical().prepareStatement(sql, autoGeneratedKeys), this);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        try {
            return StatementObserver.wrap(PreparedStatement.class, physical().prepareStatement(sql, columnIndexes), this);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        try {
            return StatementObserver.wrap(PreparedStatement.class, physical().prepareStatement(sql, columnNames), this);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public Clob createClob() throws SQLException {
        try {
            return physical().createClob();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public Blob createBlob() throws SQLException {
        try {
            return physical().createBlob();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public NClob createNClob() throws SQLException {
        try {
            return physical().createNClob();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        try {
            return physical().createSQLXML();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
        try {
            return physical().getClientInfo(name);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        try {
            return physical().getClientInfo();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        try {
            return physical().createArrayOf(typeName, elements);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public Struct createStruct(String typeName, Object[] elements) throws SQLException {
        try {
            return physical().createStruct(typeName, elements);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        try {
            physical().setSchema(schema);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public String getSchema() throws SQLException {
        try {
            return physical().getSchema();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        try {
            physical().setNetworkTimeout(executor, milliseconds);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        try {
            return physical().getNetworkTimeout();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void beginRequest() throws SQLException {
        try {
            physical().beginRequest();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void endRequest() throws SQLException {
        try {
            physical().endRequest();
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public boolean setShardingKeyIfValid(ShardingKey shardingKey, ShardingKey superShardingKey, int timeout) throws SQLException {
        try {
            return physical().setShardingKeyIfValid(shardingKey, superShardingKey, timeout);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public boolean setShardingKeyIfValid(ShardingKey shardingKey, int timeout) throws SQLException {
        try {
            return physical().setShardingKeyIfValid(shardingKey, timeout);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void setShardingKey(ShardingKey shardingKey, ShardingKey superShardingKey) throws SQLException {
        try {
            physical().setShardingKey(shardingKey, superShardingKey);
        } catch (SQLException e) {
            throw observed(e);
        }
    }

    @Override
    public void setShardingKey(ShardingKey shardingKey) throws SQLException {
        try {
            physical().setShardingKey(shardingKey);
        } catch (SQLException e) {
            throw observed(e);
        }
    }
}
