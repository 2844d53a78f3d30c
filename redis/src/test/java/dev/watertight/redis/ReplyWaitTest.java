package dev.watertight.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * A caller watches for a reply only briefly and only while few callers wait; the timeout still
 * holds.
 */
class ReplyWaitTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void aReplyThatIsDoneIsReturnedAtOnce() throws Exception {
        long start = System.nanoTime();
        assertThat(ReplyWait.get(CompletableFuture.completedFuture("OK"), 10 * SECOND, 10 * SECOND)).isEqualTo("OK");
        assertThat(System.nanoTime() - start).isLessThan(SECOND);
    }

    @Test
    void aReplyThatNeverComesTimesOutAfterSpinningNoLongerThanTheTimeout() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> ReplyWait.get(new CompletableFuture<>(), SECOND / 200, SECOND / 20))
                .isInstanceOf(TimeoutException.class);
        long took = System.nanoTime() - start;
        assertThat(took).isGreaterThanOrEqualTo(SECOND / 20).isLessThan(5 * SECOND);
    }

    @Test
    void callersBeyondTheCapParkInsteadOfSpinning() throws InterruptedException {
        // One caller more than the cap, all waiting for a reply that comes only when told and
        // willing to spin a minute: exactly one finds the cap full and parks.
        CompletableFuture<String> reply = new CompletableFuture<>();
        List<Thread> waiters = new ArrayList<>();
        for (int i = 0; i <= ReplyWait.MAX_SPINNERS; i++) {
            waiters.add(waiter(reply));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> count(waiters, Thread.State.TIMED_WAITING) == 1);
        assertThat(count(waiters, Thread.State.RUNNABLE)).as("callers spinning").isEqualTo(ReplyWait.MAX_SPINNERS);
        reply.complete("OK");
        for (Thread waiter : waiters) {
            waiter.join(10_000);
            assertThat(waiter.isAlive()).isFalse();
        }
    }

    private static long count(List<Thread> threads, Thread.State state) {
        return threads.stream().filter(thread -> thread.getState() == state).count();
    }

    /** A thread waiting for the reply, spinning up to a minute if the cap allows. */
    private static Thread waiter(CompletableFuture<String> reply) {
        return Thread.ofPlatform().daemon().start(() -> {
            try {
                ReplyWait.get(reply, 60 * SECOND, 120 * SECOND);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }
}
