package dev.watertight.redis;

import java.time.Duration;
import java.util.List;

/**
 * The settings of a {@link ClusterRateLimiter}, immutable and valid (the constructor checks every
 * value as the builder does). Its {@code toString()} masks the Redis credentials.
 *
 * @param name the compartment's name, the same in every process that shares the rate
 * @param redis where Redis is
 * @param keyPrefix prepended to the compartment's Redis key
 * @param permitsPerPeriod how many permits the whole cluster earns per period
 * @param period the period
 * @param burst how many permits may be spent at once after an idle time
 * @param redisTimeout the connect and command timeout
 * @param probeInterval how often an unavailable Redis is asked again
 * @param replySpin how long a caller watches for Redis's reply before it parks; zero to park at
 *     once
 * @param fallback what to do while Redis is unavailable
 * @param expectedInstances how many processes share the rate; under
 *     {@link FallbackPolicy#FALLBACK_LOCAL} each allows {@code permitsPerPeriod / expectedInstances}
 *     (at least 1) per period on its own
 * @param listeners who hears rejections and the switches of policy
 * @param writableStackTrace whether rejections record their stack trace
 */
public record ClusterRateLimiterConfig(
        String name,
        RedisEndpoint redis,
        String keyPrefix,
        int permitsPerPeriod,
        Duration period,
        int burst,
        Duration redisTimeout,
        Duration probeInterval,
        Duration replySpin,
        FallbackPolicy fallback,
        int expectedInstances,
        List<ClusterListener> listeners,
        boolean writableStackTrace) {

    /** Shortest period: the server clock counts microseconds. */
    public static final Duration MIN_PERIOD = Duration.ofMillis(1);
    /** Longest period. */
    public static final Duration MAX_PERIOD = Duration.ofDays(1);

    /** Checks every setting. */
    public ClusterRateLimiterConfig {
        Check.name(name);
        Check.notNull("redisUri", redis);
        Check.keyPrefix(keyPrefix);
        Check.atLeast("permitsPerPeriod", permitsPerPeriod, 1);
        Check.between("period", period, MIN_PERIOD, MAX_PERIOD);
        Check.atLeast("burst", burst, 1);
        Check.between("redisTimeout", redisTimeout, ClusterBulkheadConfig.MIN_TIMEOUT, ClusterBulkheadConfig.MAX_TIMEOUT);
        Check.between("probeInterval", probeInterval, ClusterBulkheadConfig.MIN_TIMEOUT,
                ClusterBulkheadConfig.MAX_TIMEOUT);
        Check.between("replySpin", replySpin, Duration.ZERO, ClusterBulkheadConfig.MAX_REPLY_SPIN);
        Check.notNull("fallback", fallback);
        Check.atLeast("expectedInstances", expectedInstances, 1);
        listeners = List.copyOf(Check.notNull("listeners", listeners));
    }

    /** {@return the permits per period a process allows on its own under {@link FallbackPolicy#FALLBACK_LOCAL}} */
    public int localShare() {
        return Math.max(1, permitsPerPeriod / expectedInstances);
    }
}
