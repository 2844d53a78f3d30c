package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;

/**
 * A {@link Bulkhead} driven through random sequences of takes, releases (single and repeated),
 * failures and resizes, compared after every step with a model that is obviously right: a list
 * of held permits and a limit.
 */
class BulkheadStateMachineProperties {

    /** The bulkhead under test and the model beside it. */
    static final class Machine {
        final Bulkhead bulkhead = Bulkhead.of("machine", 3);
        final List<Bulkhead.Permit> held = new ArrayList<>();
        final List<Bulkhead.Permit> closed = new ArrayList<>();
        int limit = 3;
        long accepted;
        long refused;
        long succeeded;
        long failed;

        void checkAgainstModel() {
            BulkheadStats stats = bulkhead.stats();
            assertThat(stats.inUse()).isEqualTo(held.size());
            assertThat(stats.maxConcurrent()).isEqualTo(limit);
            assertThat(stats.accepted()).isEqualTo(accepted);
            assertThat(stats.succeeded()).isEqualTo(succeeded);
            assertThat(stats.failed()).isEqualTo(failed);
            assertThat(stats.rejected()).isEqualTo(refused);
            assertThat(stats.accepted()).isEqualTo(stats.succeeded() + stats.failed() + stats.inUse());
        }
    }

    @Property(tries = 200)
    void bulkheadBehavesLikeItsModel(@ForAll("machines") ActionChain<Machine> chain) {
        chain.withInvariant("stats match the model", Machine::checkAgainstModel).run();
    }

    @Provide
    Arbitrary<ActionChain<Machine>> machines() {
        return ActionChain.<Machine>startWith(Machine::new)
                .withAction(Action.just("tryAcquire", Transformer.mutate("tryAcquire", BulkheadStateMachineProperties::tryAcquire)))
                .withAction(Action.just("acquire", Transformer.mutate("acquire", BulkheadStateMachineProperties::acquire)))
                .withAction(new ReleaseOne(false))
                .withAction(new ReleaseOne(true))
                .withAction(new CloseAgain())
                .withAction(new Resize())
                .withMaxTransformations(40);
    }

    private static void tryAcquire(Machine machine) {
        Optional<Bulkhead.Permit> permit = machine.bulkhead.tryAcquire();
        assertThat(permit.isPresent()).isEqualTo(machine.held.size() < machine.limit);
        permit.ifPresent(taken -> {
            machine.held.add(taken);
            machine.accepted++;
        });
    }

    private static void acquire(Machine machine) {
        boolean room = machine.held.size() < machine.limit;
        try {
            machine.held.add(machine.bulkhead.acquire());
            machine.accepted++;
            assertThat(room).as("admitted although full").isTrue();
        } catch (BulkheadFullException full) {
            machine.refused++;
            assertThat(room).as("refused although there was room").isFalse();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Gives back one held permit, as succeeded or failed. */
    private record ReleaseOne(boolean asFailure) implements Action.Dependent<Machine> {
        @Override
        public boolean precondition(Machine machine) {
            return !machine.held.isEmpty();
        }

        @Override
        public Arbitrary<Transformer<Machine>> transformer(Machine machine) {
            return Arbitraries.integers().between(0, machine.held.size() - 1).map(index ->
                    Transformer.mutate((asFailure ? "fail #" : "release #") + index, state -> {
                        Bulkhead.Permit permit = state.held.remove((int) index);
                        if (asFailure) {
                            permit.markFailed();
                            state.failed++;
                        } else {
                            state.succeeded++;
                        }
                        permit.close();
                        state.closed.add(permit);
                    }));
        }
    }

    /** Closes an already closed permit again: nothing may change. */
    private static final class CloseAgain implements Action.Dependent<Machine> {
        @Override
        public boolean precondition(Machine machine) {
            return !machine.closed.isEmpty();
        }

        @Override
        public Arbitrary<Transformer<Machine>> transformer(Machine machine) {
            return Arbitraries.of(machine.closed).map(permit ->
                    Transformer.mutate("close again", state -> {
                        permit.markFailed();
                        permit.close();
                        assertThat(permit.isHeld()).isFalse();
                    }));
        }
    }

    /** Sets a new limit from 1 to 5; held permits stay held. */
    private static final class Resize implements Action.Independent<Machine> {
        @Override
        public Arbitrary<Transformer<Machine>> transformer() {
            return Arbitraries.integers().between(1, 5).map(limit ->
                    Transformer.mutate("resize to " + limit, state -> {
                        state.bulkhead.resize(limit);
                        state.limit = limit;
                    }));
        }
    }
}
