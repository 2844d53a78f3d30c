package dev.watertight.jdbc;

import dev.watertight.SharedCapacity;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * One compartment's connections: a {@link DataSource} whose {@code getConnection()} first takes a
 * unit of the compartment's quota (its share of a pool, or its own limit over a dedicated pool),
 * waiting up to the acquire timeout, then takes a physical connection from the pool. Closing the
 * connection gives the unit back, exactly once.
 *
 * <pre>{@code
 * DataSource writes = compartments.compartment("write");
 * try (Connection connection = writes.getConnection()) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Refusals are {@link ConnectionCompartmentExhaustedException}s (no quota within the acquire
 * timeout); a pool that fails to give a connection is reported as a
 * {@link ConnectionCompartmentUnavailableException}. Everything the application's SQL throws
 * passes through untouched.
 *
 * <p>Cost: taking a unit within the reservation is one CAS and no clock read (borrowing beyond
 * it adds one CAS on the pool's count of borrowed units); the connection handed out is one small
 * wrapper object, and one striped counter counts it. Thread-safe.
 */
public final class ConnectionCompartment implements DataSource {
    private final String name;
    private final String pool;
    private final boolean dedicated;
    private final DataSource dataSource;
    private final SharedCapacity.Share share;
    /** Read only when a caller must wait (the fast path does not); changed by a reconfiguration. */
    private volatile long acquireTimeoutNanos;
    private final long leakThresholdNanos;
    private final boolean reclaimLeaks;
    /** Null when no compartment of the set detects leaks. */
    private final @Nullable ScheduledExecutorService leakTimer;
    private final Consumer<ConnectionLeak> leakListener;

    private final LongAdder acquired = new LongAdder();
    private final LongAdder waitedAndGranted = new LongAdder();
    private final LongAdder acquireTimeouts = new LongAdder();
    private final LongAdder poolFailures = new LongAdder();
    private final LongAdder otherFailures = new LongAdder();
    private final LongAdder brokenConnections = new LongAdder();
    private final LongAdder leaks = new LongAdder();
    private final LongAdder reclaimed = new LongAdder();
    private final AcquireWaits waits = new AcquireWaits();

    ConnectionCompartment(String name, String pool, boolean dedicated, DataSource dataSource, SharedCapacity.Share share,
            Duration acquireTimeout, Duration leakThreshold, boolean reclaimLeaks,
            @Nullable ScheduledExecutorService leakTimer, Consumer<ConnectionLeak> leakListener) {
        this.name = name;
        this.pool = pool;
        this.dedicated = dedicated;
        this.dataSource = dataSource;
        this.share = share;
        this.acquireTimeoutNanos = acquireTimeout.toNanos();
        this.leakThresholdNanos = leakThreshold.toNanos();
        this.reclaimLeaks = reclaimLeaks;
        this.leakTimer = leakTimer;
        this.leakListener = leakListener;
    }

    /** {@return the compartment's name} */
    public String name() {
        return name;
    }

    /** {@return the name of the pool its connections come from} */
    public String pool() {
        return pool;
    }

    /** {@return the {@code DataSource} its physical connections come from} */
    public DataSource dataSource() {
        return dataSource;
    }

    /** {@return the most connections it may hold at once, now (a reconfiguration may change it)} */
    public int limit() {
        return share.ceiling();
    }

    /** {@return the connections guaranteed to it} */
    public int reserved() {
        return share.reserved();
    }

    /** {@return how long a caller may wait for the compartment's quota now} */
    public Duration acquireTimeout() {
        return Duration.ofNanos(acquireTimeoutNanos);
    }

    /** Whether it has a {@code DataSource} of its own rather than a share of a described pool. */
    boolean dedicated() {
        return dedicated;
    }

    /** The share of its pool: its ceiling changes through {@link ConnectionCompartments#reconfigure}. */
    SharedCapacity.Share share() {
        return share;
    }

    /** Callers that start waiting from now on wait up to the new timeout; those waiting keep theirs. */
    void acquireTimeout(Duration acquireTimeout) {
        this.acquireTimeoutNanos = acquireTimeout.toNanos();
    }

    /**
     * A connection, once the compartment's quota allows it.
     *
     * @return a connection whose {@code close()} gives the quota back
     * @throws ConnectionCompartmentExhaustedException if no quota came within the acquire timeout
     * @throws ConnectionCompartmentUnavailableException if the pool could not give a connection
     */
    @Override
    public Connection getConnection() throws SQLException {
        takeQuota();
        return connect(null, null, false);
    }

    /**
     * A connection for the given user, once the compartment's quota allows it; the pool must
     * support per-user connections (HikariCP does not).
     *
     * @param user the database user
     * @param password the user's password
     * @return a connection whose {@code close()} gives the quota back
     * @throws SQLException as {@link #getConnection()}, or as the pool throws
     */
    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        takeQuota();
        return connect(user, password, true);
    }

    private void takeQuota() throws SQLException {
        if (share.tryAcquire()) {
            return; // the fast path: no clock read, nothing recorded
        }
        long timeoutNanos = acquireTimeoutNanos; // once: a reconfiguration may change it meanwhile
        if (timeoutNanos == 0) {
            throw refused(0, timeoutNanos, false);
        }
        long start = System.nanoTime();
        boolean granted;
        try {
            granted = share.tryAcquire(timeoutNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw refused(System.nanoTime() - start, timeoutNanos, true);
        }
        long waited = System.nanoTime() - start;
        if (!granted) {
            waits.recordWait(waited);
            throw refused(waited, timeoutNanos, false);
        }
        try {
            waits.recordWait(waited);
            waitedAndGranted.increment();
        } catch (Throwable e) {
            share.release(); // nothing may stand between a grant and its release
            throw e;
        }
    }

    private ConnectionCompartmentExhaustedException refused(long waitedNanos, long timeoutNanos, boolean interrupted) {
        if (!interrupted) {
            acquireTimeouts.increment();
        }
        return new ConnectionCompartmentExhaustedException(name, pool, dedicated, share.ceiling(), share.inUse(),
                waitedNanos, timeoutNanos, interrupted);
    }

    /** Takes the physical connection for a granted unit; on any failure the unit goes back. */
    private Connection connect(@Nullable String user, @Nullable String password, boolean asUser) throws SQLException {
        Connection physical;
        try {
            physical = asUser ? dataSource.getConnection(user, password) : dataSource.getConnection();
            if (physical == null) {
                throw new SQLException("pool '" + pool + "' returned no connection", "08001");
            }
        } catch (SQLFeatureNotSupportedException e) {
            share.release();
            otherFailures.increment();
            throw e; // the pool does not do this (HikariCP has no per-user connections): not a connection failure
        } catch (SQLException e) {
            share.release();
            poolFailures.increment();
            throw new ConnectionCompartmentUnavailableException(name, pool, e);
        } catch (Throwable e) {
            share.release();
            otherFailures.increment();
            throw e;
        }
        try {
            CompartmentConnection connection = new CompartmentConnection(this, physical);
            if (leakThresholdNanos > 0) {
                watch(connection);
            }
            acquired.increment();
            return connection;
        } catch (Throwable e) {
            try {
                physical.close();
            } catch (Throwable ignored) {
                // the failure above is the one to report
            } finally {
                share.release();
                otherFailures.increment();
            }
            throw e;
        }
    }

    private void watch(CompartmentConnection connection) {
        ScheduledExecutorService timer = leakTimer;
        if (timer == null) {
            return; // no leak detection (the caller checks the threshold; this keeps the two in step)
        }
        String borrower = Thread.currentThread().getName();
        ConnectionLeak.BorrowSite site = new ConnectionLeak.BorrowSite(name, borrower);
        long borrowedAt = System.nanoTime();
        try {
            connection.watchForLeak(timer.schedule(
                    () -> reportLeak(connection, borrower, site, borrowedAt), leakThresholdNanos, TimeUnit.NANOSECONDS));
        } catch (RejectedExecutionException closed) {
            // the compartments were closed, which stops leak detection; the connection is fine
        }
    }

    private void reportLeak(CompartmentConnection connection, String borrower, Throwable site, long borrowedAt) {
        if (!connection.isOpen()) {
            return;
        }
        boolean taken = reclaimLeaks && connection.reclaim(Runnable::run);
        if (reclaimLeaks && !taken) {
            return; // its holder closed it just now: not a leak after all
        }
        leaks.increment();
        if (taken) {
            reclaimed.increment();
        }
        try {
            leakListener.accept(new ConnectionLeak(name, borrower, Duration.ofNanos(System.nanoTime() - borrowedAt), site, taken));
        } catch (RuntimeException ignored) {
            // a listener cannot break the compartment; the leak is counted all the same
        }
    }

    /** Called exactly once per connection handed out, by whoever closed it first. */
    void returned(CompartmentConnection connection) {
        if (leakThresholdNanos > 0) {
            var check = connection.leakCheck();
            if (check != null) {
                check.cancel(false);
            }
        }
        share.release();
    }

    /** Asks the pool to discard a connection that failed to close, so no one else gets it. */
    void discard(Connection physical) {
        try {
            HikariPools.evict(dataSource, physical);
        } catch (RuntimeException ignored) {
            // the pool will find it broken on its own
        }
    }

    /** A borrowed connection broke (counted once per borrow). */
    void connectionBroke() {
        brokenConnections.increment();
    }

    String leakThresholdText() {
        return Duration.ofNanos(leakThresholdNanos).toMillis() + " ms";
    }

    /**
     * A snapshot of the compartment's counts and waits.
     *
     * @return the stats now
     */
    public ConnectionCompartmentStats stats() {
        long timeouts = acquireTimeouts.sum();
        long failures = poolFailures.sum();
        long handedOut = acquired.sum();
        // Every grant ends as a connection handed out or a failure; those that waited were recorded.
        long immediate = Math.max(0, handedOut + failures + otherFailures.sum() - waitedAndGranted.sum());
        AcquireWaits.Summary waited = waits.summary(immediate);
        return new ConnectionCompartmentStats(
                name, pool, share.ceiling(), share.reserved(), share.inUse(), share.waiting(),
                handedOut, timeouts, failures + brokenConnections.sum(), leaks.sum(), reclaimed.sum(),
                waited.p50(), waited.p99(), waited.max(), waited.count(), waited.total());
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return dataSource.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        dataSource.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        dataSource.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return dataSource.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return dataSource.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : dataSource.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || dataSource.isWrapperFor(iface);
    }

    @Override
    public String toString() {
        return "ConnectionCompartment[" + name + " on " + pool + ", " + share.inUse() + "/" + share.ceiling()
                + " in use, reserved " + share.reserved() + "]";
    }
}
