/**
 * Cluster-wide compartments on Redis: a {@link dev.watertight.redis.ClusterBulkhead} whose limit
 * holds across every process that shares it, and a {@link dev.watertight.redis.ClusterRateLimiter}
 * whose rate does.
 *
 * <p>Both keep their state in Redis and change it only through Lua scripts that read the
 * server's clock ({@code TIME}), so the clocks of the clients never decide whether a lease has
 * expired or a request fits the rate. Both state what happens when Redis cannot be reached
 * ({@link dev.watertight.redis.FallbackPolicy}). The Redis client is Lettuce.
 */
@NullMarked
package dev.watertight.redis;

import org.jspecify.annotations.NullMarked;
