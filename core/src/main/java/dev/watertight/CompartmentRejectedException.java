package dev.watertight;

import java.util.concurrent.RejectedExecutionException;

/**
 * A call that a compartment refused to admit. The message names the compartment and says why.
 *
 * <p>Rejections are part of normal operation under load, so they are cheap: by default no stack
 * trace is captured (a builder setting turns it on) and the message is built only when someone
 * asks for it. The subclass says why the call was refused.
 *
 * <p>Instances are created per rejection and are not shared between threads by Watertight.
 *
 * <p>Thread-safe once thrown: its fields are final and its message is built from them when it is read.
 *
 * @serial exclude
 */
public abstract class CompartmentRejectedException extends RejectedExecutionException {
    private static final long serialVersionUID = 1L;

    private final String compartment;
    private final boolean stackTraceCaptured;

    /**
     * Creates a rejection for the named compartment.
     *
     * @param compartment the name of the compartment that refused the call
     * @param captureStackTrace whether to record where the rejection happened; off by default
     *     in every guard, since a stack trace costs microseconds
     */
    // Throwable.fillInStackTrace reads only the current thread's stack, none of this object's state.
    @SuppressWarnings("this-escape")
    protected CompartmentRejectedException(String compartment, boolean captureStackTrace) {
        // The cause is set explicitly (to null) so that it cannot be set later.
        super((String) null, null);
        this.compartment = compartment;
        this.stackTraceCaptured = captureStackTrace;
        if (captureStackTrace) {
            super.fillInStackTrace();
        }
    }

    /** {@return the name of the compartment that refused the call} */
    public final String compartment() {
        return compartment;
    }

    /** {@return whether this exception carries the stack trace of the rejected call} */
    public final boolean stackTraceCaptured() {
        return stackTraceCaptured;
    }

    /**
     * Says why the call was refused; called only when the message is asked for.
     *
     * @return a sentence naming the compartment and the reason
     */
    protected abstract String describe();

    @Override
    public final String getMessage() {
        return describe();
    }

    /**
     * Records the stack only when asked to: the superclass constructor calls this before the
     * subclass fields are set, so the field reads {@code false} then and the constructor fills
     * the trace in afterwards if it was wanted.
     */
    @Override
    // Throwable's is synchronized to guard the trace it fills; this one fills nothing itself, and
    // the superclass call it makes keeps that lock. No monitor in our code (house rule).
    @SuppressWarnings("UnsynchronizedOverridesSynchronized")
    public Throwable fillInStackTrace() {
        return stackTraceCaptured ? super.fillInStackTrace() : this;
    }
}
