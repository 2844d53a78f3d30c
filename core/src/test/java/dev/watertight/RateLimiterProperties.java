package dev.watertight;

import static dev.watertight.testing.Theories.check;
import static dev.watertight.testing.Theories.ints;
import static dev.watertight.testing.Theories.longs;
import static dev.watertight.testing.Theories.pick;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.watertight.testing.ManualTimeSource;
import dev.watertight.testing.ReferenceTokenBucket;
import dev.watertight.testing.SlidingWindows;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * Properties of {@link RateLimiter} on a clock moved by hand, over random rates, call sequences
 * and clock moves: it agrees with the plainest token bucket ({@link ReferenceTokenBucket}) on
 * every answer, and no window of any position holds more permits than the documented bound,
 * before, after and across rate changes and clock jumps. See {@link dev.watertight.testing.Theories}
 * for how a failure is replayed.
 */
class RateLimiterProperties {

    /** A rate: permits per period, the period in nanoseconds, the burst. */
    record Rate(int permitsPerPeriod, long periodNanos, int burst) {
        Duration period() {
            return Duration.ofNanos(periodNanos);
        }

        long interval() {
            return Math.ceilDiv(periodNanos, permitsPerPeriod);
        }
    }

    /** One thing a test does to the limiter or its clock. */
    sealed interface Step permits Advance, AdvanceIntervals, TryAcquire, Acquire, ChangeRate, Look {}

    /** Moves the clock by a number of nanoseconds (backwards when negative, where allowed). */
    record Advance(long nanos) implements Step {}

    /** Moves the clock forward by {@code eighths / 8} of the current interval, plus -1, 0 or 1 ns. */
    record AdvanceIntervals(int eighths, int nudge) implements Step {}

    /** {@code tryAcquire(permits)}. */
    record TryAcquire(int permits) implements Step {}

    /** {@code acquire(permits)} on a fail-fast limiter: a grant or a rejection with its retry-after. */
    record Acquire(int permits) implements Step {}

    /** {@code changeRate(...)}. */
    record ChangeRate(Rate rate) implements Step {}

    /** {@code stats()}. */
    record Look() implements Step {}

    // ---- generators ----------------------------------------------------------------------

    /** 1 to 1,000 permits per period of 1 µs to 1 s (now and then exactly 1 s or 1 min), bursts of 1 to 40. */
    private static Gen<Rate> rates() {
        Gen<Long> periods = Generate.frequency(List.of(
                Pair.of(3, SourceDSL.longs().between(1_000, 10_000)),
                Pair.of(3, SourceDSL.longs().between(1_000, 1_000_000_000)),
                Pair.of(1, pick(1_000_000_000L, 60_000_000_000L))));
        Gen<Integer> permits = SourceDSL.integers().between(1, 1000);
        return permits.zip(periods, SourceDSL.integers().between(1, 40), Rate::new);
    }

    /** First clock readings: zero, -1, the extremes, just below {@code Long.MAX_VALUE} (so it wraps), any. */
    private static Gen<Long> starts() {
        return Generate.oneOf(
                pick(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE),
                SourceDSL.longs().between(Long.MAX_VALUE - 5_000_000_000L, Long.MAX_VALUE),
                SourceDSL.longs().all());
    }

    private static Gen<Step> forwardMoves(boolean huge) {
        Gen<Step> small = SourceDSL.longs().between(0, 2_000).map(Advance::new);
        Gen<Step> medium = SourceDSL.longs().between(0, 3_000_000_000L).map(Advance::new);
        Gen<Step> scaled = SourceDSL.integers().between(0, 24)
                .zip(SourceDSL.integers().between(-1, 1), AdvanceIntervals::new);
        if (!huge) {
            return Generate.frequency(List.of(Pair.of(2, small), Pair.of(1, medium), Pair.of(4, scaled)));
        }
        // Jumps of up to 2^56 ns (2.3 years): 80 of them stay under 2^63 ns in all, the span within
        // which System.nanoTime() differences are meaningful. An idle span beyond it is outside the
        // clock's contract (a limiter idle for 292 years sees its last arrival in the future).
        Gen<Step> jump = SourceDSL.longs().between(0, 1L << 56).map(Advance::new);
        return Generate.frequency(List.of(
                Pair.of(2, small), Pair.of(1, medium), Pair.of(4, scaled), Pair.of(1, jump)));
    }

