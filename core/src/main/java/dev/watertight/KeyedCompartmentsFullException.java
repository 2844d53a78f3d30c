package dev.watertight;

/**
 * A call refused by a {@link KeyedCompartments} group because its key had no compartment yet, the
 * group already held its {@code maxKeys} compartments, and every one of them had work in flight,
 * so none could be evicted to make room. The message names the group, its bound and the reason,
 * for example {@code KeyedCompartments 'tenants' is full: all 10000 compartments have calls in
 * flight, so none can be evicted to make room for a new key}.
 *
 * <p>Like every rejection it is cheap: no stack trace unless the group was built with
 * {@link KeyedCompartments.Builder#writableStackTrace(boolean)}, and the message is built only when
 * asked for.
 *
 * <p>Thread-safe once thrown: its fields are final and its message is built from them when it is read.
 *
 * @serial exclude
 */
public final class KeyedCompartmentsFullException extends CompartmentRejectedException {
    private static final long serialVersionUID = 1L;

    private final int maxKeys;

    /**
     * Creates the exception. The group creates these; applications rarely need to.
     *
     * @param group the group's name
     * @param maxKeys its bound on live compartments
     * @param captureStackTrace whether to record the stack
     */
    public KeyedCompartmentsFullException(String group, int maxKeys, boolean captureStackTrace) {
        super(group, captureStackTrace);
        this.maxKeys = maxKeys;
    }

    /** {@return the group's bound on live compartments} */
    public int maxKeys() {
        return maxKeys;
    }

    @Override
    protected String describe() {
        return "KeyedCompartments '" + compartment() + "' is full: all " + maxKeys
                + " compartments have calls in flight, so none can be evicted to make room for a new key";
    }
}
