package dev.watertight;

/**
 * How well a compartment is doing, as judged by a {@link HealthMonitor}. The constants are in
 * order of severity, so {@code a.compareTo(b) > 0} means {@code a} is worse than {@code b}.
 *
 * <p>Immutable and thread-safe, as every enum.
 */
public enum Health {
    /** Every signal is below its degraded threshold (or back below its recovery level long enough). */
    HEALTHY,
    /**
     * The compartment still serves, but some signal says it is close to its limits or its
     * dependency is struggling: busy or queueing near its capacity, refusing or failing more calls
     * than usual, or its circuit breaker probing a dependency that was down.
     */
    DEGRADED,
    /**
     * The compartment is at its limits or its dependency is down: nearly every permit or thread
     * taken, the queue nearly full, a large share of calls refused or failing, or its circuit
     * breaker open.
     */
    UNHEALTHY;

    /**
     * The worse of this health and another.
     *
     * @param other the other health
     * @return whichever is more severe
     */
    public Health worst(Health other) {
        return other.compareTo(this) > 0 ? other : this;
    }
}