    private static Gen<Step> calls() {
        Gen<Integer> permits = Generate.frequency(List.of(
                Pair.of(4, Generate.constant(1)),
                Pair.of(2, SourceDSL.integers().between(1, 8)),
                Pair.of(1, SourceDSL.integers().between(1, 45))));
        return Generate.frequency(List.of(
                Pair.of(4, permits.map(TryAcquire::new)),
                Pair.of(2, permits.map(Acquire::new)),
                Pair.of(1, Generate.constant(new Look()))));
    }

    /** Up to 80 steps: clock moves (jumps included), calls and rate changes. */
    private static Gen<List<Step>> scripts() {
        Gen<Step> step = Generate.frequency(List.of(
                Pair.of(5, forwardMoves(true)),
                Pair.of(6, calls()),
                Pair.of(1, rates().map(ChangeRate::new))));
        return SourceDSL.lists().of(step).ofSizeBetween(0, 80);
    }

    /** 1 to 120 forward moves of the clock, no jumps. */
    private static Gen<List<Step>> greedyScripts() {
        return SourceDSL.lists().of(forwardMoves(false)).ofSizeBetween(1, 120);
    }

    /** 1 to 150 clock moves, mostly forward, some back by a little or by up to 1,000 s. */
    private static Gen<List<Long>> movesBothWays() {
        Gen<Long> move = Generate.frequency(List.of(
                Pair.of(6, SourceDSL.longs().between(0, 3_000)),
                Pair.of(2, SourceDSL.longs().between(-3_000, -1)),
                Pair.of(1, SourceDSL.longs().between(-1_000_000_000_000L, -1)),
                Pair.of(1, SourceDSL.longs().between(0, 1_000_000))));
        return SourceDSL.lists().of(move).ofSizeBetween(1, 150);
    }

    // ---- helpers -------------------------------------------------------------------------

    private static RateLimiter build(Rate rate, ManualTimeSource clock) {
        return RateLimiter.builder("prop").permitsPerPeriod(rate.permitsPerPeriod()).period(rate.period())
                .burst(rate.burst()).timeSource(clock).build();
    }

    private static ManualTimeSource clockAt(long start) {
        ManualTimeSource clock = new ManualTimeSource();
        clock.advance(start - clock.nanoTime(), TimeUnit.NANOSECONDS); // wraps to exactly start
        return clock;
    }

    /** Takes single permits until refused; returns how many were granted. */
    private static int takeAll(RateLimiter limiter) {
        int granted = 0;
        while (limiter.tryAcquire()) {
            granted++;
        }
        return granted;
    }

    // ---- properties ----------------------------------------------------------------------

    /**
     * The limiter gives the answers of the reference token bucket to every call: grants, refusals,
     * the retry-after of each rejection, the permits free, across rate changes, forward jumps of up
     * to 2^62 ns and readings that wrap past {@code Long.MAX_VALUE}.
     */
    @Test
    void answersExactlyAsTheReferenceTokenBucket() {
        check(400, rates().zip(starts(), scripts(), Script::new),
                script -> answersExactlyAsTheReferenceTokenBucket(script.rate(), script.start(), script.steps()));
    }

    /** A rate, the first clock reading and the steps of one run. */
    record Script(Rate rate, long start, List<Step> steps) {}

