package dev.watertight.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jetbrains.lincheck.Lincheck;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.junit.jupiter.api.Test;

/**
 * Proof that the Lincheck models have teeth: deliberately broken look-alikes of the classes under
 * test, each with one classic race, checked with exactly the options, operations' shapes and
 * specifications the real models use, must be reported by Lincheck. If one of these tests fails,
 * the corresponding model has become too weak (too small a budget, a specification that accepts
 * too much, an operation that no longer reaches the race) and its passing says little.
 *
 * <p>The broken classes live here, in the test sources, never in {@code src/main}. Each is caught
 * within a few seconds (Lincheck stops at the first failure, then shrinks the scenario).
 */
class BrokenVariantsLincheckTest {

    /**
     * A gate that checks the bound and then increments in a separate step, with "closed" kept apart
     * from the count: two admissions can both pass the check for the last place, and an admission
     * can slip in after {@code close()}. Each step on its own is atomic.
     */
    public static class ChecksThenIncrementsGate {
        private final AtomicLong occupancy = new AtomicLong();
        private final AtomicBoolean closed = new AtomicBoolean();
        private final int[] inside = new int[AdmissionGateLincheckTest.THREAD_SLOTS];

        @Operation
        public long tryAdmit(@Param(gen = ThreadIdGen.class) int thread) {
            if (closed.get()) {
                return AdmissionGate.CLOSED;
            }
            if (occupancy.get() >= AdmissionGateLincheckTest.BOUND) {
                return AdmissionGate.FULL;
            }
            long after = occupancy.incrementAndGet();
            inside[thread]++;
            return after;
        }

        @Operation
        public Boolean leave(@Param(gen = ThreadIdGen.class) int thread) {
            if (inside[thread] == 0) {
                return null;
            }
            inside[thread]--;
            return occupancy.decrementAndGet() == 0 && closed.get();
        }

        @Operation
        public boolean close() {
            return closed.compareAndSet(false, true);
        }

        @Operation
        public long occupancy() {
            return occupancy.get();
        }
    }

    /**
     * {@code PermitSync}'s two-counter admission with the reads the wrong way round: {@code given}
     * before {@code taken}. Permits given back and taken again in between make it refuse while
     * the permits were never all in use, which the design comment of {@code PermitSync} warns
     * about ("Refusal").
     */
    public static class ReadsGivenBeforeTakenPermits {
        private final AtomicLong taken = new AtomicLong();
        private final AtomicLong given = new AtomicLong();
        private final int[] held = new int[PermitSyncOperations.THREAD_SLOTS];

        @Operation
        public boolean tryAcquire(@Param(gen = ThreadIdGen.class) int thread) {
            for (;;) {
                long givenNow = given.get();
                long takenNow = taken.get();
                if (takenNow - givenNow >= PermitSyncOperations.INITIAL_LIMIT) {
                    return false;
                }
                if (taken.compareAndSet(takenNow, takenNow + 1)) {
                    held[thread]++;
                    return true;
                }
            }
        }

        @Operation
        public boolean release(@Param(gen = ThreadIdGen.class) int thread) {
            if (held[thread] == 0) {
                return false;
            }
            held[thread]--;
            given.incrementAndGet();
            return true;
        }
    }

    /**
     * One permit, where a waiter that is interrupted after it got the permit throws without giving
     * it back: the permit is gone for good (the failure mode of failsafe #393).
     */
    static final class KeepsPermitWhenInterrupted {
        private final AtomicInteger free = new AtomicInteger(1);

        boolean tryAcquire() {
            int now = free.get();
            return now > 0 && free.compareAndSet(now, now - 1);
        }

        void acquire() throws InterruptedException {
            while (!tryAcquire()) {
                LockSupport.park(this);
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }

        void release() {
            free.incrementAndGet();
        }
    }

    /** The broken permits, published for Lincheck (see {@link PermitSyncWaitingLincheckTest}). */
    private static volatile KeepsPermitWhenInterrupted leaky;

    @Test
    void lincheckCatchesAGateThatChecksTheBoundAndIncrementsInTwoSteps() {
        assertThatThrownBy(() -> AdmissionGateLincheckTest.modelChecking()
                        .check(ChecksThenIncrementsGate.class))
                .isInstanceOf(LincheckAssertionError.class)
                .hasMessageContaining("Invalid execution results");
    }

    @Test
    void lincheckCatchesPermitsThatReadGivenBeforeTaken() {
        assertThatThrownBy(() -> PermitSyncLincheckTest.modelChecking()
                        .check(ReadsGivenBeforeTakenPermits.class))
                .isInstanceOf(LincheckAssertionError.class)
                .hasMessageContaining("Invalid execution results");
    }

    @Test
    void lincheckCatchesAWaiterThatKeepsThePermitWhenInterrupted() {
        int invocations = PermitSyncWaitingLincheckTest.INVOCATIONS;
        assertThatThrownBy(() -> Lincheck.runConcurrentTest(invocations, () -> {
            leaky = new KeepsPermitWhenInterrupted();
            leaky.tryAcquire();
            Thread waiter = new Thread(() -> {
                try {
                    leaky.acquire();
                    leaky.release();
                } catch (InterruptedException expected) {
                    // Gave up; it should have taken nothing.
                }
            });
            waiter.start();
            waiter.interrupt();
            leaky.release();
            PermitSyncWaitingLincheckTest.joinAll(waiter);
            if (!leaky.tryAcquire()) {
                throw new AssertionError("the permit was lost");
            }
        }))
                .isInstanceOf(LincheckAssertionError.class)
                .hasMessageContaining("the permit was lost");
    }
}
