package dev.watertight.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watertight.Retry;
import dev.watertight.RetryStats;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Checks, after every test, that the counters of the retries the test built add up, as
 * {@link RetryStats} promises for every snapshot. Tests register what they build with
 * {@link #track}:
 *
 * <pre>{@code
 * @RegisterExtension final RetryCheck check = new RetryCheck();
 *
 * Retry retry = check.track(Retry.of("orders", 3));
 * }</pre>
 */
public final class RetryCheck implements AfterEachCallback {
    private final List<Retry> retries = new ArrayList<>();

    /**
     * Checks this retry after the test.
     *
     * @param retry the retry
     * @return the same retry
     */
    public Retry track(Retry retry) {
        retries.add(retry);
        return retry;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            for (Retry retry : retries) {
                assertAddsUp(retry.stats());
                assertThat(retry.listenerFailures()).as("%s: listener failures", retry.name()).isZero();
            }
        } finally {
            retries.clear();
        }
    }

    /**
     * Asserts the relations that hold in every snapshot of a retry's counters.
     *
     * @param stats the snapshot
     */
    public static void assertAddsUp(RetryStats stats) {
        assertThat(stats.calls())
                .as("%s: calls == the four outcomes", stats.name())
                .isEqualTo(stats.succeededWithoutRetry() + stats.succeededAfterRetry()
                        + stats.failedWithoutRetry() + stats.failedAfterRetry());
        assertThat(stats.retries())
                .as("%s: retries >= calls that ended after a retry", stats.name())
                .isGreaterThanOrEqualTo(stats.succeededAfterRetry() + stats.failedAfterRetry());
        assertThat(stats.retriesDeniedByBudget())
                .as("%s: denials <= failed calls", stats.name())
                .isLessThanOrEqualTo(stats.failed())
                .isNotNegative();
    }
}
