package dev.watertight;

/**
 * A task refused, or dropped before it started, because its compartment was closed.
 *
 * <p>{@link ThreadPoolBulkhead#submit} throws it after {@link ThreadPoolBulkhead#close()} has
 * begun; the future of a task that was still queued when the shutdown grace period ran out
 * completes exceptionally with it.
 *
 * <p>Thread-safe once thrown: its fields are final and its message is built from them when it is read.
 *
 * @serial exclude
 */
public final class CompartmentClosedException extends CompartmentRejectedException {
    private static final long serialVersionUID = 1L;

    private final boolean wasQueued;

    /**
     * Creates the exception. Guards create these; applications rarely need to.
     *
     * @param compartment the closed compartment's name
     * @param wasQueued whether the task had been accepted and was dropped from the queue
     *     ({@code true}) or was refused at submission ({@code false})
     * @param captureStackTrace whether to record the stack
     */
    public CompartmentClosedException(String compartment, boolean wasQueued, boolean captureStackTrace) {
        super(compartment, captureStackTrace);
        this.wasQueued = wasQueued;
    }

    /** {@return whether the task had been accepted and was dropped from the queue when the compartment closed} */
    public boolean wasQueued() {
        return wasQueued;
    }

    @Override
    protected String describe() {
        return wasQueued
                ? "Compartment '" + compartment() + "' was closed before the queued task could start"
                : "Compartment '" + compartment() + "' is closed and accepts no new tasks";
    }
}
