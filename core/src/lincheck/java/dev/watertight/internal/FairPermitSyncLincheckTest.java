package dev.watertight.internal;

import org.junit.jupiter.api.Test;

/**
 * Lincheck model of a fair {@link PermitSync} with a limit of 2: the same operations and the same
 * sequential specification ({@link PermitSyncSequential}) as the unfair model,
 * {@link PermitSyncLincheckTest}, whose comment explains the guarantee checked and the sizes.
 *
 * <p>What differs is the fair path: every attempt first asks the wait queue whether anyone is
 * ahead ({@code hasQueuedPredecessors()}), and the model checker interleaves those queue reads with
 * the counter updates of the other threads. No operation here waits, so the queue stays empty and
 * the fair attempts must behave exactly like the counter.
 *
 * <p>Timed attempts are deliberately left out of the fair model. A fair immediate attempt refuses
 * while a waiter is queued, even with a permit free: that is the documented "nobody overtakes a
 * waiter" rule, not a counter's behaviour. It is linearizable to the counter only when the waiter
 * goes on to take the permit; if the waiter instead times out (or a resize takes the permit away)
 * the refusal happened while nothing was full, which a specification without a wait queue cannot
 * express. The window is a few instructions wide (a stress run of 80,000 scenarios with timed
 * waits did not hit it), but it exists, so including timed waits would make this check flaky.
 * Fair waiting is checked by {@link PermitSyncWaitingLincheckTest}.
 */
public class FairPermitSyncLincheckTest extends PermitSyncOperations {
    public FairPermitSyncLincheckTest() {
        super(true);
    }

    @Test
    void everyInterleavingOfFairTakingGivingBackResizingAndReadingIsLinearizable() {
        PermitSyncLincheckTest.modelChecking().check(FairPermitSyncLincheckTest.class);
    }

    @Test
    void realThreadsTakingFairlyGivingBackAndResizingProduceOnlyLinearizableResults() {
        PermitSyncLincheckTest.stress().check(FairPermitSyncLincheckTest.class);
    }
}
