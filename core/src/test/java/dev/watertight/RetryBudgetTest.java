package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.watertight.testing.ManualTimeSource;
import dev.watertight.testing.RetryCheck;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The retry budget: under total failure, retries stay within {@code ratio × calls + floor}, the
 * window slides, and calls of a quiet spell earn nothing. Time is moved by hand; waits are off.
 */
class RetryBudgetTest {
    @RegisterExtension
    final RetryCheck check = new RetryCheck();

    private final ManualTimeSource time = new ManualTimeSource();
    private final AtomicInteger attempts = new AtomicInteger();

    private Retry budgeted(double ratio, int floor, Duration window, int maxAttempts) {
        return check.track(Retry.builder("budgeted").maxAttempts(maxAttempts).backoff(Backoff.none())
                .budget(ratio, floor, window).timeSource(time).build());
    }

    /** Makes calls whose every attempt fails; returns how many calls threw. */
    private int failingCalls(Retry retry, int calls) {
        int failed = 0;
        for (int i = 0; i < calls; i++) {
            try {
                retry.call(() -> {
                    attempts.incrementAndGet();
                    throw new IOException("down");
                });
            } catch (Exception expected) {
                failed++;
            }
        }
        return failed;
    }

    private static void succeedingCalls(Retry retry, int calls) throws Exception {
        for (int i = 0; i < calls; i++) {
            retry.call(() -> "ok");
        }
    }

    @Test
    void underTotalFailureRetriesStayWithinTheRatioOfCalls() {
        Retry retry = budgeted(0.1, 0, Duration.ofSeconds(10), 3);

        int failed = failingCalls(retry, 1_000);

        RetryStats stats = retry.stats();
        assertThat(failed).isEqualTo(1_000);
        assertThat(stats.retries()).as("10 %% of 1,000 calls").isEqualTo(100);
        assertThat(attempts).hasValue(1_100);
        assertThat(stats.retriesDeniedByBudget()).isEqualTo(1_000);
        assertThat(stats.failedAfterRetry()).isEqualTo(100);
        assertThat(stats.failedWithoutRetry()).isEqualTo(900);
    }

    @Test
    void withoutABudgetEveryFailingCallMultipliesTheLoad() {
        Retry retry = check.track(Retry.builder("unbudgeted").maxAttempts(3).backoff(Backoff.none())
                .noBudget().timeSource(time).build());

        failingCalls(retry, 1_000);

        assertThat(attempts).hasValue(3_000);
        assertThat(retry.stats().retriesDeniedByBudget()).isZero();
    }

    @Test
    void theFloorAllowsRetriesBeforeAnyCallEarnedThem() {
        Retry retry = budgeted(0.0, 5, Duration.ofSeconds(2), 100);

        failingCalls(retry, 1);

        assertThat(retry.stats().retries()).as("5 per second over a 2 s window").isEqualTo(10);
        assertThat(attempts).hasValue(11);
    }

    @Test
    void aDeniedRetryEndsTheCallWithItsLastFailureUnchanged() {
        Retry retry = budgeted(0.0, 0, Duration.ofSeconds(1), 3);
        IOException failure = new IOException("down");

        assertThatThrownBy(() -> retry.call(() -> {
            throw failure;
        })).isSameAs(failure);

        assertThat(retry.stats()).isEqualTo(new RetryStats("budgeted", 1, 0, 0, 1, 0, 0, 1));
    }

    @Test
    void successfulCallsEarnRetries() throws Exception {
        Retry retry = budgeted(0.5, 0, Duration.ofSeconds(10), 2);
        succeedingCalls(retry, 100);

        failingCalls(retry, 100);

        // 200 first attempts, of which half may be retried: every failing call got its retry.
        assertThat(retry.stats().retries()).isEqualTo(100);
        assertThat(retry.stats().retriesDeniedByBudget()).isZero();
    }

