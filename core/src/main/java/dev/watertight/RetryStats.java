package dev.watertight;

/**
 * A snapshot of a {@link Retry}'s counters.
 *
 * <p>A call is counted once, when it ends, under exactly one of four outcomes; "after retry"
 * means at least one retry was started. A call still in progress (running, or waiting for its
 * next attempt) is in none of them yet. The counts hold together in every snapshot, not only
 * once the retry is idle:
 * <ul>
 *   <li>{@code calls == succeededWithoutRetry + succeededAfterRetry + failedWithoutRetry
 *       + failedAfterRetry};</li>
 *   <li>{@code retries >= succeededAfterRetry + failedAfterRetry} (each such call made one retry
 *       or more; calls in progress may have made more);</li>
 *   <li>{@code retriesDeniedByBudget <= failedWithoutRetry + failedAfterRetry} (a denied retry
 *       ends its call as failed).</li>
 * </ul>
 *
 * <p>"Failed" covers every call that did not end with a result the retry accepted: it threw, its
 * stage failed, it was cancelled, or it returned a result that
 * {@link Retry.Builder#retryOnResult} still rejected when no retry was left (that result is
 * returned to the caller all the same).
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the compartment's name
 * @param calls calls that have ended
 * @param succeededWithoutRetry calls whose first attempt succeeded
 * @param succeededAfterRetry calls that succeeded on a retry
 * @param failedWithoutRetry calls that failed without any retry: the failure was not retryable,
 *     {@code maxAttempts} is 1, the budget denied the first retry, or the caller was interrupted
 *     (or the call cancelled) before a retry started
 * @param failedAfterRetry calls that failed after one retry or more
 * @param retries retries started (attempts after the first), by calls ended or in progress
 * @param retriesDeniedByBudget retries that would have been made but the budget was spent
 */
public record RetryStats(
        String name,
        long calls,
        long succeededWithoutRetry,
        long succeededAfterRetry,
        long failedWithoutRetry,
        long failedAfterRetry,
        long retries,
        long retriesDeniedByBudget) {

    /** {@return calls that ended with a result, with or without retries} */
    public long succeeded() {
        return succeededWithoutRetry + succeededAfterRetry;
    }

    /** {@return calls that ended with a failure, with or without retries} */
    public long failed() {
        return failedWithoutRetry + failedAfterRetry;
    }
}
