package dev.watertight.internal;

import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;

/**
 * The waiting path of {@link PermitSync} ({@code acquire()}, the wait queue, wake-ups,
 * interruption) under Lincheck's general-purpose model checker, {@link Lincheck#runConcurrentTest}:
 * each test is a small fixed program of threads, and Lincheck runs it under up to
 * {@value #INVOCATIONS} different interleavings, switching threads at every shared-memory access,
 * inside {@code AbstractQueuedLongSynchronizer} too. Blocking calls cannot be operations of a
 * linearizability model (a scenario could leave one blocked forever), hence this separate check.
 *
 * <p><b>What it checks.</b> In every interleaving explored: a single permit never has two holders,
 * also when it goes to a queued waiter; every permit comes back (none in use, none waiting once all
 * threads are done); a raised limit admits a waiter; an interrupted waiter takes nothing and loses
 * no permit. A permit lost for good would show as a failed final check, or as a waiter that can
 * never get in, which Lincheck reports as a hang.
 *
 * <p><b>What it cannot check: lost wake-ups.</b> Lincheck 3.7's model checker lets
 * {@code LockSupport.park} return spuriously (as the JDK allows), and it uses that to leave a
 * parked thread whenever it likes. A waiter whose signal was lost therefore still wakes, re-checks
 * and gets in, so a lost wake-up never shows as a hang here (a deliberately broken waiter that
 * parks without re-checking passes these checks). Missing signals are left to real-thread stress
 * tests, which park for real and have time limits. Nor does any test here use a timed wait: the
 * model checker's clock stands still, so such a wait could never time out.
 *
 * <p><b>Shared state is published through static fields.</b> Lincheck 3.7 treats an object created
 * inside the test program as local to its creating thread until it is written to a shared
 * location; handing it to a new thread through a lambda capture or constructor argument does not
 * count, and its accesses are then not interleaved at all (a plain lost-update race between two
 * threads went unnoticed that way). Storing it in a static field first makes it shared.
 *
 * <p><b>Sizes.</b> Two or three threads and one permit, the smallest setting in which waiters
 * queue, are signalled and pass the signal on; {@value #INVOCATIONS} interleavings per test, about
 * a second each on two cores. The same budget catches the leaky waiter of
 * {@link BrokenVariantsLincheckTest}.
 */
class PermitSyncWaitingLincheckTest {
    static final int INVOCATIONS = 300;

    /** The permits under test, published for Lincheck (see the class comment). */
    private static volatile PermitSync permits;
    /** Threads between their {@code acquire()} and their {@code release()}. */
    private static final AtomicInteger holders = new AtomicInteger();

    /** Code a test thread runs; checked exceptions become failures of the test. */
    interface Steps {
        void run() throws InterruptedException;
    }

    static Thread start(Steps steps) {
        Thread thread = new Thread(() -> {
            try {
                steps.run();
            } catch (InterruptedException e) {
                throw new AssertionError("unexpected interrupt", e);
            }
        });
        thread.start();
        return thread;
    }

    static void joinAll(Thread... threads) {
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                throw new AssertionError("test program interrupted", e);
            }
        }
    }

    private static void holdOnce() throws InterruptedException {
        permits.acquire();
        try {
            if (holders.incrementAndGet() > permits.limit()) {
                throw new AssertionError("more holders than permits: " + holders.get());
            }
            holders.decrementAndGet();
        } finally {
            permits.release();
        }
    }

    private static void assertAllGivenBack() {
        if (permits.inUse() != 0 || permits.waiting() != 0) {
            throw new AssertionError("after all threads finished: " + permits);
        }
    }

    /** The main thread holds the only permit while two threads queue for it, then lets go. */
    private static void twoWaitersTakeTurns(boolean fair) {
        permits = new PermitSync(1, fair);
        holders.set(0);
        if (!permits.tryAcquire()) {
            throw new AssertionError("a fresh permit was refused");
        }
        Thread first = start(PermitSyncWaitingLincheckTest::holdOnce);
        Thread second = start(PermitSyncWaitingLincheckTest::holdOnce);
        permits.release();
        joinAll(first, second);
        assertAllGivenBack();
    }

    @Test
    void queuedWaitersTakeTheOnlyPermitOneAtATimeAndGiveItBackWhenUnfair() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> twoWaitersTakeTurns(false));
    }

    @Test
    void queuedWaitersTakeTheOnlyPermitOneAtATimeAndGiveItBackWhenFair() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> twoWaitersTakeTurns(true));
    }

    @Test
    void aWaiterGetsInWhenAnotherThreadRaisesTheLimit() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            permits = new PermitSync(1, false);
            permits.tryAcquire();
            Thread waiter = start(() -> permits.acquire());
            Thread resizer = start(() -> permits.resize(2));
            joinAll(waiter, resizer);
            if (permits.inUse() != 2 || permits.waiting() != 0) {
                throw new AssertionError("after the raise: " + permits);
            }
        });
    }

    @Test
    void anInterruptedWaiterTakesNothingAndTheNextCallerGetsThePermit() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            permits = new PermitSync(1, true);
            holders.set(0);
            permits.tryAcquire();
            Thread waiter = new Thread(() -> {
                try {
                    holdOnce();
                } catch (InterruptedException expected) {
                    // Gave up while queued: it must not have taken the permit.
                }
            });
            waiter.start();
            waiter.interrupt();
            permits.release();
            joinAll(waiter);
            assertAllGivenBack();
            if (!permits.tryAcquire()) {
                throw new AssertionError("the permit was lost: " + permits);
            }
        });
    }
}