    @Test
    void retriesSpentInOneWindowAreAvailableAgainInTheNext() {
        Retry retry = budgeted(0.1, 0, Duration.ofSeconds(10), 2);
        failingCalls(retry, 1_000);
        assertThat(retry.stats().retries()).isEqualTo(100);

        time.advance(10, TimeUnit.SECONDS);
        failingCalls(retry, 1_000);

        // 10 % of the new window's calls, less one: the first failure of the new window deposits
        // before it opens the window (its retry is the first considered there), so the window
        // starts just after that deposit. The budget errs on the side of fewer retries.
        assertThat(retry.stats().retries()).isEqualTo(100 + 99);
    }

    @Test
    void withinTheWindowRetriesSpentEarlierStillCount() {
        Retry retry = budgeted(0.1, 0, Duration.ofSeconds(10), 2);
        failingCalls(retry, 1_000);

        time.advance(5, TimeUnit.SECONDS);
        failingCalls(retry, 1_000);

        // The window holds 2,000 calls and 10 % of them, 200 retries, of which 100 were spent.
        assertThat(retry.stats().retries()).isEqualTo(200);
    }

    @Test
    void callsOfAQuietSpellEarnNoRetries() throws Exception {
        Retry retry = budgeted(0.5, 0, Duration.ofSeconds(10), 2);
        succeedingCalls(retry, 1_000);
        time.advance(1, TimeUnit.MINUTES);

        failingCalls(retry, 10);

        // Had the 1,000 successes counted, all ten failures would be retried. The budget only
        // credits calls since it first considered a retry after the quiet spell: the nine
        // failures after the first earn 4.5 retries.
        assertThat(retry.stats().retries()).isEqualTo(4);
    }

    @Test
    void theBudgetIsSharedByEveryCallOfTheRetry() {
        Retry retry = budgeted(0.0, 1, Duration.ofSeconds(3), 10);

        failingCalls(retry, 2);

        assertThat(retry.stats().retries()).isEqualTo(3);
        assertThat(attempts).hasValue(5);
    }

    /**
     * Issue 19, item 11: {@link RetryBudget} said that in every window retries are at most
     * {@code retryRatio × calls + minRetriesPerSecond × window}; here 20 retries fall within
     * 0.95 s against a floor of 10 per 1 s window. The bound both Javadocs now state, over the time
     * since the retry was built, holds; and the two Javadocs say the same thing.
     */
    @Test
    void bothJavadocsStateTheBoundThatHoldsNotAPerWindowOne() throws IOException {
        Retry retry = budgeted(0.0, 10, Duration.ofSeconds(1), 2);
        time.advance(950, TimeUnit.MILLISECONDS); // the last bucket of the first window
        failingCalls(retry, 15);
        assertThat(retry.stats().retries()).isEqualTo(10);
        time.advance(950, TimeUnit.MILLISECONDS); // 1.9 s: the first window's mark has slid out
        failingCalls(retry, 15);

        long retries = retry.stats().retries();
        assertThat(retries).as("retries within 0.95 s, more than the floor of one window").isEqualTo(20);
        double stated = 0.0 * 30 + 10 * (1.9 + 1.0); // ratio × first attempts + floor × (T + window)
        assertThat((double) retries).isLessThanOrEqualTo(stated);

        String bound = "retries <= retryRatio × first attempts + minRetriesPerSecond × (T + window)";
        String budgetDoc = javadoc("RetryBudget.java");
        assertThat(budgetDoc).contains(bound).doesNotContainIgnoringCase("in every window");
        assertThat(javadoc("Retry.java")).contains(bound);
    }

    /** The Javadoc of a main source file of this package, with its comment markers and line breaks folded away. */
    private static String javadoc(String file) throws IOException {
        java.nio.file.Path source = java.nio.file.Path.of("src/main/java/dev/watertight", file);
        String text = java.nio.file.Files.readString(source, java.nio.charset.StandardCharsets.UTF_8);
        return text.replaceAll("\\R\\s*\\*\\s?", " ").replaceAll("\\{@code ([^}]*)}", "$1").replaceAll(" +", " ");
    }
}
