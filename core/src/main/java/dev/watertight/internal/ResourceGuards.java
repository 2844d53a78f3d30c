package dev.watertight.internal;

import dev.watertight.CpuBudget;
import dev.watertight.Criticality;
import dev.watertight.HeapPressure;
import dev.watertight.ResourceMeter;
import java.util.concurrent.Callable;

/**
 * The resource guards of a compartment: shedding under heap pressure at the door, and a CPU
 * budget and a meter around the task on the thread that runs it. Any of them may be absent.
 *
 * @param heapPressure the signal that sheds this compartment's work, or null
 * @param criticality the compartment's criticality, for the signal
 * @param cpuBudget the compartment's CPU budget, or null
 * @param meter the compartment's resource meter, or null
 */
public record ResourceGuards(HeapPressure heapPressure, Criticality criticality, CpuBudget cpuBudget, ResourceMeter meter) {

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
        if (cpuBudget == null && meter == null) {
            return task.call();
        }
        long cpuBefore = cpuBudget != null ? ThreadCounters.cpuNanos() : 0;
        try {
            return meter == null ? task.call() : meter.call(task::call);
        } finally {
            if (cpuBudget != null && cpuBefore >= 0) {
                cpuBudget.charge(ThreadCounters.cpuNanos() - cpuBefore);
            }
        }
    }

    /** The layers for the compartment's description, outermost first. */
    String shedding() {
        return heapPressure == null ? null : "shed under heap pressure (" + criticality + ")";
    }

    String accounting() {
        String budget = cpuBudget == null ? null : "cpu budget " + cpuBudget.cores() + " cores";
        String meterText = meter == null ? null : "resource meter";
        if (budget != null && meterText != null) {
            return budget + " -> " + meterText;
        }
        return budget != null ? budget : meterText;
    }
}
