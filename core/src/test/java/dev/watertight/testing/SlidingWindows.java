package dev.watertight.testing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Grants of a rate limiter, each with the clock reading it was decided at, and the most permits
 * any window of a given length held: every window, not only windows aligned to anything. The
 * maximum over all windows is reached by a window that starts at a grant, so checking those is
 * enough. Not thread-safe.
 */
public final class SlidingWindows {
    private final List<Grant> grants = new ArrayList<>();

    /**
     * A grant.
     *
     * @param reading the clock reading, in nanoseconds from any origin (the log does not wrap)
     * @param permits how many permits
     */
    public record Grant(long reading, int permits) {}

    /**
     * Records a grant.
     *
     * @param reading the reading it was decided at
     * @param permits how many permits it granted
     */
    public void add(long reading, int permits) {
        grants.add(new Grant(reading, permits));
    }

    /** Adds every grant of another log. */
    public void addAll(SlidingWindows other) {
        grants.addAll(other.grants);
    }

    /** The grants recorded, in the order they were added. */
    public List<Grant> grants() {
        return List.copyOf(grants);
    }

    /**
     * The permits granted at readings {@code start <= t <= start + length}.
     *
     * @param start the window's first instant
     * @param length its length in nanoseconds
     * @return the count
     */
    public long countInClosedWindow(long start, long length) {
        return grants.stream().filter(grant -> grant.reading() >= start && grant.reading() <= start + length)
                .mapToLong(Grant::permits).sum();
    }

    /** Permits granted in all. */
    public long total() {
        return grants.stream().mapToLong(Grant::permits).sum();
    }

    /** How many grants were recorded. */
    public int size() {
        return grants.size();
    }

    /**
     * The most permits granted at readings {@code s <= t <= s + length}, over every {@code s}.
     *
     * @param length the window's length in nanoseconds
     * @return the maximum
     */
    public long maxInClosedWindow(long length) {
        return maxIn(length, true);
    }

    /**
     * The most permits granted at readings {@code s <= t < s + length}, over every {@code s}.
     *
     * @param length the window's length in nanoseconds, at least 1
     * @return the maximum
     */
    public long maxInHalfOpenWindow(long length) {
        return maxIn(length, false);
    }

    private static boolean inside(long reading, long limit, boolean closed) {
        return closed ? reading <= limit : reading < limit;
    }

    private long maxIn(long length, boolean closed) {
        List<Grant> sorted = new ArrayList<>(grants);
        sorted.sort(Comparator.comparingLong(Grant::reading));
        long best = 0;
        long inWindow = 0;
        int end = 0;
        for (int start = 0; start < sorted.size(); start++) {
            long limit = sorted.get(start).reading() + length;
            while (end < sorted.size() && inside(sorted.get(end).reading(), limit, closed)) {
                inWindow += sorted.get(end).permits();
                end++;
            }
            best = Math.max(best, inWindow);
            inWindow -= sorted.get(start).permits();
        }
        return best;
    }
}
