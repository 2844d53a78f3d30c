package dev.watertight;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * A task that ran longer than its compartment's timeout. Its future completes exceptionally with
 * this exception as the cause, and the thread running it is interrupted.
 *
 * <p>The task's thread stays counted as busy until the task's code really returns, so a body that
 * ignores the interrupt still occupies its compartment and never lets more work run than the
 * compartment allows.
 *
 * <p>Thread-safe once thrown: its fields are final and its message is built from them when it is read.
 *
 * @serial exclude
 */
public final class TaskTimeoutException extends TimeoutException {
    private static final long serialVersionUID = 1L;

    private final String compartment;
    private final Duration timeout;

    /**
     * Creates the exception. Guards create these; applications rarely need to.
     *
     * @param compartment the name of the compartment whose timeout ran out
     * @param timeout the timeout that ran out
     */
    public TaskTimeoutException(String compartment, Duration timeout) {
        super(null);
        this.compartment = compartment;
        this.timeout = timeout;
    }

    /** {@return the name of the compartment whose timeout ran out} */
    public String compartment() {
        return compartment;
    }

    /** {@return the timeout that ran out, measured from when the task started running} */
    public Duration timeout() {
        return timeout;
    }

    @Override
    public String getMessage() {
        return "Task in compartment '" + compartment + "' timed out after " + timeout.toMillis()
                + " ms and was interrupted";
    }

    /** A timeout is an expected outcome; its stack trace would only show the timer thread. */
    @Override
    @SuppressWarnings("UnsynchronizedOverridesSynchronized") // it fills nothing, so guards nothing
    public Throwable fillInStackTrace() {
        return this;
    }
}
