package dev.watertight;

/**
 * How much a compartment's work matters when the service is short of something (heap, say):
 * the least critical work is shed first.
 *
 * <p>Immutable and thread-safe, as every enum.
 */
public enum Criticality {
    /** Shed first: work that can be retried later or dropped (reports, prefetching, analytics). */
    SHEDDABLE,
    /** Shed only when the shortage is severe: most request work. */
    DEFAULT,
    /** Never shed: the work that keeps the service alive (health checks, payments, writes). */
    CRITICAL
}
