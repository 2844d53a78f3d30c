package dev.watertight.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.watertight.Bulkhead;
import dev.watertight.BulkheadStats;
import dev.watertight.ThreadPoolBulkhead;
import dev.watertight.ThreadPoolStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Checks, after every test, that the compartments the test built are idle and whole: every
 * permit back, no waiter parked, no task queued or running, and the counters adding up. Tests
 * register what they build with {@link #track}:
 *
 * <pre>{@code
 * @RegisterExtension final CompartmentCheck check = new CompartmentCheck();
 *
 * Bulkhead bulkhead = check.track(Bulkhead.of("orders", 2));
 * }</pre>
 *
 * Thread pools are closed after the check. Work may still be finishing when a test returns
 * (a timed-out task's code, say), so the check waits a few seconds for the compartment to settle
 * before it fails.
 */
public final class CompartmentCheck implements AfterEachCallback {
    private static final Duration SETTLE = Duration.ofSeconds(10);

    private final List<Bulkhead> bulkheads = new ArrayList<>();
    private final List<ThreadPoolBulkhead> pools = new ArrayList<>();

    /**
     * Checks this bulkhead after the test.
     *
     * @param bulkhead the bulkhead
     * @return the same bulkhead
     */
    public Bulkhead track(Bulkhead bulkhead) {
        bulkheads.add(bulkhead);
        return bulkhead;
    }

    /**
     * Checks this pool after the test, then closes it.
     *
     * @param pool the pool
     * @return the same pool
     */
    public ThreadPoolBulkhead track(ThreadPoolBulkhead pool) {
        pools.add(pool);
        return pool;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            for (Bulkhead bulkhead : bulkheads) {
                await("bulkhead " + bulkhead.name() + " idle and whole").atMost(SETTLE)
                        .untilAsserted(() -> assertWhole(bulkhead.stats()));
            }
            for (ThreadPoolBulkhead pool : pools) {
                await("pool " + pool.name() + " idle and whole").atMost(SETTLE)
                        .untilAsserted(() -> assertWhole(pool.stats()));
            }
        } finally {
            pools.forEach(ThreadPoolBulkhead::close);
            bulkheads.clear();
            pools.clear();
        }
    }

    /**
     * Asserts that a bulkhead's snapshot is idle and its counters add up.
     *
     * @param stats the snapshot
     */
    public static void assertWhole(BulkheadStats stats) {
        assertThat(stats.inUse()).as("%s: permits in use", stats.name()).isZero();
        assertThat(stats.waiting()).as("%s: waiting callers", stats.name()).isZero();
        assertThat(stats.accepted())
                .as("%s: accepted == succeeded + failed", stats.name())
                .isEqualTo(stats.succeeded() + stats.failed());
        assertThat(stats.succeeded()).as("%s: succeeded", stats.name()).isNotNegative();
    }

    /**
     * Asserts that a pool's snapshot is idle and its counters add up.
     *
     * @param stats the snapshot
     */
    public static void assertWhole(ThreadPoolStats stats) {
        assertThat(stats.activeThreads()).as("%s: active threads", stats.name()).isZero();
        assertThat(stats.queued()).as("%s: queued tasks", stats.name()).isZero();
        assertThat(stats.submitted())
                .as("%s: submitted == succeeded + failed + timedOut + cancelled", stats.name())
                .isEqualTo(stats.completed());
    }
}
