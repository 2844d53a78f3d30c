package dev.watertight;

import java.util.Locale;

/**
 * Work refused because the heap is short and the work is not critical enough, for example
 * {@code Compartment 'reporting' (SHEDDABLE) is shed: the heap is ELEVATED, 83 % full after the
 * last collection}.
 *
 * <p>Thread-safe once thrown: its fields are final and its message is built from them when it is read.
 *
 * @serial exclude
 */
public final class HeapPressureException extends CompartmentRejectedException {
    private static final long serialVersionUID = 1L;

    private final Criticality criticality;
    private final HeapPressure.Level level;
    private final double occupancy;

    HeapPressureException(String compartment, Criticality criticality, HeapPressure.Level level, double occupancy,
            boolean captureStackTrace) {
        super(compartment, captureStackTrace);
        this.criticality = criticality;
        this.level = level;
        this.occupancy = occupancy;
    }

    /** {@return the refused work's criticality} */
    public Criticality criticality() {
        return criticality;
    }

    /** {@return the pressure when it was refused} */
    public HeapPressure.Level level() {
        return level;
    }

    @Override
    protected String describe() {
        return String.format(Locale.ROOT, "Compartment '%s' (%s) is shed: the heap is %s, %.0f %% full after the last collection",
                compartment(), criticality, level, occupancy * 100);
    }
}
