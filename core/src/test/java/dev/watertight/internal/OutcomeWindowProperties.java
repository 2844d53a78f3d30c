package dev.watertight.internal;

import static dev.watertight.testing.Theories.check;
import static dev.watertight.testing.Theories.ints;
import static org.assertj.core.api.Assertions.assertThat;

import dev.watertight.testing.ManualTimeSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * Each sliding window of the circuit breaker, driven through random sequences of outcomes (and,
 * for the time-based one, random moves of the clock), counts exactly what a plain reference model
 * counts after every step. See {@link dev.watertight.testing.Theories} for how a failure is
 * replayed.
 */
class OutcomeWindowProperties {

    /** One step: record an outcome, or move the clock by some milliseconds first. */
    record Step(long advanceMillis, int outcome) {}

    /** Up to 300 steps; one in four moves the clock by up to 25 s first. */
    private static Gen<List<Step>> steps() {
        Gen<Long> advances = Generate.frequency(List.of(
                Pair.of(3, Generate.constant(0L)),
                Pair.of(1, SourceDSL.longs().between(1, 25_000))));
        Gen<Step> step = advances.zip(SourceDSL.integers().between(0, 3), Step::new);
        return SourceDSL.lists().of(step).ofSizeBetween(0, 300);
    }

    /** A window's size (calls or seconds) and the steps it is driven through. */
    record Run(int size, List<Step> steps) {}

    @Test
    void countWindowCountsTheLastCallsLikeAQueue() {
        check(200, ints(1, 40).zip(steps(), Run::new),
                run -> countWindowCountsTheLastCallsLikeAQueue(run.size(), run.steps()));
    }

    private static void countWindowCountsTheLastCallsLikeAQueue(int size, List<Step> steps) {
        CountWindow window = new CountWindow(size);
        Deque<Integer> reference = new ArrayDeque<>();
        for (Step step : steps) {
            window.record(step.outcome());
            reference.addLast(step.outcome());
            if (reference.size() > size) {
                reference.removeFirst();
            }
            assertThat(window.counts()).isEqualTo(countsOf(reference));
        }
    }

    @Test
    void timeWindowCountsTheCallsOfItsLastBucketsWithinTheSpan() {
        check(200, ints(1, 30).zip(steps(), Run::new),
                run -> timeWindowCountsTheCallsOfItsLastBucketsWithinTheSpan(run.size(), run.steps()));
    }

    private static void timeWindowCountsTheCallsOfItsLastBucketsWithinTheSpan(int spanSeconds, List<Step> steps) {
        ManualTimeSource time = new ManualTimeSource();
        long span = TimeUnit.SECONDS.toNanos(spanSeconds);
        int buckets = 10;
        long origin = time.nanoTime();
        TimeWindow window = new TimeWindow(time, span, buckets);
        long width = span / buckets;
        // Calls grouped by the bucket period they fell in.
        TreeMap<Long, List<Integer>> periods = new TreeMap<>();
        for (Step step : steps) {
            time.advance(step.advanceMillis(), TimeUnit.MILLISECONDS);
            long now = time.nanoTime();
            window.record(step.outcome());
            periods.computeIfAbsent(Math.floorDiv(now - origin, width), key -> new ArrayList<>()).add(step.outcome());

            // The ring keeps, for each slot (period mod buckets), the latest period that had calls;
            // of those, the ones that ended less than a span ago count.
            Map<Long, Long> latestPerSlot = new java.util.HashMap<>();
            for (long period : periods.keySet()) {
                latestPerSlot.merge(Math.floorMod(period, (long) buckets), period, Math::max);
            }
            List<Integer> counted = new ArrayList<>();
            for (long period : latestPerSlot.values()) {
                long end = origin + (period + 1) * width;
                if (now - end < span) {
                    counted.addAll(periods.get(period));
                }
            }
            assertThat(window.counts()).isEqualTo(countsOf(counted));
        }
    }

    private static OutcomeWindow.Counts countsOf(Iterable<Integer> outcomes) {
        int calls = 0;
        int failures = 0;
        int slow = 0;
        for (int outcome : outcomes) {
            calls++;
            failures += outcome & OutcomeWindow.FAILURE;
            slow += (outcome & OutcomeWindow.SLOW) >> 1;
        }
        return new OutcomeWindow.Counts(calls, failures, slow);
    }
}
