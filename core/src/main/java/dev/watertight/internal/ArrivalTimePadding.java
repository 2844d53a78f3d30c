package dev.watertight.internal;

/**
 * The one word every grant of a {@link RateSchedule} updates, alone on its cache line. Fields only,
 * no logic: a superclass's fields are laid out before a subclass's, so the word sits between
 * 56 bytes of padding on each side, whatever objects the allocator puts next to the schedule (the
 * limiter's own counters, another limiter's schedule). Without it, a neighbour's writes would
 * invalidate the line that every {@code tryAcquire} reads and CASes.
 */
final class ArrivalTimePadding {
    private ArrivalTimePadding() {}

    /** Padding before the word. */
    @SuppressWarnings("unused")
    abstract static class Before {
        long p01, p02, p03, p04, p05, p06, p07;
    }

    /** The theoretical arrival time; read and written only through {@link RateSchedule}'s handle. */
    abstract static class Word extends Before {
        volatile long tat;
    }

    /** Padding after the word. */
    @SuppressWarnings("unused")
    abstract static class After extends Word {
        long p11, p12, p13, p14, p15, p16, p17;
    }
}
