package dev.watertight.demo.storm;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The outcomes and latencies of one operation: per phase of the timeline (HdrHistogram, for the
 * tables) and per second (for the report's charts). Requests record from any thread; one sampler
 * thread closes each second.
 */
final class OperationRecorder {
    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(2);

    private final int phases;
    private final Histogram[] latencies;
    private final LongAdder[][] outcomes;
    private final Recorder thisSecond = new Recorder(HIGHEST_MICROS, 3);
    private final LongAdder[] thisSecondOutcomes = {new LongAdder(), new LongAdder(), new LongAdder()};
    private final List<double[]> seconds = new ArrayList<>(); // sampler thread only: {succeeded/s, rejected/s, failed/s, p99 ms}

    OperationRecorder(int phases) {
        this.phases = phases;
        this.latencies = new Histogram[phases];
        this.outcomes = new LongAdder[phases][Outcome.values().length];
        for (int phase = 0; phase < phases; phase++) {
            latencies[phase] = new ConcurrentHistogram(HIGHEST_MICROS, 3);
            for (int kind = 0; kind < Outcome.values().length; kind++) {
                outcomes[phase][kind] = new LongAdder();
            }
        }
    }

    /** Records a request that started in the given phase. */
    @SuppressWarnings("EnumOrdinal") // the counters are an array indexed by outcome, on the hot path
    void record(int phase, Outcome outcome, long nanos) {
        outcomes[phase][outcome.ordinal()].increment();
        thisSecondOutcomes[outcome.ordinal()].increment();
        if (outcome == Outcome.SUCCEEDED) {
            long micros = Math.min(HIGHEST_MICROS, Math.max(1, nanos / 1000));
            latencies[phase].recordValue(micros);
            thisSecond.recordValue(micros);
        }
    }

    /** Closes the second that just ended; called by the sampler only. */
    void closeSecond() {
        Histogram second = thisSecond.getIntervalHistogram();
        seconds.add(new double[] {
            thisSecondOutcomes[0].sumThenReset(), thisSecondOutcomes[1].sumThenReset(), thisSecondOutcomes[2].sumThenReset(),
            second.getTotalCount() == 0 ? Double.NaN : second.getValueAtPercentile(99) / 1000.0});
    }

    /** The summary of one phase. */
    OperationSummary phase(int phase) {
        return OperationSummary.of(outcomes[phase][0].sum(), outcomes[phase][1].sum(), outcomes[phase][2].sum(),
                latencies[phase].copy());
    }

    /** The summary of the whole storm. */
    OperationSummary overall() {
        Histogram all = new Histogram(HIGHEST_MICROS, 3);
        long[] counts = new long[3];
        for (int phase = 0; phase < phases; phase++) {
            all.add(latencies[phase]);
            for (int kind = 0; kind < 3; kind++) {
                counts[kind] += outcomes[phase][kind].sum();
            }
        }
        return OperationSummary.of(counts[0], counts[1], counts[2], all);
    }

    /** Per second: succeeded, rejected, failed, p99 in ms (NaN when nothing succeeded). */
    List<double[]> seconds() {
        return List.copyOf(seconds);
    }
}
