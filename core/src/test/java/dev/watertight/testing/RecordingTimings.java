package dev.watertight.testing;

import dev.watertight.CallTimings;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** {@link CallTimings} that keep every report, in the order they arrived, for a test to read. */
public final class RecordingTimings implements CallTimings {
    private final List<Long> waits = new CopyOnWriteArrayList<>();
    private final List<Long> runs = new CopyOnWriteArrayList<>();

    @Override
    public void waited(long nanos) {
        waits.add(nanos);
    }

    @Override
    public void ran(long nanos) {
        runs.add(nanos);
    }

    /** The waits reported so far, in nanoseconds. */
    public List<Long> waits() {
        return List.copyOf(waits);
    }

    /** The running times reported so far, in nanoseconds. */
    public List<Long> runs() {
        return List.copyOf(runs);
    }
}
