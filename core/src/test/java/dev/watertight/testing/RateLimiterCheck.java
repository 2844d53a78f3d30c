package dev.watertight.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.watertight.RateLimiter;
import dev.watertight.RateLimiterStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Checks, after every test, that the rate limiters the test built are idle and sane: no caller
 * left waiting, no more permits free than the burst, no negative counter. Tests register what
 * they build with {@link #track}, as with {@link CompartmentCheck}:
 *
 * <pre>{@code
 * @RegisterExtension final RateLimiterCheck check = new RateLimiterCheck();
 *
 * RateLimiter limiter = check.track(RateLimiter.of("search", 10, Duration.ofSeconds(1)));
 * }</pre>
 */
public final class RateLimiterCheck implements AfterEachCallback {
    private static final Duration SETTLE = Duration.ofSeconds(10);

    private final List<RateLimiter> limiters = new ArrayList<>();

    /**
     * Checks this rate limiter after the test.
     *
     * @param limiter the rate limiter
     * @return the same rate limiter
     */
    public RateLimiter track(RateLimiter limiter) {
        limiters.add(limiter);
        return limiter;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            for (RateLimiter limiter : limiters) {
                try {
                    assertSane(limiter.stats());
                } catch (AssertionError notYet) {
                    // A waiter on another thread may still be on its way out.
                    await("rate limiter " + limiter.name() + " idle and sane").atMost(SETTLE)
                            .untilAsserted(() -> assertSane(limiter.stats()));
                }
            }
        } finally {
            limiters.clear();
        }
    }

    /**
     * Asserts that a snapshot shows nobody waiting and counts in range.
     *
     * @param stats the snapshot
     */
    public static void assertSane(RateLimiterStats stats) {
        assertThat(stats.waiting()).as("%s: waiting callers", stats.name()).isZero();
        assertThat(stats.availablePermits()).as("%s: available permits", stats.name()).isBetween(0, stats.burst());
        assertThat(stats.granted()).as("%s: granted", stats.name()).isNotNegative();
        assertThat(stats.rejected()).as("%s: rejected", stats.name()).isNotNegative();
    }
}
