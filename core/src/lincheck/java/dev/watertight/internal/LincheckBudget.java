package dev.watertight.internal;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.StressOptions;

/**
 * The scenario shape and the budget every Lincheck model here shares: three threads of three
 * operations after two initial ones and before one final one, which is room for two holders, a
 * change of limit or a close, and concurrent readers. The budget keeps the whole Lincheck suite
 * well under a minute on two cores and still catches every broken variant in
 * {@link BrokenVariantsLincheckTest}; raise it locally when changing the classes under test.
 */
final class LincheckBudget {
    /** Scenarios the model checker tries. */
    static final int MODEL_ITERATIONS = 12;
    /** Interleavings it explores per scenario, at most. */
    static final int MODEL_INVOCATIONS = 500;
    /** Scenarios the stress run tries. */
    static final int STRESS_ITERATIONS = 10;
    /** Runs per scenario on real threads. */
    static final int STRESS_INVOCATIONS = 500;

    private LincheckBudget() {}

    /**
     * Model-checking options against a sequential specification.
     *
     * @param specification the plain sequential class whose results every run must match
     * @return the options
     */
    static ModelCheckingOptions modelChecking(Class<?> specification) {
        return new ModelCheckingOptions()
                .iterations(MODEL_ITERATIONS)
                .invocationsPerIteration(MODEL_INVOCATIONS)
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(2)
                .actorsAfter(1)
                .sequentialSpecification(specification);
    }

    /**
     * Stress options against a sequential specification.
     *
     * @param specification the plain sequential class whose results every run must match
     * @return the options
     */
    static StressOptions stress(Class<?> specification) {
        return new StressOptions()
                .iterations(STRESS_ITERATIONS)
                .invocationsPerIteration(STRESS_INVOCATIONS)
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(2)
                .actorsAfter(1)
                .sequentialSpecification(specification);
    }
}
