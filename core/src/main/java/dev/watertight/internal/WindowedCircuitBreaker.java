package dev.watertight.internal;

import dev.watertight.CircuitBreaker;
import dev.watertight.CircuitBreakerConfig;
import dev.watertight.CircuitBreakerOpenException;
import dev.watertight.CircuitBreakerStats;
import dev.watertight.CompartmentRejectedException;
import dev.watertight.TimeSource;
import dev.watertight.internal.BreakerPhase.Closed;
import dev.watertight.internal.BreakerPhase.Disabled;
import dev.watertight.internal.BreakerPhase.ForcedOpen;
import dev.watertight.internal.BreakerPhase.HalfOpen;
import dev.watertight.internal.BreakerPhase.Open;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A {@link CircuitBreaker} whose state is one {@link BreakerPhase} object, replaced by CAS.
 *
 * <h2>The closed path</h2>
 * Admission reads the phase field and one final flag of the phase. Recording adds the outcome to
 * the phase's window ({@link CountWindow}: one atomic increment when healthy); only when the
 * window may hold failures or slow calls are the rates computed and compared with the
 * thresholds. No lock, no allocation, no clock read unless slow calls are measured.
 *
 * <h2>Transitions</h2>
 * Every transition is {@code CAS(phase, expected, next)} with the phase the deciding call was
 * admitted in as {@code expected}; its listeners are told after the CAS succeeded, by the thread
 * that made it. So:
 * <ul>
 *   <li>a transition happens once, however many calls decide it at the same moment;</li>
 *   <li>a call admitted under an old phase cannot move the current one (its CAS fails);</li>
 *   <li>the half-open round admits exactly {@code halfOpenProbes} probes (a CAS-bounded counter
 *       in the round's phase object; failsafe #391 and resilience4j #1432 admitted more), closes
 *       when that many succeeded and reopens on the first failure;</li>
 *   <li>a round whose probes never report back is replaced by a fresh round once
 *       {@code halfOpenDeadline} has passed (resilience4j #935, Sentinel #1638 stayed half-open
 *       for ever), and the old probes' late outcomes decide nothing;</li>
 *   <li>a failure rate equal to the threshold trips (Sentinel #1769 never tripped at 100 %).</li>
 * </ul>
 * Manual transitions (force open, disable, reset) are CASes from whatever phase is current.
 *
 * <h2>Time</h2>
 * The open period and the half-open deadline are checked against
 * {@link TimeSource#coarseNanoTime()}, only by calls that are not in the closed state. Slow calls
 * are measured with {@link TimeSource#nanoTime()}, only when a slow-call duration is set.
 */
public final class WindowedCircuitBreaker implements CircuitBreaker {
    private static final VarHandle PHASE;

    static {
        try {
            PHASE = MethodHandles.lookup().findVarHandle(WindowedCircuitBreaker.class, "phase", BreakerPhase.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A classified outcome that counts for nothing. */
    private static final int IGNORED = -1;

    private final CircuitBreakerConfig config;
    private final String name;
    private final TimeSource time;
    private final Listeners listeners;
    private final long slowCallNanos;
    private final int minimumCalls;
    private final double failureRateThreshold;
    private final double slowCallRateThreshold;
    private final int consecutiveFailures;
    private final int halfOpenProbes;
    private final long halfOpenDeadlineNanos;
    private final long openNanos;
    private final long maxOpenNanos;
    private final Predicate<? super Throwable> recordFailures;
    private final Predicate<? super Throwable> ignoreFailures;
    private final Predicate<Object> failureResult;
    private final LongAdder notPermitted = new LongAdder();
    private volatile BreakerPhase phase;

    /**
     * Creates the breaker, closed with an empty window.
     *
     * @param config validated settings
     */
    public WindowedCircuitBreaker(CircuitBreakerConfig config) {
        this.config = config;
        this.name = config.name();
        this.time = config.timeSource();
        this.listeners = new Listeners(name, config.listeners());
        this.slowCallNanos = config.slowCallDuration() == null ? 0 : config.slowCallDuration().toNanos();
        this.minimumCalls = config.minimumCalls();
        this.failureRateThreshold = config.failureRateThreshold();
        this.slowCallRateThreshold = config.slowCallRateThreshold();
        this.consecutiveFailures = config.consecutiveFailures();
        this.halfOpenProbes = config.halfOpenProbes();
        this.halfOpenDeadlineNanos = config.halfOpenDeadline().toNanos();
        this.openNanos = config.openDuration().toNanos();
        this.maxOpenNanos = config.maxOpenDuration().toNanos();
        this.recordFailures = config.recordFailures();
        this.ignoreFailures = config.ignoreFailures();
        this.failureResult = config.failureResult();
        this.phase = new Closed(newWindow());
    }

    private OutcomeWindow newWindow() {
        return config.timeBasedWindow()
                ? new TimeWindow(time, config.slidingWindowDuration().toNanos(), CircuitBreakerConfig.TIME_WINDOW_BUCKETS)
                : new CountWindow(config.slidingWindowSize());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CircuitBreakerConfig config() {
        return config;
    }

    @Override
    public State state() {
        return currentPhase().state;
    }

    /**
     * The phase, moved on from OPEN to HALF_OPEN if the open period is over: a breaker that no
     * call has visited since must not look open for ever to a health check.
     */
    private BreakerPhase currentPhase() {
        BreakerPhase current = phase;
        if (current instanceof Open open && time.coarseNanoTime() - open.until >= 0) {
            transition(open, new HalfOpen(open.trips, time.coarseNanoTime(), halfOpenProbes, open.window));
            return phase;
        }
        return current;
    }

    @Override
    public <T> T call(Callable<? extends T> task) throws Exception {
        Objects.requireNonNull(task, "task");
        BreakerPhase admitted = admit();
        long start = slowCallNanos == 0 ? 0 : time.nanoTime();
        T result;
        try {
            result = task.call();
        } catch (Throwable failure) {
            recordFailure(admitted, start, failure);
            throw failure;
        }
        recordResult(admitted, start, result);
        return result;
    }

    @Override
    public void run(Runnable task) {
        Objects.requireNonNull(task, "task");
        BreakerPhase admitted = admit();
        long start = slowCallNanos == 0 ? 0 : time.nanoTime();
        try {
            task.run();
        } catch (Throwable failure) {
            recordFailure(admitted, start, failure);
            throw failure;
        }
        record(admitted, withSlowness(OutcomeWindow.SUCCESS, start)); // no result to judge
    }

    @Override
    public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task) {
        Objects.requireNonNull(task, "task");
        BreakerPhase admitted;
        try {
            admitted = admit();
        } catch (CircuitBreakerOpenException refused) {
            return CompletableFuture.failedFuture(refused);
        }
        long start = slowCallNanos == 0 ? 0 : time.nanoTime();
        CompletionStage<T> stage;
        try {
            stage = Objects.requireNonNull(task.get(), "the task returned null instead of a CompletionStage");
        } catch (Throwable failure) {
            recordFailure(admitted, start, failure);
            return CompletableFuture.failedFuture(failure);
        }
        return StageMirror.of(stage, (value, failure) -> {
            if (failure == null) {
                recordResult(admitted, start, value);
            } else {
                recordFailure(admitted, start, failure instanceof CompletionException wrapped
                        && wrapped.getCause() != null ? wrapped.getCause() : failure);
            }
        });
    }

    // ---- admission -------------------------------------------------------------------------

    /**
     * Admits a call and returns the phase it was admitted in, or throws the rejection.
     * The hot path is one field read and one flag test.
     */
    BreakerPhase admit() {
        BreakerPhase current = phase;
        return current.admitsFreely ? current : admitSlowly();
    }

    private BreakerPhase admitSlowly() {
        for (;;) {
            BreakerPhase current = phase;
            switch (current) {
                case Closed closed -> {
                    return closed;
                }
                case Disabled disabled -> {
                    return disabled;
                }
                case ForcedOpen forced -> throw reject(forced, -1);
                case Open open -> {
                    long now = time.coarseNanoTime();
                    if (now - open.until < 0) {
                        throw reject(open, open.until - now);
                    }
                    transition(open, new HalfOpen(open.trips, now, halfOpenProbes, open.window));
                }
                case HalfOpen round -> {
                    if (round.tryTakeProbe()) {
                        return round;
                    }
                    long now = time.coarseNanoTime();
                    if (now - round.since - halfOpenDeadlineNanos < 0) {
                        throw reject(round, -1);
                    }
                    // The round's probes are overdue: start a fresh round; their outcomes no longer count.
                    transition(round, new HalfOpen(round.trips, now, halfOpenProbes, round.window));
                }
            }
        }
    }

    private CircuitBreakerOpenException reject(BreakerPhase refusing, long retryAfterNanos) {
        notPermitted.increment();
        CircuitBreakerOpenException rejection = new CircuitBreakerOpenException(
                name, refusing.state, retryAfterNanos, halfOpenProbes, config.writableStackTrace());
        listeners.rejected(rejection);
        return rejection;
    }

    // ---- outcomes --------------------------------------------------------------------------

    /**
     * Records a call that returned.
     *
     * @param admitted the phase that admitted it
     * @param start when it started, if slow calls are measured
     * @param result what it returned
     */
    void recordResult(BreakerPhase admitted, long start, Object result) {
        int outcome = failureResult != null && isFailureResult(result) ? OutcomeWindow.FAILURE : OutcomeWindow.SUCCESS;
        record(admitted, withSlowness(outcome, start));
    }

    /**
     * Records a call that threw.
     *
     * @param admitted the phase that admitted it
     * @param start when it started, if slow calls are measured
     * @param failure what it threw
     */
    void recordFailure(BreakerPhase admitted, long start, Throwable failure) {
        int outcome = classify(failure);
        if (outcome == IGNORED) {
            if (admitted instanceof HalfOpen round) {
                round.giveProbeBack();
            }
            return;
        }
        record(admitted, withSlowness(outcome, start));
    }

    private int withSlowness(int outcome, long start) {
        if (slowCallNanos != 0 && time.nanoTime() - start >= slowCallNanos) {
            return outcome | OutcomeWindow.SLOW;
        }
        return outcome;
    }

    private int classify(Throwable failure) {
        if (failure instanceof CompartmentRejectedException || failure instanceof CancellationException
                || failure instanceof InterruptedException) {
            return IGNORED; // our own guards refused, or the caller gave up: nothing about the dependency
        }
        try {
            if (ignoreFailures.test(failure)) {
                return IGNORED;
            }
            return recordFailures.test(failure) ? OutcomeWindow.FAILURE : OutcomeWindow.SUCCESS;
        } catch (RuntimeException | Error brokenPredicate) {
            return OutcomeWindow.FAILURE;
        }
    }

    private boolean isFailureResult(Object result) {
        try {
            return failureResult.test(result);
        } catch (RuntimeException | Error brokenPredicate) {
            return true;
        }
    }

    private void record(BreakerPhase admitted, int outcome) {
        switch (admitted) {
            case Closed closed -> recordClosed(closed, outcome);
            case HalfOpen round -> recordProbe(round, outcome);
            case Disabled disabled -> disabled.window.record(outcome);
            case Open open -> { } // never admits
            case ForcedOpen forced -> { } // never admits
        }
    }

    private void recordClosed(Closed closed, int outcome) {
        boolean windowHasBadOutcomes = closed.window.record(outcome);
        if (consecutiveFailures != 0) {
            if ((outcome & OutcomeWindow.FAILURE) != 0) {
                if (closed.failedInARow() >= consecutiveFailures) {
                    trip(closed);
                    return;
                }
            } else {
                closed.succeeded();
            }
        }
        if (windowHasBadOutcomes && ratesReachThreshold(closed.window.counts())) {
            trip(closed);
        }
    }

    private boolean ratesReachThreshold(OutcomeWindow.Counts counts) {
        long calls = counts.calls();
        if (calls < minimumCalls) {
            return false;
        }
        // "rate >= threshold", without dividing: equal trips.
        return counts.failures() * 100.0 >= failureRateThreshold * calls
                || (slowCallNanos != 0 && counts.slowCalls() * 100.0 >= slowCallRateThreshold * calls);
    }

    private void recordProbe(HalfOpen round, int outcome) {
        if (outcome == OutcomeWindow.SUCCESS) {
            if (round.probeSucceeded()) {
                transition(round, new Closed(newWindow()));
            }
        } else {
            trip(round); // a failed or slow probe: the dependency is not back yet
        }
    }

    private void trip(BreakerPhase from) {
        int trips = from.trips + 1;
        transition(from, new Open(trips, time.coarseNanoTime() + openNanos(trips), from.window));
    }

    /** The open period after {@code trips} openings in a row, growing and capped, never overflowing. */
    long openNanos(int trips) {
        double grown = openNanos * Math.pow(config.openDurationMultiplier(), trips - 1);
        return grown >= maxOpenNanos ? maxOpenNanos : (long) grown;
    }

    private boolean transition(BreakerPhase from, BreakerPhase to) {
        if (!PHASE.compareAndSet(this, from, to)) {
            return false;
        }
        listeners.stateChanged(from.state, to.state);
        return true;
    }

    // ---- manual control --------------------------------------------------------------------

    @Override
    public void forceOpen() {
        moveTo(current -> new ForcedOpen(current.window));
    }

    @Override
    public void disable() {
        moveTo(current -> new Disabled(newWindow()));
    }

    @Override
    public void reset() {
        moveTo(current -> new Closed(newWindow()));
    }

    private void moveTo(java.util.function.Function<BreakerPhase, BreakerPhase> next) {
        for (;;) {
            BreakerPhase current = phase;
            if (transition(current, next.apply(current))) {
                return;
            }
        }
    }

    // ---- stats -----------------------------------------------------------------------------

    @Override
    public CircuitBreakerStats stats() {
        BreakerPhase current = currentPhase();
        OutcomeWindow.Counts counts = current.window.counts();
        long calls = counts.calls();
        boolean enough = calls >= minimumCalls && calls > 0;
        return new CircuitBreakerStats(
                name,
                current.state,
                calls,
                counts.failures(),
                counts.slowCalls(),
                enough ? counts.failures() * 100.0 / calls : -1,
                enough ? counts.slowCalls() * 100.0 / calls : -1,
                notPermitted.sum());
    }

    @Override
    public long listenerFailures() {
        return listeners.failures();
    }

    @Override
    public String toString() {
        return "CircuitBreaker[" + name + ", " + phase.state + ", " + phase.window + "]";
    }
}
