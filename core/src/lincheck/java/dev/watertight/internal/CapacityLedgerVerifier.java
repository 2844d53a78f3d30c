package dev.watertight.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionResult;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.kotlinx.lincheck.execution.ResultWithClock;
import org.jetbrains.kotlinx.lincheck.util.LincheckResult;
import org.jetbrains.kotlinx.lincheck.util.ValueResult;
import org.jetbrains.kotlinx.lincheck.util.VoidResult;
import org.jetbrains.lincheck.datastructures.verifier.Verifier;

/**
 * Linearizability against {@link CapacityLedgerSequential} with one relaxation: an attempt to
 * take a unit may be refused although the specification would grant it, if at that point of the
 * order the share already holds its whole reservation, that is, if the unit would be borrowed
 * ({@link CapacityLedgerSequential#mayBeRefused}). Such a refusal changes nothing. Everything else
 * is exact: a unit granted must be free in the specification at its point of the order (within
 * the capacity, within the share's ceiling, and borrowed only from what no share has reserved),
 * and an attempt of a share below its reservation must succeed.
 *
 * <p><b>Why relaxed.</b> {@link CapacityLedger} raises the global count of borrowed units before
 * it raises the share's own count, and lowers it after; a borrower that reads the global count in
 * between is refused, counted out by a unit that may not be borrowed at any instant its refusal
 * could be ordered at. Its class comment names one such window (a borrowed unit being given
 * back). Lincheck finds another that no order explains: A at its reservation starts to borrow the
 * last spare unit and raises the global count; A's holder gives its unit back and returns; B then
 * tries to borrow and is refused; A's CAS of its own count fails, it gives the spare unit back and
 * takes a reserved one. The spare unit was free at every instant of B's call. Plain
 * linearizability fails on such runs, which say nothing about the promises that matter:
 * capacity, ceilings and reservations.
 *
 * <p><b>How.</b> Lincheck records, for each operation of the parallel part, how many operations
 * of every other thread had completed when it started. The verifier searches every order of the
 * operations that keeps each thread's order and those happens-before edges (the initial part
 * first, the final part last), applying the specification step by step; a step whose observed
 * result the specification, or the relaxation, does not allow ends that branch. States already
 * explored at the same positions are skipped. A scenario has at most a dozen operations, so the
 * search is instant.
 *
 * <p>It uses Lincheck's execution classes ({@code org.jetbrains.kotlinx.lincheck.execution}),
 * which are public but not documented API; they may change with a Lincheck upgrade.
 */
public final class CapacityLedgerVerifier implements Verifier {

    /**
     * Called by Lincheck with the model's sequential specification.
     *
     * @param specification must be {@link CapacityLedgerSequential}
     */
    public CapacityLedgerVerifier(Class<?> specification) {
        if (specification != CapacityLedgerSequential.class) {
            throw new IllegalArgumentException("verifies against CapacityLedgerSequential only, was " + specification);
        }
    }

    @Override
    public boolean verifyResults(ExecutionScenario scenario, ExecutionResult result) {
        CapacityLedgerSequential state = new CapacityLedgerSequential();
        state = applyAll(state, scenario.getInitExecution(), result.getInitResults());
        if (state == null) {
            return false;
        }
        Search search = new Search(scenario.getParallelExecution(), result.getParallelResultsWithClock(),
                scenario.getPostExecution(), result.getPostResults());
        return search.from(new int[scenario.getParallelExecution().size()], state);
    }

    /** Applies operations in order; the state after them, or {@code null} if a result is not allowed. */
    private static CapacityLedgerSequential applyAll(CapacityLedgerSequential state, List<Actor> actors,
            List<? extends LincheckResult> results) {
        for (int i = 0; i < actors.size() && state != null; i++) {
            state = apply(state, actors.get(i), results.get(i));
        }
        return state;
    }

    /**
     * One step: the state after the operation gave the observed result, or {@code null} if the
     * specification does not allow that result there.
     */
    static CapacityLedgerSequential apply(CapacityLedgerSequential state, Actor actor, LincheckResult observed) {
        Object value;
        if (observed instanceof ValueResult valueResult) {
            value = valueResult.getValue();
        } else if (observed instanceof VoidResult) {
            value = null;
        } else {
            return null; // an exception, a suspension: never part of the contract
        }
        String operation = actor.getMethod().getName();
        CapacityLedgerSequential next = state.copy();
        Object expected = invoke(next, operation, actor.getArguments());
        if (Objects.equals(expected, value)) {
            return next;
        }
        if (Boolean.TRUE.equals(expected) && Boolean.FALSE.equals(value) && state.mayBeRefused(operation)) {
            return state; // a borrower's spurious refusal takes nothing
        }
        return null;
    }

    private static Object invoke(CapacityLedgerSequential state, String operation, List<Object> arguments) {
        Class<?>[] types = new Class<?>[arguments.size()];
        for (int i = 0; i < types.length; i++) {
            types[i] = arguments.get(i) instanceof Integer ? int.class : arguments.get(i).getClass();
        }
        try {
            Method method = CapacityLedgerSequential.class.getMethod(operation, types);
            return method.invoke(state, arguments.toArray());
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new IllegalStateException("CapacityLedgerSequential has no operation " + operation, e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("the specification failed on " + operation, e.getCause());
        }
    }

    /** The search over orders of the parallel part, then the final part. */
    private static final class Search {
        private final List<List<Actor>> threads;
        private final List<List<ResultWithClock>> results;
        private final List<Actor> post;
        private final List<? extends LincheckResult> postResults;
        private final Set<List<Object>> explored = new HashSet<>();

        Search(List<List<Actor>> threads, List<List<ResultWithClock>> results, List<Actor> post,
                List<? extends LincheckResult> postResults) {
            this.threads = threads;
            this.results = results;
            this.post = post;
            this.postResults = postResults;
        }

        /** Whether some order of the operations not yet done, from here, is allowed. */
        boolean from(int[] done, CapacityLedgerSequential state) {
            if (!explored.add(key(done, state))) {
                return false;
            }
            boolean finished = true;
            for (int thread = 0; thread < threads.size(); thread++) {
                int index = done[thread];
                if (index == threads.get(thread).size()) {
                    continue;
                }
                finished = false;
                ResultWithClock observed = results.get(thread).get(index);
                if (!startedAfterAllItSaw(observed, done, thread)) {
                    continue;
                }
                CapacityLedgerSequential next = apply(state, threads.get(thread).get(index), observed.getResult());
                if (next == null) {
                    continue;
                }
                done[thread]++;
                boolean allowed = from(done, next);
                done[thread]--;
                if (allowed) {
                    return true;
                }
            }
            return finished && applyAll(state, post, postResults) != null;
        }

        /** Whether every operation the observed one saw completed is already in the order. */
        private static boolean startedAfterAllItSaw(ResultWithClock observed, int[] done, int thread) {
            int[] clock = observed.getClockOnStart().getClock();
            for (int other = 0; other < clock.length; other++) {
                if (other != thread && done[other] < clock[other]) {
                    return false;
                }
            }
            return true;
        }

        private static List<Object> key(int[] done, CapacityLedgerSequential state) {
            List<Object> key = new ArrayList<>(done.length + 1);
            for (int count : done) {
                key.add(count);
            }
            key.add(state);
            return key;
        }
    }
}
