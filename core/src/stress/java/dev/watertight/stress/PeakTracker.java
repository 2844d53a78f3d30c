package dev.watertight.stress;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts bodies running at once and remembers the highest count seen. */
final class PeakTracker {
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();

    void enter() {
        int now = running.incrementAndGet();
        peak.accumulateAndGet(now, Math::max);
    }

    void exit() {
        running.decrementAndGet();
    }

    int peak() {
        return peak.get();
    }

    int running() {
        return running.get();
    }
}
