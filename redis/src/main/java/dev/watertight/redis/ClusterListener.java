package dev.watertight.redis;

import dev.watertight.CompartmentRejectedException;

/**
 * Hears the rare events of a cluster-wide compartment: rejections, Redis going away and coming
 * back, and leases lost because their holder could not renew them in time.
 *
 * <p>Listeners run on the thread where the event happened (the rejected caller, the renewal or
 * probe thread), after the compartment's own state is consistent. A listener that throws cannot
 * break the compartment: the exception is caught and counted ({@code listenerFailures()}).
 * Implementations must be thread-safe and quick. Every method does nothing by default.
 */
public interface ClusterListener {

    /**
     * A call was refused.
     *
     * @param compartment the compartment's name
     * @param rejection the exception the caller receives (do not throw it)
     */
    default void onRejected(String compartment, CompartmentRejectedException rejection) {}

    /**
     * Redis stopped answering; the compartment is now on its fallback policy.
     *
     * @param compartment the compartment's name
     * @param policy the policy now in force
     * @param reason what failed, without credentials
     */
    default void onRedisUnavailable(String compartment, FallbackPolicy policy, String reason) {}

    /**
     * Redis answers again; the compartment is back on its cluster-wide state.
     *
     * @param compartment the compartment's name
     */
    default void onRedisAvailable(String compartment) {}

    /**
     * A lease held here had expired on the server before it could be renewed (the holder paused,
     * or Redis was away longer than the lease time). Another process may hold the permit now; its
     * fencing token is higher than this lease's.
     *
     * @param compartment the compartment's name
     * @param fencingToken the lost lease's fencing token
     */
    default void onLeaseLost(String compartment, long fencingToken) {}
}
