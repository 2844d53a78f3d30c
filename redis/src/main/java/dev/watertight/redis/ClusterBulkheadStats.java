package dev.watertight.redis;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a {@link ClusterBulkhead} as this process sees it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the compartment's name
 * @param maxConcurrent the cluster-wide limit
 * @param clusterInUse leases held in the whole cluster, as of the last reply from Redis this
 *     process received ({@link ClusterBulkhead#clusterInUse()} asks Redis now)
 * @param localHolders calls of this process holding a permit (cluster leases and local fallback
 *     permits)
 * @param waiting callers of this process waiting for a permit
 * @param acquired permits granted to this process, cluster-wide and by the fallback
 * @param rejected callers refused (full, or Redis unavailable under {@code FAIL_CLOSED})
 * @param renewals leases renewed
 * @param expiredReclaimed expired leases (of any process) this process removed from Redis
 * @param leasesLost leases of this process found expired when it tried to renew them
 * @param redisAvailable whether Redis answered the last command
 * @param fallbackActive whether callers are admitted by the local fallback now
 * @param fallbackInUse permits of the local fallback in use
 * @param unavailableSince when Redis became unavailable (wall clock), or null while it is available
 * @param redisOutages how many times Redis became unavailable
 * @param roundTrips Redis round trips made (scripts; a failed or timed-out one counts)
 * @param roundTripP50 their median time
 * @param roundTripP99 their 99th percentile
 * @param roundTripMax the longest
 */
public record ClusterBulkheadStats(
        String name,
        int maxConcurrent,
        long clusterInUse,
        long localHolders,
        long waiting,
        long acquired,
        long rejected,
        long renewals,
        long expiredReclaimed,
        long leasesLost,
        boolean redisAvailable,
        boolean fallbackActive,
        int fallbackInUse,
        @Nullable Instant unavailableSince,
        long redisOutages,
        long roundTrips,
        Duration roundTripP50,
        Duration roundTripP99,
        Duration roundTripMax) {}
