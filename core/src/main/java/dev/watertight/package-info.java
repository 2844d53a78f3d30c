/**
 * The user-facing guards of Watertight.
 *
 * <ul>
 *   <li>{@link dev.watertight.Bulkhead}: a limit on concurrent calls, entered by the caller's own
 *       thread.</li>
 *   <li>{@link dev.watertight.ThreadPoolBulkhead}: a compartment with its own worker threads, a
 *       bounded queue and a per-task timeout.</li>
 * </ul>
 *
 * <p>Every type here says in its Javadoc whether it is thread-safe. Guards are; builders are not.
 * Rejections are unchecked and extend {@link java.util.concurrent.RejectedExecutionException},
 * so code that already handles an executor's rejection handles ours. Nothing in this package
 * accepts or returns {@code null} unless its documentation says so.
 */
package dev.watertight;
