package dev.watertight.redis;

/**
 * Thrown inside this package when a command could not reach Redis or timed out; compartments
 * turn it into their fallback policy. It carries no stack trace: it is an expected outcome.
 */
final class RedisUnavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The reason given when the caller was interrupted while waiting for a reply. */
    static final String INTERRUPTED = "interrupted while waiting for Redis";

    RedisUnavailable(String reason) {
        super(reason, null, false, false);
    }

    /** The reason it was given: never null, unlike {@link #getMessage()} in general. */
    @Override
    public String getMessage() {
        return String.valueOf(super.getMessage());
    }

    /** Whether the caller was interrupted (its interrupt status is set); Redis may be fine. */
    boolean interrupted() {
        return INTERRUPTED.equals(getMessage());
    }
}
