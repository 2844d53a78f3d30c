package dev.watertight;

import dev.watertight.internal.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The settings of a {@link Retry}, immutable and validated.
 *
 * @param name the compartment's name
 * @param maxAttempts attempts per call, the first included; 1 means no retry
 * @param backoff how long to wait before each retry
 * @param retryOn which failures may be retried (rejections and interrupts aside, see
 *     {@link Retry})
 * @param retryOnResult which results count as failures to retry; null for none
 * @param retryRejections whether a {@link CompartmentRejectedException} may be retried
 * @param budget how many retries recent calls allow; null for no limit but {@code maxAttempts}
 * @param timeSource where waits and scheduled retries get their time
 * @param listeners who hears the retry's events, in order
 */
public record RetryConfig(
        String name,
        int maxAttempts,
        Backoff backoff,
        Predicate<? super Throwable> retryOn,
        @Nullable Predicate<Object> retryOnResult,
        boolean retryRejections,
        @Nullable RetryBudget budget,
        TimeSource timeSource,
        List<CompartmentListener> listeners) {

    /** Attempts per call when none is given: the first and two retries. */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    /** The backoff when none is given: jittered waits from 100 ms, at most 10 s. */
    public static final Backoff DEFAULT_BACKOFF =
            Backoff.decorrelatedJitter(Duration.ofMillis(100), Duration.ofSeconds(10));

    /**
     * Which failures are retried when nothing else is said: every {@link Exception}, never an
     * {@link Error} (an {@code OutOfMemoryError} or a failed assertion is not made better by
     * trying again).
     */
    public static final Predicate<Throwable> ANY_EXCEPTION = failure -> failure instanceof Exception;

    /**
     * Checks every setting.
     *
     * @throws IllegalArgumentException naming the first bad setting, its value and what is allowed
     * @throws NullPointerException if a required value is null
     */
    public RetryConfig {
        name = Settings.name(name);
        Settings.atLeast("maxAttempts", maxAttempts, 1);
        Objects.requireNonNull(backoff, "backoff must not be null");
        Objects.requireNonNull(retryOn, "retryOn must not be null");
        Objects.requireNonNull(timeSource, "timeSource must not be null");
        listeners = Settings.listeners(listeners);
    }

    /** {@return which results are retried, if any are} */
    public Optional<Predicate<Object>> retryOnResultIfSet() {
        return Optional.ofNullable(retryOnResult);
    }

    /** {@return the retry budget, if one is set} */
    public Optional<RetryBudget> budgetIfSet() {
        return Optional.ofNullable(budget);
    }

    /**
     * These settings with one more listener, after the ones already given.
     *
     * @param listener the listener to add
     * @return a copy with the listener
     */
    public RetryConfig withListener(CompartmentListener listener) {
        return new RetryConfig(name, maxAttempts, backoff, retryOn, retryOnResult, retryRejections, budget, timeSource,
                Settings.withListener(listeners, listener));
    }
}
