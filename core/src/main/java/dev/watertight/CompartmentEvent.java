package dev.watertight;

import java.time.Instant;

/**
 * One rare event of a compartment, as {@link RecentEvents} keeps it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param sequence the event's number in its compartment, from 0, without gaps
 * @param at when it happened (wall clock)
 * @param compartment the compartment's name
 * @param kind what happened
 * @param detail a sentence saying what happened (a rejection's message, the timeout, the states)
 */
public record CompartmentEvent(long sequence, Instant at, String compartment, Kind kind, String detail) {

    /**
     * What happened.
     *
     * <p>Immutable and thread-safe, as every enum.
     */
    public enum Kind {
        /** A call or task was refused. */
        REJECTED,
        /** A task ran past its timeout. */
        TIMED_OUT,
        /** A task was cancelled or dropped. */
        CANCELLED,
        /** A circuit breaker changed state. */
        STATE_CHANGE
    }
}
