package dev.watertight.redis;

/**
 * What a cluster-wide compartment does while Redis cannot be reached or does not answer within
 * its {@code redisTimeout}.
 *
 * <p>The switch happens on the first command that fails or times out, so callers are on the
 * policy at most one {@code redisTimeout} after Redis stopped answering. A probe then asks Redis
 * every {@code probeInterval}; the first answer switches the compartment back. Both switches are
 * reported to the {@link ClusterListener} and shown in the stats.
 *
 * <p>Immutable and thread-safe, as every enum.
 */
public enum FallbackPolicy {
    /**
     * Refuse every call with a {@link ClusterUnavailableException} naming the compartment and the
     * (masked) Redis endpoint. Safe for a resource that must never see more than the limit.
     */
    FAIL_CLOSED,
    /**
     * Admit calls through a local {@link dev.watertight.Bulkhead} holding this instance's share
     * of the limit, {@code maxConcurrent / expectedInstances} (at least 1). While it is in force
     * the cluster as a whole may exceed the limit by the leases held before Redis went away, until
     * they expire: availability over strictness.
     */
    FALLBACK_LOCAL
}