    private static void answersExactlyAsTheReferenceTokenBucket(Rate initial, long start, List<Step> script) {
        ManualTimeSource clock = clockAt(start);
        RateLimiter limiter = build(initial, clock);
        ReferenceTokenBucket model = new ReferenceTokenBucket(initial.permitsPerPeriod(), initial.period(),
                initial.burst(), clock.nanoTime());
        long granted = 0;
        long rejected = 0;
        // Readings are compared by subtraction, so the limiter is specified for readings less than
        // 2^63 ns after its state was last written (by a grant or a rate change); stay well within.
        long sinceWrite = 0;

        for (Step step : script) {
            long now = clock.nanoTime();
            switch (step) {
                case Advance(long nanos) -> {
                    if (sinceWrite + nanos <= 1L << 62) {
                        clock.advance(nanos, TimeUnit.NANOSECONDS);
                        sinceWrite += nanos;
                    }
                }
                case AdvanceIntervals(int eighths, int nudge) -> {
                    long nanos = Math.max(0, model.interval() * eighths / 8 + nudge);
                    clock.advance(nanos, TimeUnit.NANOSECONDS);
                    sinceWrite += nanos;
                }
                case TryAcquire(int permits) -> {
                    boolean expected = model.tryAcquire(permits, now);
                    assertThat(limiter.tryAcquire(permits)).as("tryAcquire(%d) at %d", permits, now)
                            .isEqualTo(expected);
                    granted += expected ? permits : 0;
                    sinceWrite = expected ? 0 : sinceWrite;
                }
                case Acquire(int permits) -> {
                    long shortfall = model.shortfall(permits, now);
                    if (shortfall == 0) {
                        model.tryAcquire(permits, now);
                        limiter.acquire(permits);
                        granted += permits;
                        sinceWrite = 0;
                    } else {
                        assertThatThrownBy(() -> limiter.acquire(permits))
                                .as("acquire(%d) at %d", permits, now)
                                .isInstanceOfSatisfying(RateLimitExceededException.class, rejection ->
                                        assertThat(rejection.retryAfterNanos()).isEqualTo(shortfall));
                        rejected++;
                    }
                }
                case ChangeRate(Rate rate) -> {
                    model.changeRate(rate.permitsPerPeriod(), rate.period(), rate.burst(), now);
                    limiter.changeRate(rate.permitsPerPeriod(), rate.period(), rate.burst());
                    sinceWrite = 0;
                }
                case Look() -> {
                    RateLimiterStats stats = limiter.stats();
                    assertThat(stats.availablePermits()).as("available at %d", now).isEqualTo(model.available(now));
                    assertThat(stats.granted()).isEqualTo(granted);
                    assertThat(stats.rejected()).isEqualTo(rejected);
                }
            }
        }
        assertThat(limiter.stats().availablePermits()).isEqualTo(model.available(clock.nanoTime()));
    }

    /**
     * A caller that takes every permit it can, at readings chosen at random, never gets more than
     * {@code burst + permitsPerPeriod} in a closed window of length period, nor more than
     * {@code burst + permitsPerPeriod - 1} in a half-open one, nor more than
     * {@code burst + floor(L / interval)} in a closed window of any length {@code L}: for every
     * position of the window.
     */
    @Test
    void greedyCallerNeverGetsMoreThanTheBoundInAnyWindow() {
        check(400, rates().zip(starts(), greedyScripts(), longs(1, 5_000_000_000L), Greedy::new),
                greedy -> greedyCallerNeverGetsMoreThanTheBoundInAnyWindow(greedy.rate(), greedy.start(),
                        greedy.moves(), greedy.anyLength()));
    }

    /** A rate, the first clock reading, the moves of the clock and a window length. */
    record Greedy(Rate rate, long start, List<Step> moves, long anyLength) {}

    private static void greedyCallerNeverGetsMoreThanTheBoundInAnyWindow(Rate rate, long start, List<Step> moves,
            long anyLength) {
        ManualTimeSource clock = clockAt(start);
        RateLimiter limiter = build(rate, clock);
        SlidingWindows grants = new SlidingWindows();
        long elapsed = 0;

        for (Step move : moves) {
            int granted = takeAll(limiter);
            if (granted > 0) {
                grants.add(elapsed, granted);
            }
            long nanos = switch (move) {
                case Advance(long n) -> n;
                case AdvanceIntervals(int eighths, int nudge) -> Math.max(0, rate.interval() * eighths / 8 + nudge);
                default -> throw new AssertionError(move);
            };
            clock.advance(nanos, TimeUnit.NANOSECONDS);
            elapsed += nanos;
        }
        int last = takeAll(limiter);
        if (last > 0) {
            grants.add(elapsed, last);
        }

        assertPeriodBounds(grants, rate);
        assertThat(grants.maxInClosedWindow(anyLength))
                .isLessThanOrEqualTo(rate.burst() + anyLength / rate.interval());
    }

