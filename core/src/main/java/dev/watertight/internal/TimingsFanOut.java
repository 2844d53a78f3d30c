package dev.watertight.internal;

import dev.watertight.CallTimings;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * What a guard holds while timings are attached: every attached {@link CallTimings}, each told in
 * turn, and one that throws counted as a listener failure while the others still hear the report.
 * Immutable: attaching or detaching builds a new fan-out, and the guard replaces its field (a
 * volatile its call path reads once per call). A call that read the field before a detach still
 * reports to the fan-out it read, so detaching stops reports of calls that start afterwards.
 *
 * <p>Attaching the same timings twice reports to them twice; each detach removes one of them.
 */
final class TimingsFanOut implements CallTimings {
    private final CallTimings[] targets;
    private final Listeners failures;

    private TimingsFanOut(CallTimings[] targets, Listeners failures) {
        this.targets = targets;
        this.failures = failures;
    }

    /**
     * The fan-out with one more target.
     *
     * @param current what the guard holds now, or null for none
     * @param added the timings to attach
     * @param failures where failures of the timings are counted
     * @return the new fan-out
     */
    static TimingsFanOut plus(@Nullable TimingsFanOut current, CallTimings added, Listeners failures) {
        if (current == null) {
            return new TimingsFanOut(new CallTimings[] {added}, failures);
        }
        CallTimings[] targets = Arrays.copyOf(current.targets, current.targets.length + 1);
        targets[current.targets.length] = added;
        return new TimingsFanOut(targets, failures);
    }

    /**
     * The fan-out without one occurrence of the target.
     *
     * @param current what the guard holds now, or null for none
     * @param removed the timings to detach, compared by identity
     * @return the new fan-out, or null if nothing is left
     */
    static @Nullable TimingsFanOut minus(@Nullable TimingsFanOut current, CallTimings removed) {
        if (current == null) {
            return null;
        }
        CallTimings[] targets = current.targets;
        for (int i = 0; i < targets.length; i++) {
            if (targets[i] == removed) {
                if (targets.length == 1) {
                    return null;
                }
                CallTimings[] rest = new CallTimings[targets.length - 1];
                System.arraycopy(targets, 0, rest, 0, i);
                System.arraycopy(targets, i + 1, rest, i, rest.length - i);
                return new TimingsFanOut(rest, current.failures);
            }
        }
        return current;
    }

    @Override
    public void waited(long nanos) {
        for (CallTimings target : targets) {
            try {
                target.waited(nanos);
            } catch (Throwable failure) {
                failures.failed(failure);
            }
        }
    }

    @Override
    public void ran(long nanos) {
        for (CallTimings target : targets) {
            try {
                target.ran(nanos);
            } catch (Throwable failure) {
                failures.failed(failure);
            }
        }
    }

    @Override
    public String toString() {
        return "CallTimings" + Arrays.toString(targets);
    }
}
