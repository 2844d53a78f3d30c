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
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

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
 *
 * <h2>Reconfiguration</h2>
 * The numeric settings live in one immutable {@link BreakerSettings} in a volatile field; a call
 * reads it when it starts (for the slow-call clock) and again when it records, and
 * {@link #reconfigure} replaces it whole, so a call never mixes two halves of two settings. No
 * lock is taken on the call path; reconfigurations are serialized among themselves by
 * {@code reconfigureLock}. The state is kept. When the window's kind or size changes, a closed
 * or disabled phase is replaced by one of the same state with a fresh empty window, by a CAS
 * that tells no listener (the state did not change); the old phase first
 * {@linkplain BreakerPhase#handOver hands over} to the new one, so calls admitted before record
 * into the window that is current and may still trip the breaker. An open phase keeps its end;
 * a half-open round keeps its number of probes; the next ones use the new settings.
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
    /** The start time of a call whose duration is not measured. */
    private static final long NOT_MEASURED = Long.MIN_VALUE;

    private final String name;
    private final TimeSource time;
    private final Listeners listeners;
    private final boolean writableStackTrace;
    /** The numeric settings in force; replaced whole by reconfigure. */
    private volatile BreakerSettings settings;
    private final ReentrantLock reconfigureLock = new ReentrantLock();
    private final Predicate<? super Throwable> recordFailures;
    private final Predicate<? super Throwable> ignoreFailures;
    private final @Nullable Predicate<Object> failureResult;
    private final LongAdder notPermitted = new LongAdder();
    private volatile BreakerPhase phase;

    /**
     * Creates the breaker, closed with an empty window.
     *
     * @param config validated settings
     */
    public WindowedCircuitBreaker(CircuitBreakerConfig config) {
        this.name = config.name();
        this.time = config.timeSource();
        this.listeners = new Listeners(name, config.listeners());
        this.writableStackTrace = config.writableStackTrace();
        this.settings = BreakerSettings.of(config);
        this.recordFailures = config.recordFailures();
        this.ignoreFailures = config.ignoreFailures();
        this.failureResult = config.failureResult();
        this.phase = new Closed(newWindow());
    }

    private OutcomeWindow newWindow() {
        return newWindow(settings.config());
    }

    private OutcomeWindow newWindow(CircuitBreakerConfig config) {
        java.time.Duration span = config.slidingWindowDuration(); // set exactly when the window is time-based
        return span != null
                ? new TimeWindow(time, span.toNanos(), CircuitBreakerConfig.TIME_WINDOW_BUCKETS)
                : new CountWindow(config.slidingWindowSize());
    }

    @Override
    public void reconfigure(CircuitBreakerConfig config) {
        Objects.requireNonNull(config, "config must not be null");
        if (!config.name().equals(name)) {
            throw new IllegalArgumentException("name cannot change on a running circuit breaker: is '"
                    + name + "', was given '" + config.name() + "'");
        }
        reconfigureLock.lock();
        try {
            BreakerSettings before = settings;
            CircuitBreakerConfig built = before.config();
            // The running breaker keeps its predicates, time source, listeners and stack-trace setting.
            BreakerSettings next = BreakerSettings.of(new CircuitBreakerConfig(name,
                    config.failureRateThreshold(), config.slowCallRateThreshold(), config.slowCallDuration(),
                    config.slidingWindowSize(), config.slidingWindowDuration(), config.minimumCalls(),
                    config.consecutiveFailures(), config.openDuration(), config.openDurationMultiplier(),
                    config.maxOpenDuration(), config.halfOpenProbes(), config.halfOpenDeadline(),
                    built.recordFailures(), built.ignoreFailures(), built.failureResult(),
                    built.writableStackTrace(), built.timeSource(), built.listeners()));
            settings = next;
            if (next.windowDiffers(before)) {
                renewWindow(config);
            }
        } finally {
            reconfigureLock.unlock();
        }
    }

    /** Gives a closed or disabled breaker a fresh window of the new shape, keeping its state. */
    private void renewWindow(CircuitBreakerConfig config) {
        for (;;) {
            BreakerPhase current = phase;
            BreakerPhase next = switch (current) {
                case Closed closed -> new Closed(newWindow(config));
                case Disabled disabled -> new Disabled(newWindow(config));
                default -> null; // the window of an open phase is only shown; the next closed one is new
            };
            if (next == null) {
                return;
            }
            current.handOver(next); // before the CAS: no call recording in between is lost
            if (PHASE.compareAndSet(this, current, next)) {
                return; // the same state: no listener hears of it
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CircuitBreakerConfig config() {
        return settings.config();
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
            transition(open, new HalfOpen(open.trips, time.coarseNanoTime(), settings.config().halfOpenProbes(), open.window));
            return phase;
        }
        return current;
    }

    @Override
    public <T> T call(Callable<? extends T> task) throws Exception {
        Objects.requireNonNull(task, "task");
        BreakerPhase admitted = admit();
        long start = settings.slowCallNanos() == 0 ? NOT_MEASURED : time.nanoTime();
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
        long start = settings.slowCallNanos() == 0 ? NOT_MEASURED : time.nanoTime();
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
        long start = settings.slowCallNanos() == 0 ? NOT_MEASURED : time.nanoTime();
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
                    transition(open, new HalfOpen(open.trips, now, settings.config().halfOpenProbes(), open.window));
                }
                case HalfOpen round -> {
                    if (round.tryTakeProbe()) {
                        return round;
                    }
                    long now = time.coarseNanoTime();
                    BreakerSettings tuning = settings;
                    if (now - round.since - tuning.halfOpenDeadlineNanos() < 0) {
                        throw reject(round, -1);
                    }
                    // The round's probes are overdue: start a fresh round; their outcomes no longer count.
                    transition(round, new HalfOpen(round.trips, now, tuning.config().halfOpenProbes(), round.window));
                }
            }
        }
    }

    private CircuitBreakerOpenException reject(BreakerPhase refusing, long retryAfterNanos) {
        notPermitted.increment();
        CircuitBreakerOpenException rejection = new CircuitBreakerOpenException(
                name, refusing.state, retryAfterNanos, settings.config().halfOpenProbes(), writableStackTrace);
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
        int outcome = isFailureResult(result) ? OutcomeWindow.FAILURE : OutcomeWindow.SUCCESS;
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
        // A call that began while slow calls were not measured is not measured now either.
        long slowCallNanos = settings.slowCallNanos();
        if (slowCallNanos != 0 && start != NOT_MEASURED && time.nanoTime() - start >= slowCallNanos) {
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

    private boolean isFailureResult(@Nullable Object result) {
        Predicate<Object> check = failureResult;
        if (check == null) {
            return false;
        }
        try {
            return check.test(result);
        } catch (RuntimeException | Error brokenPredicate) {
            return true;
        }
    }

    private void record(BreakerPhase admitted, int outcome) {
        switch (admitted.latest()) { // a reconfiguration may have handed the window over
            case Closed closed -> recordClosed(closed, outcome);
            case HalfOpen round -> recordProbe(round, outcome);
            case Disabled disabled -> disabled.window.record(outcome);
            case Open open -> { } // never admits
            case ForcedOpen forced -> { } // never admits
        }
    }

    private void recordClosed(Closed closed, int outcome) {
        boolean windowHasBadOutcomes = closed.window.record(outcome);
        BreakerSettings tuning = settings;
        int consecutiveFailures = tuning.config().consecutiveFailures();
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
        if (windowHasBadOutcomes && ratesReachThreshold(tuning, closed.window.counts())) {
            trip(closed);
        }
    }

    private static boolean ratesReachThreshold(BreakerSettings tuning, OutcomeWindow.Counts counts) {
        long calls = counts.calls();
        CircuitBreakerConfig config = tuning.config();
        if (calls < config.minimumCalls()) {
            return false;
        }
        // "rate >= threshold", without dividing: equal trips.
        return counts.failures() * 100.0 >= config.failureRateThreshold() * calls
                || (tuning.slowCallNanos() != 0 && counts.slowCalls() * 100.0 >= config.slowCallRateThreshold() * calls);
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
        BreakerSettings tuning = settings;
        double grown = tuning.openNanos() * Math.pow(tuning.config().openDurationMultiplier(), trips - 1);
        return grown >= tuning.maxOpenNanos() ? tuning.maxOpenNanos() : (long) grown;
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
        boolean enough = calls >= settings.config().minimumCalls() && calls > 0;
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
