package dev.watertight.internal;

import dev.watertight.Deadline;
import dev.watertight.TaskTimeoutException;
import dev.watertight.TimeSource;
import dev.watertight.TimeoutConfig;
import dev.watertight.Timeout;
import dev.watertight.TimeoutStats;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Timeout} that interrupts the calling thread when the time runs out.
 *
 * <h2>The race between the task and the timer</h2>
 * Each synchronous call gets an {@link Expiry} with one state word: RUNNING, then either DONE (the
 * task returned first: the caller's CAS) or INTERRUPTING then EXPIRED (the timer's CAS, then the
 * interrupt, then the second write). Whoever wins the CAS decides the outcome. A caller that lost
 * waits while the state is INTERRUPTING, so the interrupt has certainly been delivered, and then
 * clears it: the interrupt meant for the task can never hit whatever the thread does next.
 *
 * <h2>Asynchronous calls</h2>
 * The timer never completes a future itself: the timer thread is shared by every compartment,
 * and completing a future runs its dependent stages there. It starts a virtual thread that does.
 *
 * <h2>Reconfiguration</h2>
 * The timeout is one immutable {@link Limit} in a volatile field, read once when a call starts;
 * {@link #reconfigure} replaces it, so calls that start afterwards get the new one and calls
 * under way keep theirs.
 */
public final class InterruptingTimeout implements Timeout {
    private final String name;
    /** The timeout in force, in both units; replaced whole by reconfigure. */
    private volatile Limit limit;
    private final TimeSource time;
    private final Listeners listeners;
    private final LongAdder calls = new LongAdder();
    private final LongAdder timedOut = new LongAdder();

    /**
     * Creates the timeout.
     *
     * @param config its settings
     */
    public InterruptingTimeout(TimeoutConfig config) {
        this.name = config.name();
        this.limit = new Limit(config);
        this.time = config.timeSource();
        this.listeners = new Listeners(name, config.listeners());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Duration timeout() {
        return limit.timeout();
    }

    @Override
    public TimeoutConfig config() {
        return limit.config();
    }

    @Override
    public void reconfigure(TimeoutConfig config) {
        if (!config.name().equals(name)) {
            throw new IllegalArgumentException("Timeout '" + name + "' cannot take the settings of '" + config.name() + "'");
        }
        TimeoutConfig kept = limit.config(); // the time source and listeners stay those it was built with
        limit = new Limit(new TimeoutConfig(name, config.timeout(), kept.timeSource(), kept.listeners()));
    }

    /** The settings in force and the timeout in nanoseconds, read together by each call. */
    private record Limit(TimeoutConfig config, Duration timeout, long nanos) {
        Limit(TimeoutConfig config) {
            this(config, config.timeout(), config.timeout().toNanos());
        }
    }

    @Override
    @SuppressWarnings("try") // a Deadline.Scope is opened for its close() alone
    public <T> T call(Callable<? extends T> task) throws Exception {
        Objects.requireNonNull(task, "task");
        calls.increment();
        long allowed = Math.min(limit.nanos(), Deadline.remainingNanos());
        if (allowed <= 0) {
            throw expired(allowed, null); // an enclosing deadline has already passed
        }
        Expiry expiry = new Expiry(Thread.currentThread(), Thread.currentThread().isInterrupted());
        Future<?> timer = time.schedule(expiry, allowed);
        T result;
        try (Deadline.Scope scope = Deadline.within(time, allowed)) {
            result = task.call();
        } catch (Throwable failure) {
            if (expiry.finishedInTime(timer)) {
                throw failure;
            }
            throw expired(allowed, failure);
        }
        if (!expiry.finishedInTime(timer)) {
            throw expired(allowed, null);
        }
        return result;
    }

    private TaskTimeoutException expired(long allowedNanos, @Nullable Throwable whatTheTaskThrew) {
        timedOut.increment();
        Duration allowed = Duration.ofNanos(Math.max(0, allowedNanos));
        TaskTimeoutException expiredException = new TaskTimeoutException(name, allowed);
        if (whatTheTaskThrew != null) {
            expiredException.initCause(whatTheTaskThrew);
        }
        listeners.timedOut(allowed);
        return expiredException;
    }

    @Override
    public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task) {
        Objects.requireNonNull(task, "task");
        calls.increment();
        long allowed = Math.min(limit.nanos(), Deadline.remainingNanos());
        if (allowed <= 0) {
            return CompletableFuture.failedFuture(expired(allowed, null)); // never start work past its deadline
        }
        CompletionStage<T> stage;
        try {
            stage = Objects.requireNonNull(task.get(), "the task returned null instead of a CompletionStage");
        } catch (Throwable failure) {
            return CompletableFuture.failedFuture(failure);
        }
        return within(stage, allowed);
    }

    /**
     * A future that mirrors the stage, or fails when {@code allowedNanos} have passed (and then
     * cancels the stage).
     *
     * @param stage the work
     * @param allowedNanos how long it may take
     * @param <T> the result type
     * @return the future
     */
    <T> CompletableFuture<T> within(CompletionStage<T> stage, long allowedNanos) {
        Duration allowed = Duration.ofNanos(Math.max(0, allowedNanos));
        Future<?>[] timer = new Future<?>[1];
        StageMirror<T> result = StageMirror.of(stage, (value, failure) -> {
            Future<?> scheduled = timer[0];
            if (scheduled != null) {
                scheduled.cancel(false); // nothing left behind in the timer's queue
            }
        });
        timer[0] = time.schedule(() -> Thread.ofVirtual().name("watertight-" + name + "-timeout").start(() -> {
            boolean expiredHere = result.completeExceptionally(new TaskTimeoutException(name, allowed));
            // The work is cancelled whenever it is still running, even if the caller cancelled
            // or completed the returned future first.
            result.cancelWork(true);
            if (expiredHere) {
                timedOut.increment();
                listeners.timedOut(allowed);
            }
        }), Math.max(0, allowedNanos));
        if (result.isDone()) {
            timer[0].cancel(false); // the stage completed before the timer was in place
        }
        return result;
    }

    @Override
    public TimeoutStats stats() {
        long expiredNow = timedOut.sum();
        return new TimeoutStats(name, limit.timeout(), Math.max(calls.sum(), expiredNow), expiredNow);
    }

    @Override
    public long listenerFailures() {
        return listeners.failures();
    }

    @Override
    public String toString() {
        return "Timeout[" + name + ", " + limit.timeout() + "]";
    }

    /** The timer's side of one synchronous call; see the class comment. */
    private static final class Expiry implements Runnable {
        private static final int RUNNING = 0;
        private static final int DONE = 1;
        private static final int INTERRUPTING = 2;
        private static final int EXPIRED = 3;
        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Expiry.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final Thread caller;
        private final boolean interruptedBefore;
        private volatile int state = RUNNING;

        Expiry(Thread caller, boolean interruptedBefore) {
            this.caller = caller;
            this.interruptedBefore = interruptedBefore;
        }

        /** The timer fired. */
        @Override
        public void run() {
            if (STATE.compareAndSet(this, RUNNING, INTERRUPTING)) {
                caller.interrupt();
                state = EXPIRED;
            }
        }

        /**
         * Called by the caller once the task has returned or thrown.
         *
         * @return true if the task finished in time; false if the timer won (its interrupt is
         *     then delivered and cleared)
         */
        // Yield rather than spin: on two cores the interrupter may be the thread we would keep off one.
        @SuppressWarnings("ThreadPriorityCheck")
        boolean finishedInTime(Future<?> timer) {
            timer.cancel(false);
            if (STATE.compareAndSet(this, RUNNING, DONE)) {
                return true;
            }
            while (state == INTERRUPTING) {
                Thread.yield();
            }
            Thread.interrupted();
            if (interruptedBefore) {
                caller.interrupt(); // that interrupt was not ours to clear
            }
            return false;
        }
    }
}
