package dev.watertight.stress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watertight.RateLimitExceededException;
import dev.watertight.RateLimiter;
import dev.watertight.RateLimiterStats;
import dev.watertight.TimeSource;
import dev.watertight.testing.RateLimiterCheck;
import dev.watertight.testing.SlidingWindows;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Many threads against one {@link RateLimiter} on the real clock, with every grant's own clock
 * reading recorded, then the documented bound checked over every window of every position. The
 * clock is the system's, wrapped only to remember, per thread, the last reading the limiter took:
 * after a grant that is the reading the grant was decided at, so the check is exact and not
 * blurred by scheduling delays between the limiter's reading and the test's.
 */
class RateLimiterStressTest {
    private static final int THREADS = 8;
    private static final Duration RUN = Duration.ofMillis(300);

    @RegisterExtension
    final RateLimiterCheck check = new RateLimiterCheck();

    /** The system clock, remembering the last reading it gave each thread. */
    private static final class RecordingClock implements TimeSource {
        private final ThreadLocal<long[]> lastReading = ThreadLocal.withInitial(() -> new long[1]);

        @Override
        public long nanoTime() {
            long now = System.nanoTime();
            lastReading.get()[0] = now;
            return now;
        }

        @Override
        public Future<?> schedule(Runnable action, long delayNanos) {
            return TimeSource.system().schedule(action, delayNanos);
        }

        /** The reading the limiter last took on this thread. */
        long lastReading() {
            return lastReading.get()[0];
        }
    }

