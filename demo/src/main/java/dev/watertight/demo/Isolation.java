package dev.watertight.demo;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.Callable;
import javax.sql.DataSource;

/**
 * What separates the shop's handlers from how their work is isolated: the same handlers run on
 * {@link CompartmentIsolation} (Watertight) or {@link SharedIsolation} (one pool for everything).
 * Names are the compartments' of {@code watertight-demo.yaml}: work {@code user-ops},
 * {@code order-ops}, {@code reporting}; dependencies {@code payment}, {@code email},
 * {@code analytics}; database roles {@code read}, {@code write}, {@code analytics}; caches
 * {@code user-cache}, {@code session-cache}, {@code static-cache}. What it shows of itself is its
 * {@link IsolationView} side. Thread-safe.
 */
interface Isolation extends IsolationView, AutoCloseable {

    /** Runs a request's work on the pool for its kind, and waits for it. */
    <T> T work(String kind, Callable<T> task) throws Exception;

    /** Calls a dependency through whatever guards it has. */
    <T> T dependency(String name, Callable<T> call) throws Exception;

    /** The connections for a database role. */
    DataSource database(String role);

    /** A cache by name. */
    TextCache cache(String name);

    /**
     * Stops taking work: what is queued or running gets a grace period, then is refused; new work
     * is refused at once. Returns when every piece of work has ended.
     */
    void stopAdmitting();

    /** Publishes what there is to publish to a meter registry. */
    void bindMetrics(MeterRegistry registry);

    /** Releases the pools, databases and monitors. */
    @Override
    void close();
}
