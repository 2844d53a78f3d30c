package dev.watertight.internal;

import dev.watertight.CircuitBreaker;
import dev.watertight.CircuitBreaker.State;
import dev.watertight.CircuitBreakerOpenException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import kotlin.Unit;
import org.jetbrains.lincheck.datastructures.CTestConfiguration;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Options;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.junit.jupiter.api.Test;

/**
 * Lincheck model of the circuit breaker's state machine ({@link WindowedCircuitBreaker}),
 * checked for linearizability against {@link CircuitBreakerSequential}.
 *
 * <p><b>What is modelled.</b> A call through the breaker is not one atomic step: it is admitted
 * ({@code admit()} returns the {@link BreakerPhase} that let it through), runs user code, and then
 * reports its outcome against that phase ({@code recordResult} / {@code recordFailure}). The
 * model therefore makes each step an operation, with per-thread state as in
 * {@link PermitSyncOperations}: Lincheck passes the scenario thread's index
 * ({@link ThreadIdGen}), and each thread holds at most one admitted call, remembered with its
 * phase.
 * <ul>
 *   <li>{@code admit} asks to be let through: it returns the state the call was admitted in, or
 *       {@code REFUSED_<state>} naming the state that refused it, or {@value #ALREADY_HOLDING}
 *       (doing nothing) if the thread already holds a call;</li>
 *   <li>{@code succeed}, {@code fail} and {@code ignore} report the held call's outcome (a
 *       return, an exception counted as a failure, a cancellation, which counts for nothing) and
 *       return {@code true}, or do nothing and return {@code false} if the thread holds none;</li>
 *   <li>{@code state}, {@code forceOpen} and {@code reset} are the public methods ({@code state}
 *       too moves an open breaker whose period is over to half-open);</li>
 *   <li>{@code tick} moves the breaker's clock ({@link LincheckClock}) by one open period.</li>
 * </ul>
 *
 * <p><b>What it checks.</b> That every run can be explained by one order of these steps that
 * respects real time, in which the breaker behaves as the plain sequential breaker of
 * {@link CircuitBreakerSequential}: each transition happens once, at one instant; the open period
 * refuses calls until it has passed; a half-open round lets exactly {@value #PROBES} probe
 * through, however many threads race for it, and takes a cancelled probe's place back; an outcome
 * counts only against the phase its call was admitted in, so a call admitted before a transition
 * (a trip, a reset, a forced opening, a closing, a new round) never moves the breaker afterwards;
 * and {@code state} and every admission see one of those instants.
 *
 * <p><b>What trips the closed breaker here.</b> One failure: {@code consecutiveFailures(1)},
 * with {@code minimumCalls} ({@value #MINIMUM_CALLS}) above the window ({@value #WINDOW} calls) so
 * that the failure-rate rule never decides. The rate rule is left out because it is not
 * linearizable: a call's outcome takes its place in the {@link CountWindow} (one increment)
 * before the counts are read, and a call that completes in between can evict or dilute the
 * failure that made the window reach the threshold, so that the state in which it did is never
 * evaluated. With a window of 2, 2 minimum calls and 50 %, after one failure, two overlapping
 * successes can leave the breaker closed, where any sequential breaker opens at the first of
 * them (set {@code CONSECUTIVE_FAILURES} to 0 and {@code MINIMUM_CALLS} to 2 to see Lincheck
 * print such a run). Whether that is acceptable is the window's question, not the state
 * machine's (its comment calls the decision "a threshold on a sample"); everything else about a
 * transition (once, from the admitting phase, by CAS) does not depend on how the decision was
 * reached, so one failure as the decision loses nothing of the state machine.
 *
 * <p><b>What the outcomes return.</b> Only whether the thread held a call, not whether they made
 * a transition: which thread's CAS moves the breaker need not be linearizable (a success recorded
 * alongside a failure may see it and trip the breaker on its behalf). The transitions themselves
 * are observed through {@code state} and {@code admit}.
 *
 * <p><b>The clock.</b> A trip reads the clock and then installs the open phase with
 * {@code until = now + openDuration}; a {@code tick} between the two gives the open period the
 * start of the tick before, which no sequential breaker does: an artefact of the model's time
 * jumping by a whole open period at an instant, where real time moves by nanoseconds while a trip
 * runs. So {@code tick} waits, under this model's own monitor, until no outcome is being
 * recorded, and outcomes do not start while it ticks; outcomes still race each other, and
 * everything else (admissions too: they read the clock, but what they install does not depend on
 * it while the half-open deadline is out of reach) races ticks.
 *
 * <p><b>Sizes.</b> {@value #PROBES} probe per round, an open period of {@value #OPEN_TICKS}
 * tick, a half-open deadline of a day (never reached): every state is a few steps away. Lincheck
 * first runs three scenarios written for the races that matter ({@link #withKeyScenarios}):
 * probes racing for a round, stale outcomes of a round and of a closed phase against manual
 * transitions; then random scenarios of the shared shape and budget ({@link LincheckBudget}:
 * three threads of three operations between two initial ones and one final one). The model
 * checker explores {@value LincheckBudget#MODEL_ITERATIONS} random scenarios of at most
 * {@value LincheckBudget#MODEL_INVOCATIONS} interleavings, the stress run
 * {@value LincheckBudget#STRESS_ITERATIONS} of {@value LincheckBudget#STRESS_INVOCATIONS} runs,
 * each after the key scenarios: about 7 s for the class on two idle cores, the instrumentation
 * the first Lincheck test in a JVM pays included (about twice that while another JVM keeps both
 * cores busy). A run of 150 random scenarios of 3,000 interleavings each, and as many stress
 * scenarios, tried while writing the model, found nothing more. The same options catch both look-alikes of
 * {@link CircuitBreakerBrokenProbesLincheckTest}: a half-open round that lets two probes
 * through, and outcomes that decide by the current state instead of the admitting phase.
 */