    /** Calls the body on every thread until the run time is over; returns all grants. */
    private static SlidingWindows hammer(int threads, Body body) throws InterruptedException {
        List<SlidingWindows> perThread = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            perThread.add(new SlidingWindows());
        }
        long end = System.nanoTime() + RUN.toNanos();
        Concurrently.run(threads, index -> {
            SlidingWindows grants = perThread.get(index);
            while (System.nanoTime() - end < 0) {
                body.call(grants);
            }
        });
        SlidingWindows all = new SlidingWindows();
        perThread.forEach(all::addAll);
        return all;
    }

    interface Body {
        void call(SlidingWindows grants) throws Exception;
    }

    private static void assertBound(SlidingWindows grants, int permitsPerPeriod, long periodNanos, int burst) {
        long interval = Math.ceilDiv(periodNanos, permitsPerPeriod);
        assertThat(grants.maxInClosedWindow(periodNanos)).as("closed windows of one period")
                .isLessThanOrEqualTo(burst + permitsPerPeriod);
        assertThat(grants.maxInHalfOpenWindow(periodNanos)).as("half-open windows of one period")
                .isLessThanOrEqualTo(burst + permitsPerPeriod - 1);
        for (long length : new long[] {0, interval - 1, 7 * interval, periodNanos / 3}) {
            assertThat(grants.maxInClosedWindow(length)).as("closed windows of %d ns", length)
                    .isLessThanOrEqualTo(burst + length / interval);
        }
    }

    @Test
    void manyThreadsNeverGetMoreThanTheBoundInAnyWindow() throws Exception {
        // A small burst makes a descheduled thread's reading stale by more than the whole credit,
        // which is the case a careless limiter would take for a clock gone backwards.
        for (int burst : new int[] {1, 40}) {
            RecordingClock clock = new RecordingClock();
            int permitsPerPeriod = 1_000;
            long periodNanos = 10_000_000; // 10 µs per permit
            RateLimiter limiter = check.track(RateLimiter.builder("stress-" + burst)
                    .permitsPerPeriod(permitsPerPeriod).period(Duration.ofNanos(periodNanos)).burst(burst)
                    .timeSource(clock).build());

            SlidingWindows grants = hammer(THREADS, mine -> {
                int permits = 1 + ThreadLocalRandom.current().nextInt(Math.min(3, burst));
                if (limiter.tryAcquire(permits)) {
                    mine.add(clock.lastReading(), permits);
                }
            });

            assertBound(grants, permitsPerPeriod, periodNanos, burst);
            assertThat(limiter.stats().granted()).isEqualTo(grants.total());
            // Sanity: the limiter was saturated, not idle (a quarter of what the rate allows).
            assertThat(grants.total()).isGreaterThan(RUN.toNanos() / (periodNanos / permitsPerPeriod) / 4);
        }
    }

    @Test
    void waitersAndFailFastCallersTogetherNeverExceedTheBound() throws Exception {
        RecordingClock clock = new RecordingClock();
        int permitsPerPeriod = 200;
        long periodNanos = 10_000_000; // 50 µs per permit
        int burst = 5;
        RateLimiter limiter = check.track(RateLimiter.builder("mixed").permitsPerPeriod(permitsPerPeriod)
                .period(Duration.ofNanos(periodNanos)).burst(burst).maxWait(Duration.ofMillis(2))
                .timeSource(clock).build());
        LongAdder rejections = new LongAdder();

        SlidingWindows grants = hammer(THREADS, mine -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            int permits = 1 + random.nextInt(2);
            if (random.nextBoolean()) {
                if (limiter.tryAcquire(permits)) {
                    mine.add(clock.lastReading(), permits);
                }
                return;
            }
            try {
                limiter.acquire(permits);
                mine.add(clock.lastReading(), permits);
            } catch (RateLimitExceededException rejected) {
                rejections.increment();
                assertThat(rejected.interrupted()).isFalse();
            }
        });

        assertBound(grants, permitsPerPeriod, periodNanos, burst);
        RateLimiterStats stats = limiter.stats();
        assertThat(stats.granted()).isEqualTo(grants.total());
        assertThat(stats.rejected()).isEqualTo(rejections.sum());
    }

    @Test
    void rateChangesUnderLoadNeverGrantTwiceNorLoseCount() throws Exception {
        RecordingClock clock = new RecordingClock();
        int permitsPerPeriod = 500;
        long periodNanos = 10_000_000; // 20 µs per permit
        RateLimiter limiter = check.track(RateLimiter.builder("elastic").permitsPerPeriod(permitsPerPeriod)
                .period(Duration.ofNanos(periodNanos)).burst(1).timeSource(clock).build());
        LongAdder changes = new LongAdder();
        Thread changer = Thread.ofPlatform().start(() -> {
            // The same rate, and a burst of 1 or 5: a change that let grants through on both the
            // old and the new schedule would hand out the carried credit twice, again and again.
            int burst = 1;
            while (!Thread.currentThread().isInterrupted()) {
                burst = burst == 1 ? 5 : 1;
                limiter.changeRate(permitsPerPeriod, Duration.ofNanos(periodNanos), burst);
                changes.increment();
                Thread.onSpinWait();
            }
        });

        SlidingWindows grants;
        try {
            grants = hammer(THREADS - 1, mine -> {
                if (limiter.tryAcquire()) {
                    mine.add(clock.lastReading(), 1);
                }
            });
        } finally {
            changer.interrupt();
            changer.join();
        }

        // Any window spanning changes holds at most the largest burst plus what the rate earns.
        assertBound(grants, permitsPerPeriod, periodNanos, 5);
        assertThat(limiter.stats().granted()).isEqualTo(grants.total());
        assertThat(changes.sum()).isGreaterThan(100);
    }

    @Test
    void aCrowdOfVirtualThreadsWaitingForPermitsIsServedInFullWithinTheBound() throws Exception {
        RecordingClock clock = new RecordingClock();
        int permitsPerPeriod = 2_000;
        long periodNanos = 100_000_000; // 50 µs per permit: 2000 callers in about 0.1 s
        int burst = 10;
        RateLimiter limiter = check.track(RateLimiter.builder("crowd").permitsPerPeriod(permitsPerPeriod)
                .period(Duration.ofNanos(periodNanos)).burst(burst).maxWait(Duration.ofSeconds(60))
                .timeSource(clock).build());
        List<Thread> threads = new ArrayList<>();
        long[] readings = new long[2_000];

        for (int i = 0; i < readings.length; i++) {
            int index = i;
            threads.add(Thread.ofVirtual().start(() -> {
                limiter.acquire();
                readings[index] = clock.lastReading();
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }

        SlidingWindows grants = new SlidingWindows();
        for (long reading : readings) {
            grants.add(reading, 1);
        }
        assertBound(grants, permitsPerPeriod, periodNanos, burst);
        assertThat(limiter.stats().granted()).isEqualTo(2_000);
        assertThat(limiter.stats().rejected()).isZero();
    }
}
