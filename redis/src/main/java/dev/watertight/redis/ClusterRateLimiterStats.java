package dev.watertight.redis;

import java.time.Duration;

/**
 * A snapshot of a {@link ClusterRateLimiter} as this process sees it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the compartment's name
 * @param permitsPerPeriod the cluster-wide rate's permits per period
 * @param period the rate's period
 * @param permitted requests of this process allowed (by Redis or by the local fallback)
 * @param rejected requests of this process refused
 * @param redisAvailable whether Redis answered the last command
 * @param fallbackActive whether requests are decided by the local fallback now
 * @param redisOutages how many times Redis became unavailable
 * @param roundTrips Redis round trips made
 * @param roundTripP50 their median time
 * @param roundTripP99 their 99th percentile
 * @param roundTripMax the longest
 */
public record ClusterRateLimiterStats(
        String name,
        int permitsPerPeriod,
        Duration period,
        long permitted,
        long rejected,
        boolean redisAvailable,
        boolean fallbackActive,
        long redisOutages,
        long roundTrips,
        Duration roundTripP50,
        Duration roundTripP99,
        Duration roundTripMax) {}
