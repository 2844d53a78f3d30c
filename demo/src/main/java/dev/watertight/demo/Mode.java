package dev.watertight.demo;

/** How the demo service isolates its work: the two builds the storm compares. */
public enum Mode {
    /**
     * How most services are built: one shared thread pool with a long queue, one shared database
     * pool, no circuit breakers, no timeouts but the HTTP client's.
     */
    SHARED,
    /**
     * Watertight's compartments, all from the shipped {@code watertight-demo.yaml}: a thread pool
     * per kind of work, a breaker, bulkhead and timeout per dependency, connection compartments
     * per database role, caches with memory budgets.
     */
    COMPARTMENTS
}
