package dev.watertight.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The settings of a {@link ClusterBulkhead}, immutable and valid: the constructor checks every
 * value as the builder does. Its {@code toString()} shows the Redis endpoint with credentials
 * masked.
 *
 * @param name the compartment's name; every process sharing the compartment uses the same name,
 *     key prefix and Redis
 * @param redis where Redis is
 * @param keyPrefix prepended to every Redis key of the compartment
 * @param maxConcurrent the cluster-wide limit on leases held at once
 * @param leaseTime how long a lease lives on the server unless renewed; a crashed holder's permit
 *     comes back after at most this long
 * @param renewInterval how often a holder renews its leases while its work runs; shorter than
 *     {@code leaseTime}
 * @param maxWait how long a caller may wait for a permit; zero to refuse at once
 * @param redisTimeout the connect and command timeout: a caller learns within this long that
 *     Redis does not answer, and the fallback policy is in force from then on
 * @param probeInterval how often, while Redis is unavailable, it is asked again; also the slowest
 *     a waiting caller re-checks Redis when no release was announced
 * @param replySpin how long a caller watches for Redis's reply before it parks; zero to park at
 *     once
 * @param fallback what to do while Redis is unavailable
 * @param expectedInstances how many processes share the compartment; under
 *     {@link FallbackPolicy#FALLBACK_LOCAL} each admits {@code maxConcurrent / expectedInstances}
 *     (at least 1) on its own
 * @param listeners who hears rejections, lost leases and the switches of policy
 * @param clock the wall clock used to stamp {@code unavailableSince}; never used for leases
 * @param writableStackTrace whether rejections record their stack trace
 */
public record ClusterBulkheadConfig(
        String name,
        RedisEndpoint redis,
        String keyPrefix,
        int maxConcurrent,
        Duration leaseTime,
        Duration renewInterval,
        Duration maxWait,
        Duration redisTimeout,
        Duration probeInterval,
        Duration replySpin,
        FallbackPolicy fallback,
        int expectedInstances,
        List<ClusterListener> listeners,
        Clock clock,
        boolean writableStackTrace) {

    /** Shortest lease: renewals need room for a round trip. */
    public static final Duration MIN_LEASE_TIME = Duration.ofMillis(100);
    /** Longest lease, maxWait and renew interval. */
    public static final Duration MAX_DURATION = Duration.ofDays(1);
    /** Shortest and longest Redis timeout and probe interval. */
    public static final Duration MIN_TIMEOUT = Duration.ofMillis(10);
    /** Longest Redis timeout and probe interval. */
    public static final Duration MAX_TIMEOUT = Duration.ofMinutes(1);
    /** Default reply spin: longer than a loopback or same-rack script round trip. */
    public static final Duration DEFAULT_REPLY_SPIN = Duration.ofNanos(100_000);
    /** Longest reply spin: beyond it parking costs less than spinning. */
    public static final Duration MAX_REPLY_SPIN = Duration.ofMillis(1);

    /** Checks every setting, and that a lease outlives the interval between its renewals. */
    public ClusterBulkheadConfig {
        Check.name(name);
        Check.notNull("redisUri", redis);
        Check.keyPrefix(keyPrefix);
        Check.atLeast("maxConcurrent", maxConcurrent, 1);
        Check.between("leaseTime", leaseTime, MIN_LEASE_TIME, MAX_DURATION);
        Check.between("renewInterval", renewInterval, MIN_TIMEOUT, MAX_DURATION);
        Check.between("maxWait", maxWait, Duration.ZERO, MAX_DURATION);
        Check.between("redisTimeout", redisTimeout, MIN_TIMEOUT, MAX_TIMEOUT);
        Check.between("probeInterval", probeInterval, MIN_TIMEOUT, MAX_TIMEOUT);
        Check.between("replySpin", replySpin, Duration.ZERO, MAX_REPLY_SPIN);
        Check.notNull("fallback", fallback);
        Check.atLeast("expectedInstances", expectedInstances, 1);
        Check.notNull("clock", clock);
        listeners = List.copyOf(Check.notNull("listeners", listeners));
        if (renewInterval.compareTo(leaseTime) >= 0) {
            throw new IllegalArgumentException("renewInterval must be shorter than leaseTime (a lease would expire"
                    + " before its holder renews it), was renewInterval " + renewInterval + " with leaseTime "
                    + leaseTime);
        }
        if (renewInterval.plus(redisTimeout).compareTo(leaseTime) >= 0) {
            // A renewal is sent at most renewInterval after the last one and may take redisTimeout to
            // answer or fail: both must fit inside the lease, or a live holder loses its lease.
            throw new IllegalArgumentException("renewInterval plus redisTimeout must be shorter than leaseTime (a"
                    + " renewal could not finish before the lease expires), was renewInterval " + renewInterval
                    + " plus redisTimeout " + redisTimeout + " with leaseTime " + leaseTime);
        }
    }

    /** {@return the permits a process admits on its own under {@link FallbackPolicy#FALLBACK_LOCAL}} */
    public int localShare() {
        return Math.max(1, maxConcurrent / expectedInstances);
    }
}
