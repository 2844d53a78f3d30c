package dev.watertight.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The settings every Redis-backed compartment has — where Redis is, its keys, how long to wait
 * for it and what to do without it — shared by {@link ClusterBulkhead.Builder} and
 * {@link ClusterRateLimiter.Builder}. Each setting is checked as it is set. Not thread-safe.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class RedisCompartmentBuilder<B extends RedisCompartmentBuilder<B>> {
    final String name;
    @Nullable RedisEndpoint redis;
    String keyPrefix = "watertight:";
    Duration redisTimeout = Duration.ofSeconds(1);
    Duration probeInterval = Duration.ofSeconds(1);
    Duration replySpin = ClusterBulkheadConfig.DEFAULT_REPLY_SPIN;
    FallbackPolicy fallback = FallbackPolicy.FAIL_CLOSED;
    int expectedInstances = 1;
    final List<ClusterListener> listeners = new ArrayList<>();
    boolean writableStackTrace;

    RedisCompartmentBuilder(String name) {
        this.name = Check.name(name);
    }

    /** This builder, as its own type. */
    abstract B self();

    /**
     * Where Redis is; required.
     *
     * @param uri a {@code redis://} or {@code rediss://} (TLS) URI, with optional credentials
     * @return this builder
     * @throws IllegalArgumentException if the URI is not one (the message masks credentials)
     */
    public B redisUri(String uri) {
        this.redis = RedisEndpoint.of(uri);
        return self();
    }

    /**
     * Where Redis is; required (or {@link #redisUri}).
     *
     * @param endpoint the endpoint
     * @return this builder
     */
    public B redis(RedisEndpoint endpoint) {
        this.redis = Check.notNull("redisUri", endpoint);
        return self();
    }

    /**
     * Prepended to the compartment's Redis keys; default {@code watertight:}.
     *
     * @param keyPrefix at most 128 characters without spaces, control characters or braces
     * @return this builder
     */
    public B keyPrefix(String keyPrefix) {
        this.keyPrefix = Check.keyPrefix(keyPrefix);
        return self();
    }

    /**
     * Connect and command timeout, after which Redis counts as unavailable; default 1 s.
     *
     * @param redisTimeout from 10 ms to 1 minute
     * @return this builder
     */
    public B redisTimeout(Duration redisTimeout) {
        this.redisTimeout = Check.between("redisTimeout", redisTimeout, ClusterBulkheadConfig.MIN_TIMEOUT,
                ClusterBulkheadConfig.MAX_TIMEOUT);
        return self();
    }

    /**
     * How often an unavailable Redis is asked again (for a {@link ClusterBulkhead}, also the
     * slowest a waiting caller polls when no release is announced); default 1 s.
     *
     * @param probeInterval from 10 ms to 1 minute
     * @return this builder
     */
    public B probeInterval(Duration probeInterval) {
        this.probeInterval = Check.between("probeInterval", probeInterval, ClusterBulkheadConfig.MIN_TIMEOUT,
                ClusterBulkheadConfig.MAX_TIMEOUT);
        return self();
    }

    /**
     * How long a caller watches for Redis's reply before parking; default 100 µs, longer than
     * a script's round trip on loopback or within a rack. Spinning saves the cost of parking
     * and waking the caller, which on a virtual machine is as long as the round trip; at most
     * half the processors spin at once. Zero parks at once (Redis far away, or processors
     * scarce).
     *
     * @param replySpin from zero to 1 ms
     * @return this builder
     */
    public B replySpin(Duration replySpin) {
        this.replySpin = Check.between("replySpin", replySpin, Duration.ZERO, ClusterBulkheadConfig.MAX_REPLY_SPIN);
        return self();
    }

    /**
     * What to do while Redis is unavailable; default {@link FallbackPolicy#FAIL_CLOSED}.
     *
     * @param fallback the policy
     * @return this builder
     */
    public B fallback(FallbackPolicy fallback) {
        this.fallback = Check.notNull("fallback", fallback);
        return self();
    }

    /**
     * How many processes share the compartment, to size the local fallback; default 1.
     *
     * @param expectedInstances at least 1
     * @return this builder
     */
    public B expectedInstances(int expectedInstances) {
        this.expectedInstances = Check.atLeast("expectedInstances", expectedInstances, 1);
        return self();
    }

    /**
     * Adds a listener.
     *
     * @param listener who hears rejections, lost leases and the switches of policy
     * @return this builder
     */
    public B listener(ClusterListener listener) {
        listeners.add(Check.notNull("listener", listener));
        return self();
    }

    /**
     * Whether rejections record their stack trace; default false (they are cheap then).
     *
     * @param writableStackTrace true to record it
     * @return this builder
     */
    public B writableStackTrace(boolean writableStackTrace) {
        this.writableStackTrace = writableStackTrace;
        return self();
    }

    /** The endpoint, which must have been set. */
    RedisEndpoint requiredRedis() {
        if (redis == null) {
            throw new IllegalArgumentException("redisUri must be set to a redis:// or rediss:// URI, was not set");
        }
        return redis;
    }
}