    /**
     * Around a rate change: windows that start after it obey the new rate's bound; windows that
     * span it hold at most the old burst plus what each rate earns in its part of the window.
     */
    @Test
    void windowsAroundARateChangeObeyTheDocumentedBounds() {
        check(300, rates().zip(rates(), starts(), greedyScripts(), greedyScripts(), Change::new),
                change -> windowsAroundARateChangeObeyTheDocumentedBounds(change.before(), change.after(),
                        change.start(), change.movesBefore(), change.movesAfter()));
    }

    /** The rates before and after the change, the first clock reading, the moves before and after. */
    record Change(Rate before, Rate after, long start, List<Step> movesBefore, List<Step> movesAfter) {}

    private static void windowsAroundARateChangeObeyTheDocumentedBounds(Rate before, Rate after, long start,
            List<Step> movesBefore, List<Step> movesAfter) {
        ManualTimeSource clock = clockAt(start);
        RateLimiter limiter = build(before, clock);
        SlidingWindows oldGrants = new SlidingWindows();
        SlidingWindows newGrants = new SlidingWindows();
        long elapsed = run(limiter, clock, before, movesBefore, oldGrants, 0);
        long change = elapsed;
        limiter.changeRate(after.permitsPerPeriod(), after.period(), after.burst());
        run(limiter, clock, after, movesAfter, newGrants, elapsed);

        assertThat(newGrants.maxInClosedWindow(after.periodNanos()))
                .as("windows after the change").isLessThanOrEqualTo(after.burst() + after.permitsPerPeriod());
        SlidingWindows all = new SlidingWindows();
        all.addAll(oldGrants);
        all.addAll(newGrants);
        BigInteger oldInterval = BigInteger.valueOf(before.interval());
        BigInteger newInterval = BigInteger.valueOf(after.interval());
        for (long length : new long[] {before.periodNanos(), after.periodNanos()}) {
            for (SlidingWindows.Grant first : oldGrants.grants()) {
                long s = first.reading();
                long inWindow = all.countInClosedWindow(s, length);
                long oldPart = Math.min(length, change - s);
                long newPart = length - oldPart;
                // burst_old + floor(oldPart / interval_old + newPart / interval_new)
                BigInteger earned = BigInteger.valueOf(oldPart).multiply(newInterval)
                        .add(BigInteger.valueOf(newPart).multiply(oldInterval))
                        .divide(oldInterval.multiply(newInterval));
                assertThat(inWindow).as("window [%d, %d] with the change at %d", s, s + length, change)
                        .isLessThanOrEqualTo(before.burst() + earned.longValueExact());
            }
        }
    }

    /** Greedy takes between the moves; returns the elapsed time at the end. */
    private static long run(RateLimiter limiter, ManualTimeSource clock, Rate rate, List<Step> moves,
            SlidingWindows grants, long elapsed) {
        for (Step move : moves) {
            int granted = takeAll(limiter);
            if (granted > 0) {
                grants.add(elapsed, granted);
            }
            long nanos = switch (move) {
                case Advance(long n) -> n;
                case AdvanceIntervals(int eighths, int nudge) -> Math.max(0, rate.interval() * eighths / 8 + nudge);
                default -> throw new AssertionError(move);
            };
            clock.advance(nanos, TimeUnit.NANOSECONDS);
            elapsed += nanos;
        }
        int last = takeAll(limiter);
        if (last > 0) {
            grants.add(elapsed, last);
        }
        return elapsed;
    }

    /**
     * With a clock that also goes backwards, by a little or by a lot: credit is only ever taken
     * away, so the bound holds for every window of forward-only elapsed time; never more than the
     * burst is free; and once a call has seen a jump back, the permits it asks for are free after
     * the time to earn them.
     */
    @Test
    void clockGoingBackwardsNeverGrantsExtraNorBlocksLongerThanTheTimeToEarn() {
        check(400, rates().zip(starts(), movesBothWays(), ints(1, 40), Backwards::new),
                backwards -> clockGoingBackwardsNeverGrantsExtraNorBlocksLongerThanTheTimeToEarn(backwards.rate(),
                        backwards.start(), backwards.moves(), backwards.asked()));
    }

