package dev.watertight.testing;

import dev.watertight.BulkheadStats;
import dev.watertight.CircuitBreaker;
import dev.watertight.CircuitBreakerStats;
import dev.watertight.CompartmentStats;

/**
 * A compartment whose stats a test sets by hand: a bulkhead (and, if given a state, a circuit
 * breaker) whose counters only grow, for driving a health monitor step by step. Permits in use
 * are set apart from the counters (the bulkhead's {@code accepted == succeeded + failed + inUse}
 * does not hold), so that a test can move utilization without making calls.
 */
public final class FakeCompartment {
    private final String name;
    private int maxConcurrent = 10;
    private int inUse;
    private long accepted;
    private long rejected;
    private long succeeded;
    private long failed;
    private CircuitBreaker.State breaker;
    private long notPermitted;

    public FakeCompartment(String name) {
        this.name = name;
    }

    /** Sets the permits in use out of {@code maxConcurrent} so that utilization is {@code share}. */
    public FakeCompartment utilization(double share) {
        maxConcurrent = 100;
        inUse = (int) Math.round(share * 100);
        return this;
    }

    /** Records calls that ended: {@code failures} of them failed. */
    public FakeCompartment calls(int calls, int failures) {
        accepted += calls;
        succeeded += calls - failures;
        failed += failures;
        return this;
    }

    /** Records refused calls. */
    public FakeCompartment rejections(int count) {
        rejected += count;
        return this;
    }

    /** Gives the compartment a breaker in this state (null: no breaker). */
    public FakeCompartment breaker(CircuitBreaker.State state) {
        breaker = state;
        return this;
    }

    /** Records calls the breaker refused. */
    public FakeCompartment notPermitted(int count) {
        notPermitted += count;
        return this;
    }

    public CompartmentStats stats() {
        BulkheadStats bulkhead = new BulkheadStats(name, maxConcurrent, inUse, 0,
                accepted, rejected, succeeded, failed);
        CircuitBreakerStats breakerStats = breaker == null ? null
                : new CircuitBreakerStats(name, breaker, 0, 0, 0, -1, -1, notPermitted);
        return new CompartmentStats(name, null, breakerStats, null, bulkhead, null, null, null, null);
    }
}
