package dev.watertight.demo.storm;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Drives a service through a {@link Timeline}: an open-loop load (requests arrive at the
 * phase's rates whether or not earlier ones have been answered, as users do), each request on a
 * virtual thread with the JDK {@code HttpClient}; latencies recorded with HdrHistogram; the
 * payment stub switched at the phase boundaries; the service's snapshot read every second for
 * the report. A few seconds of the calm load run first, unrecorded, so that the calm phase, which
 * the others are compared with, does not measure the service's warm-up.
 *
 * <p>Requests still unanswered are capped ({@value #MAX_OUTSTANDING}): beyond that, an arrival
 * counts as failed at once, so a service that has sunk cannot make the generator itself sink.
 */
public final class Storm {
    static final int MAX_OUTSTANDING = 5_000;
    static final int WARM_UP_SECONDS = 3;

    private final URI base;
    private final Timeline timeline;
    private final Duration requestTimeout;

    /**
     * Prepares a storm.
     *
     * @param base the service's base URI
     * @param timeline the script
     * @param requestTimeout how long a request may take before it counts as failed
     */
    public Storm(URI base, Timeline timeline, Duration requestTimeout) {
        this.base = base;
        this.timeline = timeline;
        this.requestTimeout = requestTimeout;
    }

    /**
     * Runs the storm to its end and waits for the last answers.
     *
     * @param mode the service's mode, for the result
     * @param progress hears one line per second (the phase, the elapsed time, live counts)
     * @return what happened
     * @throws IOException if the service refuses to change its stubs
     */
    public StormRun run(String mode, Consumer<String> progress) throws IOException, InterruptedException {
        Target target = new Target(base, requestTimeout);
        int phases = timeline.phases().size();
        Map<Operation, OperationRecorder> recorders = new EnumMap<>(Operation.class);
        for (Operation operation : Operation.values()) {
            recorders.put(operation, new OperationRecorder(phases));
        }
        for (int i = 0; i < 20; i++) {
            target.send(Operation.SIGNUP); // a few users for reads and orders to name
        }
        warmUp(target, progress, mode);
        AtomicInteger outstanding = new AtomicInteger();
        long start = System.nanoTime();
        List<Thread> drivers = startDrivers(timeline, target, recorders, outstanding, start);
        List<String> snapshots = new ArrayList<>();
        Phase current = null;
        for (int second = 0; second < timeline.seconds(); second++) {
            Phase phase = timeline.phaseAt(second);
            if (phase != current) {
                // Half a second in, so that requests sent in the previous phase's last moments
                // meet that phase's dependency, not this one's.
                LockSupport.parkNanos(start + TimeUnit.MILLISECONDS.toNanos(second * 1000L + 500) - System.nanoTime());
                target.stub("payment", phase.paymentLatencyMs(), phase.paymentFailureRate());
                current = phase;
            }
            LockSupport.parkNanos(start + TimeUnit.SECONDS.toNanos(second + 1) - System.nanoTime());
            recorders.values().forEach(OperationRecorder::closeSecond);
            snapshots.add(target.snapshot());
            progress.accept(progressLine(mode, second + 1, phase, recorders, outstanding.get()));
        }
        for (Thread driver : drivers) {
            driver.join();
        }
        long waitUntil = System.nanoTime() + requestTimeout.toNanos() + TimeUnit.SECONDS.toNanos(2);
        while (outstanding.get() > 0 && System.nanoTime() < waitUntil) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // the last answers, bounded by the timeout
        }
        target.stub("payment", Timeline.PAYMENT_LATENCY_MS, 0);
        return result(mode, recorders, snapshots);
    }

    /**
     * The first phase's load for a few seconds, recorded nowhere: the service's code is compiled
     * and its pools filled before the calm phase sets the baseline the others are compared with.
     */
    private void warmUp(Target target, Consumer<String> progress, String mode) throws InterruptedException {
        Phase first = timeline.phases().get(0);
        Timeline warmUp = new Timeline(List.of(new Phase("warm-up", WARM_UP_SECONDS, first.rates(), 0, 0)));
        Map<Operation, OperationRecorder> discarded = new EnumMap<>(Operation.class);
        for (Operation operation : Operation.values()) {
            discarded.put(operation, new OperationRecorder(1));
        }
        AtomicInteger outstanding = new AtomicInteger();
        progress.accept(mode + " warming up for " + WARM_UP_SECONDS + " s");
        for (Thread driver : startDrivers(warmUp, target, discarded, outstanding, System.nanoTime())) {
            driver.join();
        }
        long waitUntil = System.nanoTime() + requestTimeout.toNanos();
        while (outstanding.get() > 0 && System.nanoTime() < waitUntil) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private static List<Thread> startDrivers(Timeline script, Target target, Map<Operation, OperationRecorder> recorders,
            AtomicInteger outstanding, long start) {
        List<Thread> drivers = new ArrayList<>();
        for (Operation operation : Operation.values()) {
            drivers.add(Thread.ofPlatform().daemon().name("storm-" + operation.label()).start(
                    () -> arrivals(script, operation, target, recorders.get(operation), outstanding, start)));
        }
        return drivers;
    }

    private static void arrivals(Timeline timeline, Operation operation, Target target, OperationRecorder recorder,
            AtomicInteger outstanding, long start) {
        double at = 0; // seconds from the start of the storm
        int total = timeline.seconds();
        while (at < total) {
            int phaseIndex = timeline.phaseIndexAt((int) at);
            double rate = timeline.phases().get(phaseIndex).rate(operation);
            if (rate <= 0) {
                at = timeline.phaseEnd((int) at); // none in this phase
                continue;
            }
            int phaseEnd = timeline.phaseEnd((int) at);
            if (at + 1 / rate > phaseEnd) {
                at = phaseEnd; // the next arrival falls in the next phase: start again at its rate
                continue;
            }
            at += 1 / rate;
            if (at >= total) {
                break;
            }
            LockSupport.parkNanos(start + (long) (at * 1e9) - System.nanoTime());
            if (outstanding.incrementAndGet() > MAX_OUTSTANDING) {
                outstanding.decrementAndGet();
                recorder.record(phaseIndex, Outcome.FAILED, 0);
                continue;
            }
            Thread.ofVirtual().start(() -> {
                long sent = System.nanoTime();
                try {
                    Outcome outcome = target.send(operation);
                    recorder.record(phaseIndex, outcome, System.nanoTime() - sent);
                } finally {
                    outstanding.decrementAndGet();
                }
            });
        }
    }

    private String progressLine(String mode, int second, Phase phase, Map<Operation, OperationRecorder> recorders, int outstanding) {
        int total = timeline.seconds();
        int width = 30;
        int done = (int) ((long) width * second / total);
        StringBuilder line = new StringBuilder(String.format(java.util.Locale.ROOT, "%-12s [%s%s] %3d/%ds %-16s", mode, "#".repeat(done),
                ".".repeat(width - done), second, total, phase.name()));
        for (Operation operation : Operation.values()) {
            List<double[]> seconds = recorders.get(operation).seconds();
            double[] last = seconds.isEmpty() ? new double[4] : seconds.get(seconds.size() - 1);
            line.append(String.format(java.util.Locale.ROOT, "  %s %.0f ok/%.0f 503/%.0f err", operation.label(), last[0], last[1], last[2]));
        }
        return line.append("  in flight ").append(outstanding).toString();
    }

    private StormRun result(String mode, Map<Operation, OperationRecorder> recorders, List<String> snapshots) {
        Map<Operation, OperationSummary> overall = new EnumMap<>(Operation.class);
        Map<Operation, List<double[]>> seconds = new EnumMap<>(Operation.class);
        List<Map<Operation, OperationSummary>> byPhase = new ArrayList<>();
        for (int phase = 0; phase < timeline.phases().size(); phase++) {
            Map<Operation, OperationSummary> summaries = new EnumMap<>(Operation.class);
            for (Operation operation : Operation.values()) {
                summaries.put(operation, recorders.get(operation).phase(phase));
            }
            byPhase.add(Collections.unmodifiableMap(summaries));
        }
        recorders.forEach((operation, recorder) -> {
            overall.put(operation, recorder.overall());
            seconds.put(operation, recorder.seconds());
        });
        return new StormRun(mode, timeline, Collections.unmodifiableMap(overall), List.copyOf(byPhase),
                Collections.unmodifiableMap(seconds), Collections.unmodifiableList(snapshots));
    }
}
