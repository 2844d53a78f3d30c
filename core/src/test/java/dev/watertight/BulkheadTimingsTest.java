package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.watertight.testing.CompartmentCheck;
import dev.watertight.testing.RecordingTimings;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a bulkhead reports to attached {@link CallTimings}, and when. */
class BulkheadTimingsTest {
    private static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);

    @RegisterExtension
    final CompartmentCheck check = new CompartmentCheck();

    /** Keeps the thread busy (not asleep) for at least the given time, so a lower bound is known. */
    private static void busyFor(long nanos) {
        long start = System.nanoTime();
        while (System.nanoTime() - start < nanos) {
            Thread.onSpinWait();
        }
    }

    @Test
    void callsAdmittedAtOnceReportNoWaitAndTheirRunningTime() throws Exception {
        Bulkhead bulkhead = check.track(Bulkhead.of("payments", 2));
        RecordingTimings timings = new RecordingTimings();
        bulkhead.recordTimings(timings);

        bulkhead.call(() -> {
            busyFor(3 * MILLI);
            return "ok";
        });
        assertThatThrownBy(() -> bulkhead.call(() -> {
            busyFor(3 * MILLI);
            throw new IOException("down");
        })).isInstanceOf(IOException.class);
        bulkhead.run(() -> busyFor(3 * MILLI));
        assertThatThrownBy(() -> bulkhead.run(() -> {
            busyFor(3 * MILLI);
            throw new IllegalStateException("broken");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(timings.waits()).containsExactly(0L, 0L, 0L, 0L);
        assertThat(timings.runs()).hasSize(4).allSatisfy(ran -> assertThat(ran).isGreaterThanOrEqualTo(3 * MILLI));
    }

    @Test
    void refusedCallsAreNotReported() throws Exception {
        Bulkhead bulkhead = check.track(Bulkhead.of("payments", 1));
        RecordingTimings timings = new RecordingTimings();
        try (Bulkhead.Permit held = bulkhead.acquire()) { // taken before the timings: not reported
            bulkhead.recordTimings(timings);

            assertThatThrownBy(() -> bulkhead.call(() -> "never")).isInstanceOf(BulkheadFullException.class);
            assertThatThrownBy(() -> bulkhead.run(() -> {})).isInstanceOf(BulkheadFullException.class);
            assertThatThrownBy(bulkhead::acquire).isInstanceOf(BulkheadFullException.class);
            assertThat(bulkhead.tryAcquire()).isEmpty();
            assertThat(bulkhead.callAsync(() -> CompletableFuture.completedFuture("never")))
                    .isCompletedExceptionally();
        }

        assertThat(timings.waits()).isEmpty();
        assertThat(timings.runs()).isEmpty();
        assertThat(bulkhead.stats().rejected()).isEqualTo(4);
    }

    @Test
    void aCallerThatWaitedReportsAtLeastTheTimeItWasHeldBack() throws Exception {
        Bulkhead bulkhead = check.track(Bulkhead.builder("payments").maxConcurrent(1)
                .maxWait(Duration.ofSeconds(30)).build());
        RecordingTimings timings = new RecordingTimings();
        Bulkhead.Permit holder = bulkhead.acquire();
        bulkhead.recordTimings(timings);
        CompletableFuture<String> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return bulkhead.call(() -> "admitted");
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        await().until(() -> bulkhead.stats().waiting() == 1);

        busyFor(20 * MILLI); // the waiter is parked all this time
        holder.close();

        assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo("admitted");
        assertThat(timings.waits()).singleElement().satisfies(waited -> assertThat(waited).isGreaterThanOrEqualTo(20 * MILLI));
        assertThat(timings.runs()).hasSize(1);
    }

    @Test
    void anAsyncCallRunsUntilItsStageCompletes() {
        Bulkhead bulkhead = check.track(Bulkhead.of("payments", 2));
        RecordingTimings timings = new RecordingTimings();
        bulkhead.recordTimings(timings);
        CompletableFuture<String> work = new CompletableFuture<>();

        CompletableFuture<String> result = bulkhead.callAsync(() -> work);
        assertThat(timings.waits()).containsExactly(0L);
        assertThat(timings.runs()).as("reported only once the stage completes").isEmpty();
        busyFor(5 * MILLI);
        work.complete("done");

        assertThat(result).isCompletedWithValue("done");
        assertThat(timings.runs()).singleElement().satisfies(ran -> assertThat(ran).isGreaterThanOrEqualTo(5 * MILLI));
    }

    @Test
    void anAsyncCallWhoseStageFailsOrWhoseSupplierThrowsIsReportedOnce() {
        Bulkhead bulkhead = check.track(Bulkhead.of("payments", 2));
        RecordingTimings timings = new RecordingTimings();
        bulkhead.recordTimings(timings);

        assertThat(bulkhead.callAsync(() -> CompletableFuture.failedFuture(new IOException("down"))))
                .isCompletedExceptionally();
        assertThat(bulkhead.callAsync(() -> {
            throw new IllegalStateException("could not start");
        })).isCompletedExceptionally();

        assertThat(timings.waits()).containsExactly(0L, 0L);
        assertThat(timings.runs()).hasSize(2);
        assertThat(bulkhead.stats().failed()).isEqualTo(2);
    }

    @Test
    void anAcquiredPermitReportsHowLongItWasHeldOnceHoweverOftenItIsClosed() {
        Bulkhead bulkhead = check.track(Bulkhead.of("payments", 2));
        RecordingTimings timings = new RecordingTimings();
        bulkhead.recordTimings(timings);

        Bulkhead.Permit permit = bulkhead.tryAcquire().orElseThrow();
        busyFor(4 * MILLI);
        permit.markFailed();
        permit.close();
        permit.close();

        assertThat(permit.isHeld()).isFalse();
        assertThat(timings.waits()).containsExactly(0L);
        assertThat(timings.runs()).singleElement().satisfies(held -> assertThat(held).isGreaterThanOrEqualTo(4 * MILLI));
        assertThat(bulkhead.stats().failed()).isEqualTo(1);
    }

    @Test
    void everyAttachedTimingsHearEveryCallUntilDetached() throws Exception {
        Bulkhead bulkhead = check.track(Bulkhead.of("payments", 2));
        RecordingTimings first = new RecordingTimings();
        RecordingTimings second = new RecordingTimings();
        CallTimings.Recording firstRecording = bulkhead.recordTimings(first);
        CallTimings.Recording secondRecording = bulkhead.recordTimings(second);

        bulkhead.call(() -> "both hear this");
        firstRecording.close();
        firstRecording.close(); // harmless, and does not detach the second
        bulkhead.call(() -> "only the second hears this");
        secondRecording.close();
        bulkhead.call(() -> "nobody hears this");

        assertThat(first.waits()).hasSize(1);
        assertThat(first.runs()).hasSize(1);
        assertThat(second.waits()).hasSize(2);
        assertThat(second.runs()).hasSize(2);
    }

    @Test
    void timingsThatThrowAreCountedAndNeverBreakTheBulkhead() throws Exception {
        Bulkhead bulkhead = check.track(Bulkhead.of("payments", 1));
        RecordingTimings others = new RecordingTimings();
        bulkhead.recordTimings(new CallTimings() {
            @Override
            public void waited(long nanos) {
                throw new IllegalStateException("broken timer");
            }

            @Override
            public void ran(long nanos) {
                throw new AssertionError("broken timer");
            }
        });
        bulkhead.recordTimings(others);

        assertThat(bulkhead.call(() -> "still works")).isEqualTo("still works");

        assertThat(bulkhead.listenerFailures()).isEqualTo(2);
        assertThat(others.waits()).hasSize(1);
        assertThat(others.runs()).hasSize(1);
        assertThat(bulkhead.stats().succeeded()).isEqualTo(1);
    }
}
