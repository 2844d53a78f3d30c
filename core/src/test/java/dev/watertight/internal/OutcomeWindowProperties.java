package dev.watertight.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watertight.testing.ManualTimeSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Each sliding window of the circuit breaker, driven through random sequences of outcomes (and,
 * for the time-based one, random moves of the clock), counts exactly what a plain reference model
 * counts after every step.
 */
class OutcomeWindowProperties {

    /** One step: record an outcome, or move the clock by some milliseconds first. */
    record Step(long advanceMillis, int outcome) {}

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> step = Combinators.combine(
                        Arbitraries.frequencyOf(
                                net.jqwik.api.Tuple.of(3, Arbitraries.just(0L)),
                                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(1, 25_000))),
                        Arbitraries.integers().between(0, 3))
                .as(Step::new);
        return step.list().ofMaxSize(300);
    }

    @Property(tries = 200)
    void countWindowCountsTheLastCallsLikeAQueue(
            @ForAll @IntRange(min = 1, max = 40) int size, @ForAll("steps") List<Step> steps) {
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

    @Property(tries = 200)
    void timeWindowCountsTheCallsOfItsLastBucketsWithinTheSpan(
            @ForAll @IntRange(min = 1, max = 30) int spanSeconds, @ForAll("steps") List<Step> steps) {
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
