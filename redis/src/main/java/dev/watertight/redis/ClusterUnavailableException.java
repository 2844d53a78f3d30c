package dev.watertight.redis;

import dev.watertight.CompartmentRejectedException;

/**
 * A call refused because Redis, which holds a cluster-wide compartment's state, could not be
 * reached or did not answer in time, and the compartment fails closed
 * ({@link FallbackPolicy#FAIL_CLOSED}). No permit was taken.
 *
 * <p>The message names the compartment, the Redis endpoint with its credentials masked, and the
 * reason, for example {@code ClusterBulkhead 'partner-api' fails closed: Redis at
 * redis://***@10.0.0.5:6379/0 is unavailable (connection refused); no permit was taken}.
 *
 * <p>Thread-safe once thrown: its fields are final and its message is built from them when it is read.
 *
 * @serial exclude
 */
public final class ClusterUnavailableException extends CompartmentRejectedException {
    private static final long serialVersionUID = 1L;

    private final String kind;
    private final String endpoint;
    private final String reason;

    /**
     * Creates the rejection; compartments create these, applications rarely need to.
     *
     * @param kind the kind of compartment, such as {@code ClusterBulkhead}
     * @param compartment the compartment's name
     * @param endpoint the Redis endpoint, credentials already masked
     * @param reason why Redis is considered unavailable
     * @param captureStackTrace whether to record the stack
     */
    public ClusterUnavailableException(
            String kind, String compartment, String endpoint, String reason, boolean captureStackTrace) {
        super(compartment, captureStackTrace);
        this.kind = kind;
        this.endpoint = endpoint;
        this.reason = reason;
    }

    /** {@return the Redis endpoint, with any user name and password masked} */
    public String endpoint() {
        return endpoint;
    }

    /** {@return why Redis is considered unavailable} */
    public String reason() {
        return reason;
    }

    @Override
    protected String describe() {
        return kind + " '" + compartment() + "' fails closed: Redis at " + endpoint
                + " is unavailable (" + reason + "); no permit was taken";
    }
}
