package dev.watertight;

import static dev.watertight.testing.Theories.check;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/**
 * A {@link Bulkhead} driven through random sequences of 40 takes, releases (single and repeated),
 * failures and resizes, compared before the first step and after every step with a model that is
 * obviously right: a list of held permits and a limit.
 *
 * <p>Each step is drawn as two numbers: one picks among the actions allowed in the state reached
 * (a release needs a held permit, a second close a closed one), the other picks the action's
 * argument (which permit, which limit). A failure names the step and lists the actions before it;
 * see {@link dev.watertight.testing.Theories} for how it is replayed.
 */
class BulkheadStateMachineProperties {
    /** Steps in a run. */
    private static final int STEPS = 40;
    /** Numbers a choice is drawn from: divisible by every count from 1 to 6, so small choices are fair. */
    private static final int CHOICES = 60;

    /** One step: a number that picks the action among those allowed, and one that picks its argument. */
    record Step(int action, int argument) {
        @Override
        public String toString() {
            return action + "/" + argument;
        }
    }

    /** What a step can do; {@link #allowed} is its precondition. */
    enum Action {
        TRY_ACQUIRE, ACQUIRE, RELEASE, FAIL, CLOSE_AGAIN, RESIZE;

        boolean allowed(Machine machine) {
            return switch (this) {
                case RELEASE, FAIL -> !machine.held.isEmpty();
                case CLOSE_AGAIN -> !machine.closed.isEmpty();
                default -> true;
            };
        }
    }

    /** The bulkhead under test and the model beside it. */
    static final class Machine {
        final Bulkhead bulkhead = Bulkhead.of("machine", 3);
        final List<Bulkhead.Permit> held = new ArrayList<>();
        final List<Bulkhead.Permit> closed = new ArrayList<>();
        final List<String> done = new ArrayList<>();
        int limit = 3;
        long accepted;
        long refused;
        long succeeded;
        long failed;

        void checkAgainstModel() {
            BulkheadStats stats = bulkhead.stats();
            assertThat(stats.inUse()).as("inUse").isEqualTo(held.size());
            assertThat(stats.maxConcurrent()).as("maxConcurrent").isEqualTo(limit);
            assertThat(stats.accepted()).as("accepted").isEqualTo(accepted);
            assertThat(stats.succeeded()).as("succeeded").isEqualTo(succeeded);
            assertThat(stats.failed()).as("failed").isEqualTo(failed);
            assertThat(stats.rejected()).as("rejected").isEqualTo(refused);
            assertThat(stats.accepted()).as("accepted = succeeded + failed + inUse")
                    .isEqualTo(stats.succeeded() + stats.failed() + stats.inUse());
        }

        void apply(Step step) {
            List<Action> allowed = new ArrayList<>();
            for (Action action : Action.values()) {
                if (action.allowed(this)) {
                    allowed.add(action);
                }
            }
            switch (allowed.get(choose(step.action(), allowed.size()))) {
                case TRY_ACQUIRE -> tryAcquire();
                case ACQUIRE -> acquire();
                case RELEASE -> releaseOne(choose(step.argument(), held.size()), false);
                case FAIL -> releaseOne(choose(step.argument(), held.size()), true);
                case CLOSE_AGAIN -> closeAgain(closed.get(choose(step.argument(), closed.size())));
                case RESIZE -> resize(1 + choose(step.argument(), 5));
            }
        }

        private void tryAcquire() {
            done.add("tryAcquire");
            Optional<Bulkhead.Permit> permit = bulkhead.tryAcquire();
            assertThat(permit.isPresent()).isEqualTo(held.size() < limit);
            permit.ifPresent(taken -> {
                held.add(taken);
                accepted++;
            });
        }

        private void acquire() {
            done.add("acquire");
            boolean room = held.size() < limit;
            try {
                held.add(bulkhead.acquire());
                accepted++;
                assertThat(room).as("admitted although full").isTrue();
            } catch (BulkheadFullException full) {
                refused++;
                assertThat(room).as("refused although there was room").isFalse();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }

        /** Gives back one held permit, as succeeded or failed. */
        private void releaseOne(int index, boolean asFailure) {
            done.add((asFailure ? "fail #" : "release #") + index);
            Bulkhead.Permit permit = held.remove(index);
            if (asFailure) {
                permit.markFailed();
                failed++;
            } else {
                succeeded++;
            }
            permit.close();
            closed.add(permit);
        }

        /** Closes an already closed permit again: nothing may change. */
        private void closeAgain(Bulkhead.Permit permit) {
            done.add("close again #" + closed.indexOf(permit));
            permit.markFailed();
            permit.close();
            assertThat(permit.isHeld()).isFalse();
        }

        /** Sets a new limit from 1 to 5; held permits stay held. */
        private void resize(int newLimit) {
            done.add("resize to " + newLimit);
            bulkhead.resize(newLimit);
            limit = newLimit;
        }
    }

    /** Which of {@code count} things the drawn {@code number} (0 to {@link #CHOICES} - 1) picks. */
    private static int choose(int number, int count) {
        return number * count / CHOICES;
    }

    @Test
    void bulkheadBehavesLikeItsModel() {
        Gen<Step> step = SourceDSL.integers().between(0, CHOICES - 1)
                .zip(SourceDSL.integers().between(0, CHOICES - 1), Step::new);
        check(200, SourceDSL.lists().of(step).ofSize(STEPS), BulkheadStateMachineProperties::run);
    }

    private static void run(List<Step> steps) {
        Machine machine = new Machine();
        machine.checkAgainstModel();
        for (Step step : steps) {
            try {
                machine.apply(step);
                machine.checkAgainstModel();
            } catch (AssertionError e) {
                throw new AssertionError("failed at the last of the steps " + machine.done, e);
            }
        }
    }
}
