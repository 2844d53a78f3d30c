package dev.watertight.micrometer;

import dev.watertight.CallTimings;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * Records a guard's measured waits and running times into two Micrometer {@link Timer}s. Timers
 * are thread-safe and record without a lock, so this can run on every caller's thread.
 */
final class MicrometerCallTimings implements CallTimings {
    private final Timer wait;
    private final Timer execution;

    MicrometerCallTimings(Timer wait, Timer execution) {
        this.wait = wait;
        this.execution = execution;
    }

    @Override
    public void waited(long nanos) {
        wait.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void ran(long nanos) {
        execution.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public String toString() {
        return "Micrometer[" + wait.getId().getName() + ", " + execution.getId().getName() + "]";
    }
}