public class CircuitBreakerLincheckTest {
    static final int WINDOW = 2;
    static final int MINIMUM_CALLS = 3;
    static final int FAILURE_RATE = 50;
    static final int CONSECUTIVE_FAILURES = 1;
    static final int PROBES = 1;
    static final int OPEN_TICKS = 1;
    /** Enough per-thread slots for the initial part, four parallel threads and the final part. */
    static final int THREAD_SLOTS = 8;
    /** What {@code admit} returns, doing nothing, when the thread already holds a call. */
    static final String ALREADY_HOLDING = "ALREADY_HOLDING";

    /** A failure recorded as such; one instance, so that recording allocates nothing. */
    private static final IllegalStateException DEPENDENCY_FAILED = new IllegalStateException("dependency failed");
    /** A failure the breaker ignores. */
    private static final CancellationException CANCELLED = new CancellationException("caller gave up");

    private final LincheckClock clock = new LincheckClock();
    private final WindowedCircuitBreaker breaker = (WindowedCircuitBreaker) CircuitBreaker.builder("lincheck")
            .slidingWindowSize(WINDOW)
            .minimumCalls(MINIMUM_CALLS)
            .failureRateThreshold(FAILURE_RATE)
            .consecutiveFailures(CONSECUTIVE_FAILURES)
            .halfOpenProbes(PROBES)
            .openDuration(Duration.ofNanos(OPEN_TICKS * LincheckClock.TICK_NANOS))
            .halfOpenDeadline(Duration.ofDays(1))
            .timeSource(clock)
            .build();
    private final BreakerPhase[] held = new BreakerPhase[THREAD_SLOTS];
    /** Guards {@link #recording}; {@code tick} holds it while it moves the clock. */
    private final Object clockGuard = new Object();
    private int recording;

    /** The result of an admission refused in {@code state}. */
    static String refused(State state) {
        return "REFUSED_" + state;
    }

    @Operation
    public String admit(@Param(gen = ThreadIdGen.class) int thread) {
        if (held[thread] != null) {
            return ALREADY_HOLDING;
        }
        try {
            BreakerPhase admitted = breaker.admit();
            held[thread] = admitted;
            return admitted.state.name();
        } catch (CircuitBreakerOpenException refusal) {
            return refused(refusal.state());
        }
    }

    /** The held call returned normally; {@code false} (and nothing done) if none is held. */
    @Operation
    public boolean succeed(@Param(gen = ThreadIdGen.class) int thread) {
        BreakerPhase admitted = takeHeld(thread);
        if (admitted == null) {
            return false;
        }
        startRecording();
        try {
            breaker.recordResult(admitted, 0, null);
        } finally {
            stopRecording();
        }
        return true;
    }

    /** The held call threw a failure; {@code false} (and nothing done) if none is held. */
    @Operation
    public boolean fail(@Param(gen = ThreadIdGen.class) int thread) {
        BreakerPhase admitted = takeHeld(thread);
        if (admitted == null) {
            return false;
        }
        startRecording();
        try {
            breaker.recordFailure(admitted, 0, DEPENDENCY_FAILED);
        } finally {
            stopRecording();
        }
        return true;
    }

    /** The held call was cancelled, which counts for nothing; {@code false} if none is held. */
    @Operation
    public boolean ignore(@Param(gen = ThreadIdGen.class) int thread) {
        BreakerPhase admitted = takeHeld(thread);
        if (admitted == null) {
            return false;
        }
        breaker.recordFailure(admitted, 0, CANCELLED);
        return true;
    }

