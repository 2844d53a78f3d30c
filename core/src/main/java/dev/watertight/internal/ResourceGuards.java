package dev.watertight.internal;

import dev.watertight.CpuBudget;
import dev.watertight.Criticality;
import dev.watertight.HeapPressure;
import dev.watertight.ResourceMeter;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/**
 * The resource guards of a compartment: shedding under heap pressure and the CPU budget's
 * admission at the door, before any other guard, and the CPU budget's charge and the meter around
 * the task on the thread that runs it. Any of them may be absent.
 *
 * @param heapPressure the signal that sheds this compartment's work, or null
 * @param criticality the compartment's criticality, for the signal
 * @param cpuBudget the compartment's CPU budget, or null
 * @param meter the compartment's resource meter, or null
 */
public record ResourceGuards(@Nullable HeapPressure heapPressure, Criticality criticality, @Nullable CpuBudget cpuBudget,
        @Nullable ResourceMeter meter) {

    /** No resource guard at all. */
    public static final ResourceGuards NONE = new ResourceGuards(null, Criticality.DEFAULT, null, null);

    /**
     * Refuses the call if the heap is too short for its criticality, or the CPU budget is
     * spent and the budget says so (or its wait runs out).
     *
     * @param compartment the compartment's name
     */
    public void admit(String compartment) {
        if (heapPressure != null) {
            heapPressure.admit(compartment, criticality);
        }
        if (cpuBudget != null) {
            cpuBudget.admit();
        }
    }

    /**
     * Runs the task on this thread, charging its CPU time to the budget and its use to the meter.
     *
     * @param task the task
     * @param <T> its result
     * @return its result
     * @throws Exception whatever the task throws
     */
    public <T> T measured(Callable<? extends T> task) throws Exception {
        if (!measures()) {
            return task.call();
        }
        long cpuBefore = cpuBudget != null ? ThreadCounters.cpuNanos() : 0;
        long wallBefore = cpuBefore < 0 ? System.nanoTime() : 0;
        try {
            return meter == null ? task.call() : meter.call(task::call);
        } finally {
            if (cpuBudget != null) {
                // A virtual thread has no CPU counter: its wall time is charged, as CpuBudget.call does.
                cpuBudget.charge(cpuBefore < 0 ? System.nanoTime() - wallBefore : ThreadCounters.cpuNanos() - cpuBefore);
            }
        }
    }

    /** Whether the task is measured at all (a CPU budget or a meter). */
    public boolean measures() {
        return cpuBudget != null || meter != null;
    }

    /** The admission layers for the compartment's description, outermost first, or null. */
    @Nullable String admission() {
        String shed = heapPressure == null ? null : "shed under heap pressure (" + criticality + ")";
        String budget = cpuBudget == null ? null : "cpu budget " + cpuBudget.cores() + " cores";
        if (shed != null && budget != null) {
            return shed + " -> " + budget;
        }
        return shed != null ? shed : budget;
    }

    /** The measuring layer for the compartment's description, innermost, or null. */
    @Nullable String accounting() {
        return meter == null ? null : "resource meter";
    }
}
