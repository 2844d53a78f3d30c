package dev.watertight.config;

import dev.watertight.Backoff;
import dev.watertight.Bulkhead;
import dev.watertight.CircuitBreaker;
import dev.watertight.RateLimiter;
import dev.watertight.Retry;
import dev.watertight.ThreadPoolBulkhead;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings a configuration file may give each kind of guard, named as the guards' builders
 * name them, so that the file, the Javadoc and the error messages use one vocabulary. A retry's
 * exponential {@code backoff} is a mapping, read by {@link ConfigReader}.
 */
final class GuardSettings {
    static final Map<String, Setting<ThreadPoolBulkhead.Builder>> THREAD_POOL = new LinkedHashMap<>();
    static final Map<String, Setting<Bulkhead.Builder>> BULKHEAD = new LinkedHashMap<>();
    static final Map<String, Setting<CircuitBreaker.Builder>> CIRCUIT_BREAKER = new LinkedHashMap<>();
    static final Map<String, Setting<RateLimiter.Builder>> RATE_LIMITER = new LinkedHashMap<>();
    static final Map<String, Setting<Retry.Builder>> RETRY = new LinkedHashMap<>();

    static {
        THREAD_POOL.put("threads", Setting.wholeNumber(ThreadPoolBulkhead.Builder::threads));
        THREAD_POOL.put("queueCapacity", Setting.wholeNumber(ThreadPoolBulkhead.Builder::queueCapacity));
        THREAD_POOL.put("timeout", Setting.duration(ThreadPoolBulkhead.Builder::timeout));
        THREAD_POOL.put("virtualThreads", Setting.bool(ThreadPoolBulkhead.Builder::virtualThreads));
        THREAD_POOL.put("shutdownGrace", Setting.duration(ThreadPoolBulkhead.Builder::shutdownGrace));

        BULKHEAD.put("maxConcurrent", Setting.wholeNumber(Bulkhead.Builder::maxConcurrent));
        BULKHEAD.put("maxWait", Setting.duration(Bulkhead.Builder::maxWait));
        BULKHEAD.put("fair", Setting.bool(Bulkhead.Builder::fair));

        CIRCUIT_BREAKER.put("failureRateThreshold", Setting.decimal(CircuitBreaker.Builder::failureRateThreshold));
        CIRCUIT_BREAKER.put("slowCallRateThreshold", Setting.decimal(CircuitBreaker.Builder::slowCallRateThreshold));
        CIRCUIT_BREAKER.put("slowCallDuration", Setting.duration(CircuitBreaker.Builder::slowCallDuration));
        CIRCUIT_BREAKER.put("slidingWindowSize", Setting.wholeNumber(CircuitBreaker.Builder::slidingWindowSize));
        CIRCUIT_BREAKER.put("slidingWindowDuration", Setting.duration(CircuitBreaker.Builder::slidingWindowDuration));
        CIRCUIT_BREAKER.put("minimumCalls", Setting.wholeNumber(CircuitBreaker.Builder::minimumCalls));
        CIRCUIT_BREAKER.put("consecutiveFailures", Setting.wholeNumber(CircuitBreaker.Builder::consecutiveFailures));
        CIRCUIT_BREAKER.put("openDuration", Setting.duration(CircuitBreaker.Builder::openDuration));
        CIRCUIT_BREAKER.put("openDurationMultiplier", Setting.decimal(CircuitBreaker.Builder::openDurationMultiplier));
        CIRCUIT_BREAKER.put("maxOpenDuration", Setting.duration(CircuitBreaker.Builder::maxOpenDuration));
        CIRCUIT_BREAKER.put("halfOpenProbes", Setting.wholeNumber(CircuitBreaker.Builder::halfOpenProbes));
        CIRCUIT_BREAKER.put("halfOpenDeadline", Setting.duration(CircuitBreaker.Builder::halfOpenDeadline));

        RATE_LIMITER.put("permitsPerPeriod", Setting.wholeNumber(RateLimiter.Builder::permitsPerPeriod));
        RATE_LIMITER.put("period", Setting.duration(RateLimiter.Builder::period));
        RATE_LIMITER.put("burst", Setting.wholeNumber(RateLimiter.Builder::burst));
        RATE_LIMITER.put("maxWait", Setting.duration(RateLimiter.Builder::maxWait));

        RETRY.put("maxAttempts", Setting.wholeNumber(Retry.Builder::maxAttempts));
        // `backoff: none` or `backoff: 200ms`; the exponential form is a mapping, read by ConfigReader.
        RETRY.put("backoff", (builder, text) -> builder.backoff(
                text.strip().equals("none") ? Backoff.none() : Backoff.fixed(Values.duration(text))));
    }

    private GuardSettings() {}
}
