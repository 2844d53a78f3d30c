package dev.watertight;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The deadline of the current call, set by an enclosing {@link Timeout} on the calling thread,
 * so that inner guards and the call itself can see how much time is left and pass it on (to a
 * JDBC query timeout, an HTTP client, a downstream request header).
 *
 * <pre>{@code
 * timeout.call(() -> {
 *     statement.setQueryTimeout((int) Math.max(1, Deadline.remaining().orElseThrow().toSeconds()));
 *     return statement.executeQuery();
 * });
 * }</pre>
 *
 * <p>Nested timeouts never extend an outer one: the deadline inside is the earlier of the two.
 * A {@link Bulkhead} waiting for a permit waits no longer than the deadline. The deadline belongs
 * to the thread that called; work handed to another thread does not see it unless passed on.
 *
 * <p>Thread-safe: each thread sees only its own deadline.
 */
public final class Deadline {
    /** Per thread: the instant, on its time source, and that source. Reused, never reallocated. */
    private static final ThreadLocal<Deadline> CURRENT = ThreadLocal.withInitial(Deadline::new);

    private long at;
    private @Nullable TimeSource source; // null: no deadline

    private Deadline() {}

    /**
     * Time left before the current call's deadline.
     *
     * @return the time left (zero or negative once passed), or empty if no deadline is set
     */
    public static Optional<Duration> remaining() {
        Deadline current = CURRENT.get();
        return current.source == null ? Optional.empty() : Optional.of(Duration.ofNanos(current.at - current.source.nanoTime()));
    }

    /**
     * Time left before the current call's deadline, in nanoseconds.
     *
     * @return the nanoseconds left (zero or negative once passed), or {@link Long#MAX_VALUE} if
     *     no deadline is set
     */
    public static long remainingNanos() {
        Deadline current = CURRENT.get();
        return current.source == null ? Long.MAX_VALUE : current.at - current.source.nanoTime();
    }

    /** {@return whether the current call has a deadline} */
    public static boolean isSet() {
        return CURRENT.get().source != null;
    }

    /**
     * Opens a scope in which the deadline is at most {@code timeout} from now (or the enclosing
     * deadline, if that is earlier). Use it in try-with-resources.
     *
     * @param timeout how far from now, at most
     * @return the scope, which restores the previous deadline when closed
     */
    public static Scope within(Duration timeout) {
        return within(TimeSource.system(), timeout.toNanos());
    }

    /**
     * Opens a scope in which the deadline is at most {@code timeoutNanos} from now on the given
     * clock (or the enclosing deadline, if that is earlier). Guards call this.
     *
     * @param source the clock of the new deadline
     * @param timeoutNanos how far from now, at most
     * @return the scope, which restores the previous deadline when closed
     */
    public static Scope within(TimeSource source, long timeoutNanos) {
        Deadline current = CURRENT.get();
        Scope previous = new Scope(current, current.at, current.source);
        long now = source.nanoTime();
        long candidate = now + timeoutNanos;
        if (current.source == null || candidate - (now + (current.at - current.source.nanoTime())) < 0) {
            current.at = candidate;
            current.source = source;
        }
        return previous;
    }

    /**
     * A deadline scope: closing it restores the deadline that was current before it opened.
     *
     * <p>Not thread-safe: a scope belongs to the thread that opened it, which must close it.
     */
    public static final class Scope implements AutoCloseable {
        private final Deadline deadline;
        private final long at;
        private final @Nullable TimeSource source;

        private Scope(Deadline deadline, long at, @Nullable TimeSource source) {
            this.deadline = deadline;
            this.at = at;
            this.source = source;
        }

        /** Restores the deadline that was current before this scope opened. */
        @Override
        public void close() {
            deadline.at = at;
            deadline.source = source;
        }
    }
}
