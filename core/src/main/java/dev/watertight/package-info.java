/**
 * The user-facing guards of Watertight.
 *
 * <ul>
 *   <li>{@link dev.watertight.Bulkhead}: a limit on concurrent calls, entered by the caller's own
 *       thread.</li>
 *   <li>{@link dev.watertight.ThreadPoolBulkhead}: a compartment with its own worker threads, a
 *       bounded queue and a per-task timeout.</li>
 *   <li>{@link dev.watertight.CircuitBreaker}: stops calling a dependency that keeps failing.</li>
 *   <li>{@link dev.watertight.Timeout} and {@link dev.watertight.Deadline}: bound how long a call
 *       may take, and let inner code see the time left.</li>
 *   <li>{@link dev.watertight.Retry}: tries again, with backoff, within a retry budget.</li>
 *   <li>{@link dev.watertight.RateLimiter}: bounds the rate of calls.</li>
 *   <li>{@link dev.watertight.Compartment}: all of them stacked in one fixed order.</li>
 *   <li>{@link dev.watertight.CompartmentRegistry}: every compartment of a service by name, built
 *       from a {@link dev.watertight.WatertightConfig} or from code, changed in place.</li>
 *   <li>{@link dev.watertight.HealthMonitor}: each compartment's health over a window, with
 *       hysteresis, and alerts on changes.</li>
 * </ul>
 *
 * <p>Every type here says in its Javadoc whether it is thread-safe. Guards are; builders are not.
 * Rejections are unchecked and extend {@link java.util.concurrent.RejectedExecutionException},
 * so code that already handles an executor's rejection handles ours. Nothing in this package
 * accepts or returns {@code null} unless its documentation says so.
 */
@NullMarked
package dev.watertight;

import org.jspecify.annotations.NullMarked;