    /** A rate, the first clock reading, the moves of the clock both ways, the permits asked for. */
    record Backwards(Rate rate, long start, List<Long> moves, int asked) {}

    private static void clockGoingBackwardsNeverGrantsExtraNorBlocksLongerThanTheTimeToEarn(Rate rate, long start,
            List<Long> moves, int asked) {
        ManualTimeSource clock = clockAt(start);
        RateLimiter limiter = build(rate, clock);
        SlidingWindows grants = new SlidingWindows();
        long forwardElapsed = 0;
        int permits = Math.min(asked, rate.burst());

        for (long move : moves) {
            int granted = takeAll(limiter);
            if (granted > 0) {
                grants.add(forwardElapsed, granted);
            }
            clock.advance(move, TimeUnit.NANOSECONDS);
            forwardElapsed += Math.max(move, 0);
            assertThat(limiter.stats().availablePermits()).isBetween(0, rate.burst());
            if (move < 0) {
                boolean first = limiter.tryAcquire(permits);
                long cost = permits * rate.interval();
                clock.advance(first ? 0 : cost, TimeUnit.NANOSECONDS);
                forwardElapsed += first ? 0 : cost;
                boolean second = !first && limiter.tryAcquire(permits);
                assertThat(first || second)
                        .as("%d permits, the time to earn them after a call saw the jump", permits).isTrue();
                grants.add(forwardElapsed, permits);
            }
        }

        assertPeriodBounds(grants, rate);
    }

    /** At most {@code burst + permitsPerPeriod} in closed windows of one period, one less in half-open ones. */
    private static void assertPeriodBounds(SlidingWindows grants, Rate rate) {
        assertThat(grants.maxInClosedWindow(rate.periodNanos()))
                .isLessThanOrEqualTo(rate.burst() + rate.permitsPerPeriod());
        assertThat(grants.maxInHalfOpenWindow(rate.periodNanos()))
                .isLessThanOrEqualTo(rate.burst() + rate.permitsPerPeriod() - 1);
    }

    /** Any rate builds iff each value is in range, at most one permit per nanosecond, and a full burst fits. */
    @Test
    void anyRateBuildsIffItIsUsable() {
        check(400, ints(-2, Integer.MAX_VALUE).zip(longs(-2, Long.MAX_VALUE), ints(-2, Integer.MAX_VALUE),
                        AnyRate::new),
                rate -> anyRateBuildsIffItIsUsable(rate.permitsPerPeriod(), rate.periodNanos(), rate.burst()));
    }

    /** Permits per period, period and burst, each from -2 to the largest value. */
    record AnyRate(int permitsPerPeriod, long periodNanos, int burst) {}

    private static void anyRateBuildsIffItIsUsable(int permitsPerPeriod, long periodNanos, int burst) {
        boolean inRange = permitsPerPeriod >= 1 && periodNanos >= 1 && burst >= 1;
        boolean usable = inRange && permitsPerPeriod <= periodNanos
                && BigInteger.valueOf(Math.ceilDiv(periodNanos, permitsPerPeriod))
                        .multiply(BigInteger.valueOf(burst)).compareTo(BigInteger.valueOf(Long.MAX_VALUE / 2)) <= 0;
        Duration period = Duration.ofNanos(periodNanos);
        if (usable) {
            RateLimiterStats stats = RateLimiter.builder("r").permitsPerPeriod(permitsPerPeriod).period(period)
                    .burst(burst).build().stats();
            assertThat(stats.availablePermits()).isEqualTo(burst);
        } else {
            assertThatThrownBy(() -> RateLimiter.builder("r").permitsPerPeriod(permitsPerPeriod).period(period)
                            .burst(burst).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .message()
                    .satisfiesAnyOf(
                            message -> assertThat(message).startsWith("permitsPerPeriod must be")
                                    .contains("was " + permitsPerPeriod),
                            message -> assertThat(message).startsWith("period must be").endsWith("was " + period),
                            message -> assertThat(message).startsWith("burst must be").endsWith("was " + burst),
                            message -> assertThat(message).startsWith("burst * period / permitsPerPeriod"));
        }
    }
}