    @Operation
    public State state() {
        return breaker.state();
    }

    @Operation
    public void forceOpen() {
        breaker.forceOpen();
    }

    @Operation
    public void reset() {
        breaker.reset();
    }

    /** Moves the clock by one open period, once no outcome is being recorded (see the class comment). */
    @Operation
    public void tick() throws InterruptedException {
        synchronized (clockGuard) {
            while (recording > 0) {
                clockGuard.wait();
            }
            clock.tick();
        }
    }

    private BreakerPhase takeHeld(int thread) {
        BreakerPhase admitted = held[thread];
        held[thread] = null;
        return admitted;
    }

    private void startRecording() {
        synchronized (clockGuard) {
            recording++;
        }
    }

    private void stopRecording() {
        synchronized (clockGuard) {
            if (--recording == 0) {
                clockGuard.notifyAll();
            }
        }
    }

    /**
     * Adds the scenarios written for this model's key races, run before the random ones. Each
     * thread's operations get that thread's index, as {@link ThreadIdGen} would give them: 0 for
     * the initial part, 1 to 3 for the threads, 4 for the final part.
     *
     * @param options the options to add them to
     * @param model the class whose operations (same names as this one's) the scenarios call
     * @return the options
     */
    static <O extends Options<O, ? extends CTestConfiguration>> O withKeyScenarios(O options, Class<?> model) {
        return options
                // One failure opens the breaker, the period passes: three threads race for the probe,
                // whose success, failure or cancellation each decide differently.
                .addCustomScenario(scenario -> {
                    scenario.initial(LincheckScenarios.thread(model, 0, "admit", "fail", "tick"));
                    scenario.parallel(threads -> {
                        threads.thread(LincheckScenarios.thread(model, 1, "admit", "succeed", "state"));
                        threads.thread(LincheckScenarios.thread(model, 2, "admit", "fail", "admit"));
                        threads.thread(LincheckScenarios.thread(model, 3, "admit", "ignore", "admit"));
                        return Unit.INSTANCE;
                    });
                    scenario.post(LincheckScenarios.thread(model, 4, "state"));
                    return Unit.INSTANCE;
                })
                // A probe's failure against a reset and a forced opening: once the round is over,
                // its probe must not reopen the breaker.
                .addCustomScenario(scenario -> {
                    scenario.initial(LincheckScenarios.thread(model, 0, "admit", "fail", "tick"));
                    scenario.parallel(threads -> {
                        threads.thread(LincheckScenarios.thread(model, 1, "admit", "fail", "admit"));
                        threads.thread(LincheckScenarios.thread(model, 2, "reset", "admit", "succeed"));
                        threads.thread(LincheckScenarios.thread(model, 3, "forceOpen", "state", "reset"));
                        return Unit.INSTANCE;
                    });
                    scenario.post(LincheckScenarios.thread(model, 4, "admit"));
                    return Unit.INSTANCE;
                })
                // Failures of calls admitted in a closed phase that a reset or a trip has ended.
                .addCustomScenario(scenario -> {
                    scenario.initial(LincheckScenarios.thread(model, 0, "admit", "succeed"));
                    scenario.parallel(threads -> {
                        threads.thread(LincheckScenarios.thread(model, 1, "admit", "fail", "tick"));
                        threads.thread(LincheckScenarios.thread(model, 2, "admit", "reset", "fail"));
                        threads.thread(LincheckScenarios.thread(model, 3, "admit", "succeed", "state"));
                        return Unit.INSTANCE;
                    });
                    scenario.post(LincheckScenarios.thread(model, 4, "admit"));
                    return Unit.INSTANCE;
                });
    }

    /**
     * The model-checking options of this model, with its key scenarios.
     *
     * @param model the class to check: this one, or a broken look-alike with the same operations
     * @return the options
     */
    static ModelCheckingOptions modelChecking(Class<?> model) {
        return withKeyScenarios(
                LincheckBudget.modelChecking(CircuitBreakerSequential.class), model);
    }

    /** The stress options of this model, with its key scenarios. */
    static StressOptions stress() {
        return withKeyScenarios(LincheckBudget.stress(CircuitBreakerSequential.class), CircuitBreakerLincheckTest.class);
    }

    @Test
    void everyInterleavingOfAdmissionsOutcomesManualTransitionsAndTicksIsLinearizable() {
        modelChecking(CircuitBreakerLincheckTest.class).check(CircuitBreakerLincheckTest.class);
    }

    @Test
    void realThreadsAdmittingReportingAndSwitchingTheBreakerProduceOnlyLinearizableResults() {
        stress().check(CircuitBreakerLincheckTest.class);
    }
}
