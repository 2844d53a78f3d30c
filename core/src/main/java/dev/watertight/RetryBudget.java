package dev.watertight;

import dev.watertight.internal.Settings;
import java.time.Duration;

/**
 * How many retries a {@link Retry} may make, as a share of its recent calls plus a small floor,
 * so that a failing dependency cannot multiply the load on itself.
 *
 * <p>Without a budget, a retry that allows three attempts turns an outage into three times the
 * traffic, just when the dependency can least take it; stacked over three layers of services,
 * 27 times. With a budget of {@code retryRatio} 0.2, retries add about 20 % to the recent calls
 * (see the bound below), however many attempts each call is allowed. The floor,
 * {@code minRetriesPerSecond}, lets a quiet service retry its rare failures even though it has
 * made too few calls to earn retries by the ratio.
 *
 * <p>The bound, as {@link Retry} states it with how "recent" is measured: from the moment the
 * retry is built, over any time {@code T} of its time source,
 * {@code retries <= retryRatio × first attempts + minRetriesPerSecond × (T + window)}. It is not
 * a bound per window: "recent" starts at marks taken a tenth of a window apart, so a window
 * placed anywhere may see more than one window's floor. With ratio 0, a floor of 10 per second
 * and a 1 s window, 10 retries at 0.95 s and 10 more at 1.9 s are allowed: 20 within 0.95 s,
 * within the bound above (10 × (1.9 s + 1 s) = 29). When the budget is spent, a call that
 * would have been retried fails with its last failure instead, and {@link RetryStats#retriesDeniedByBudget()} counts it.
 *
 * <p>Immutable.
 *
 * <p>The design follows Finagle's {@code RetryBudget}, whose defaults ({@link #DEFAULT}) it
 * shares.
 *
 * @param retryRatio retries allowed per call, from 0.0 to 1000.0: 0.1 means retries may be about
 *     10 % of the recent calls (the exact bound is above)
 * @param minRetriesPerSecond retries allowed per second of the window whatever the number of
 *     calls, from 0
 * @param window how far back "recent" goes, from 10 ms to 1 hour
 */
public record RetryBudget(double retryRatio, int minRetriesPerSecond, Duration window) {

    /** The largest ratio accepted: more retries per call than any sane {@code maxAttempts}. */
    public static final double MAX_RETRY_RATIO = 1000.0;

    /** The shortest window: shorter ones would count too few calls to mean anything. */
    public static final Duration MIN_WINDOW = Duration.ofMillis(10);

    /** The longest window: retries earned by calls an hour ago say nothing about now. */
    public static final Duration MAX_WINDOW = Duration.ofHours(1);

    /**
     * Retries may add 20 % to the calls of the last 10 seconds, plus 10 per second. (Declared
     * after the limits above, which its construction checks.)
     */
    public static final RetryBudget DEFAULT = new RetryBudget(0.2, 10, Duration.ofSeconds(10));

    /**
     * Checks every setting.
     *
     * @throws IllegalArgumentException naming the first bad setting, its value and what is allowed
     */
    public RetryBudget {
        if (!(retryRatio >= 0.0 && retryRatio <= MAX_RETRY_RATIO)) { // also refuses NaN
            throw new IllegalArgumentException("budget.retryRatio must be a number from 0.0 to "
                    + MAX_RETRY_RATIO + ", was " + retryRatio);
        }
        Settings.atLeast("budget.minRetriesPerSecond", minRetriesPerSecond, 0);
        if (window == null || window.compareTo(MIN_WINDOW) < 0 || window.compareTo(MAX_WINDOW) > 0) {
            throw new IllegalArgumentException("budget.window must be a duration from " + MIN_WINDOW
                    + " to " + MAX_WINDOW + ", was " + window);
        }
    }

    /**
     * A budget with the given settings.
     *
     * @param retryRatio retries allowed per call in the window, from 0.0 to 1000.0
     * @param minRetriesPerSecond retries allowed per second whatever the number of calls, from 0
     * @param window how far back "recent" goes, from 10 ms to 1 hour
     * @return the budget
     * @throws IllegalArgumentException naming the first bad setting, its value and what is allowed
     */
    public static RetryBudget of(double retryRatio, int minRetriesPerSecond, Duration window) {
        return new RetryBudget(retryRatio, minRetriesPerSecond, window);
    }

    /** {@return the retries the floor alone allows per window: {@code minRetriesPerSecond × window}} */
    public double reserve() {
        return minRetriesPerSecond * (window.toNanos() / 1e9);
    }
}
