package dev.watertight;

import dev.watertight.internal.Settings;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * When a {@link HealthMonitor} calls a compartment {@link Health#DEGRADED degraded} or
 * {@link Health#UNHEALTHY unhealthy}, and when it calls it better again.
 *
 * <p>Every signal is a value over the last {@link #window()}, never an instant reading, so a single
 * spike does not trip anything:
 * <ul>
 *   <li><b>utilization</b>: the time-average of permits (or threads) in use over the limit;</li>
 *   <li><b>queue fill</b>: the time-average of a thread pool's queued tasks over its queue
 *       capacity;</li>
 *   <li><b>rejection rate</b>: calls refused by any guard over calls offered, from the counters'
 *       growth across the window;</li>
 *   <li><b>failure rate</b>: calls that failed (or timed out) over calls that ended, likewise;</li>
 *   <li><b>circuit breaker</b>: open (or forced open) is unhealthy, half-open is degraded, read as
 *       it is at the sample.</li>
 * </ul>
 * A rate counts only once at least {@link #minimumCalls()} calls lie in the window, so one failure
 * out of two calls is not a 50 % failure rate. A signal at or above its degraded (unhealthy)
 * threshold makes the compartment degraded (unhealthy) at once.
 *
 * <p>Getting better is slower, so that a signal hovering around a threshold does not make the
 * health flap: the compartment improves only when every signal has been below
 * {@link #recoveryRatio()} times its threshold (0.9 × 0.80 = 0.72 for the default utilization)
 * for {@link #recoverAfter()} in a row; it then takes the level those recovery levels allow.
 *
 * <table>
 *   <caption>Defaults</caption>
 *   <tr><th>setting</th><th>degraded at</th><th>unhealthy at</th></tr>
 *   <tr><td>utilization</td><td>0.80</td><td>0.95</td></tr>
 *   <tr><td>queue fill</td><td>0.50</td><td>0.90</td></tr>
 *   <tr><td>rejection rate</td><td>0.05</td><td>0.25</td></tr>
 *   <tr><td>failure rate</td><td>0.10</td><td>0.50</td></tr>
 * </table>
 * and a 30 s window, 20 minimum calls, a recovery ratio of 0.9 and 10 s to recover.
 *
 * <p>Immutable and thread-safe; its builder is not thread-safe.
 */
public final class HealthThresholds {
    private static final HealthThresholds DEFAULTS = new Builder().build();

    private final Duration window;
    private final double utilizationDegraded;
    private final double utilizationUnhealthy;
    private final double queueFillDegraded;
    private final double queueFillUnhealthy;
    private final double rejectionRateDegraded;
    private final double rejectionRateUnhealthy;
    private final double failureRateDegraded;
    private final double failureRateUnhealthy;
    private final int minimumCalls;
    private final double recoveryRatio;
    private final Duration recoverAfter;

    private HealthThresholds(Builder builder) {
        this.window = builder.window;
        this.utilizationDegraded = builder.utilizationDegraded;
        this.utilizationUnhealthy = builder.utilizationUnhealthy;
        this.queueFillDegraded = builder.queueFillDegraded;
        this.queueFillUnhealthy = builder.queueFillUnhealthy;
        this.rejectionRateDegraded = builder.rejectionRateDegraded;
        this.rejectionRateUnhealthy = builder.rejectionRateUnhealthy;
        this.failureRateDegraded = builder.failureRateDegraded;
        this.failureRateUnhealthy = builder.failureRateUnhealthy;
        this.minimumCalls = builder.minimumCalls;
        this.recoveryRatio = builder.recoveryRatio;
        this.recoverAfter = builder.recoverAfter;
    }

    /** {@return the default thresholds, listed in the class documentation} */
    public static HealthThresholds defaults() {
        return DEFAULTS;
    }

    /** {@return a builder that starts from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder that starts from these thresholds, to change a few of them (for one compartment, say)} */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** {@return the span over which every signal is averaged or counted} */
    public Duration window() {
        return window;
    }

    /** {@return utilization at which a compartment is degraded} */
    public double utilizationDegraded() {
        return utilizationDegraded;
    }

    /** {@return utilization at which a compartment is unhealthy} */
    public double utilizationUnhealthy() {
        return utilizationUnhealthy;
    }

    /** {@return queue fill at which a thread pool is degraded} */
    public double queueFillDegraded() {
        return queueFillDegraded;
    }

    /** {@return queue fill at which a thread pool is unhealthy} */
    public double queueFillUnhealthy() {
        return queueFillUnhealthy;
    }

    /** {@return rejection rate at which a compartment is degraded} */
    public double rejectionRateDegraded() {
        return rejectionRateDegraded;
    }

    /** {@return rejection rate at which a compartment is unhealthy} */
    public double rejectionRateUnhealthy() {
        return rejectionRateUnhealthy;
    }

    /** {@return failure rate at which a compartment is degraded} */
    public double failureRateDegraded() {
        return failureRateDegraded;
    }

    /** {@return failure rate at which a compartment is unhealthy} */
    public double failureRateUnhealthy() {
        return failureRateUnhealthy;
    }

    /** {@return calls the window must hold before its rejection or failure rate counts} */
    public int minimumCalls() {
        return minimumCalls;
    }

    /** {@return the share of a threshold a signal must fall below before the health may improve} */
    public double recoveryRatio() {
        return recoveryRatio;
    }

    /** {@return how long every signal must stay below its recovery level before the health improves} */
    public Duration recoverAfter() {
        return recoverAfter;
    }

    /** Equal when every threshold and duration is equal: how a reload tells whether they changed. */
    @Override
    public boolean equals(Object other) {
        return other instanceof HealthThresholds that
                && window.equals(that.window)
                && utilizationDegraded == that.utilizationDegraded
                && utilizationUnhealthy == that.utilizationUnhealthy
                && queueFillDegraded == that.queueFillDegraded
                && queueFillUnhealthy == that.queueFillUnhealthy
                && rejectionRateDegraded == that.rejectionRateDegraded
                && rejectionRateUnhealthy == that.rejectionRateUnhealthy
                && failureRateDegraded == that.failureRateDegraded
                && failureRateUnhealthy == that.failureRateUnhealthy
                && minimumCalls == that.minimumCalls
                && recoveryRatio == that.recoveryRatio
                && recoverAfter.equals(that.recoverAfter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(window, utilizationDegraded, utilizationUnhealthy, queueFillDegraded,
                queueFillUnhealthy, rejectionRateDegraded, rejectionRateUnhealthy, failureRateDegraded,
                failureRateUnhealthy, minimumCalls, recoveryRatio, recoverAfter);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "HealthThresholds[window=%s, utilization=%s/%s, queueFill=%s/%s, "
                        + "rejectionRate=%s/%s, failureRate=%s/%s, minimumCalls=%d, recoveryRatio=%s, recoverAfter=%s]",
                window, utilizationDegraded, utilizationUnhealthy, queueFillDegraded, queueFillUnhealthy,
                rejectionRateDegraded, rejectionRateUnhealthy, failureRateDegraded, failureRateUnhealthy,
                minimumCalls, recoveryRatio, recoverAfter);
    }

    /**
     * Builds {@link HealthThresholds}, checking each setting as it is set. Each pair of thresholds
     * is a share from 0 (excluded) to 1, the unhealthy one at least the degraded one. Not
     * thread-safe.
     */
    public static final class Builder {
        private Duration window = Duration.ofSeconds(30);
        private double utilizationDegraded = 0.80;
        private double utilizationUnhealthy = 0.95;
        private double queueFillDegraded = 0.50;
        private double queueFillUnhealthy = 0.90;
        private double rejectionRateDegraded = 0.05;
        private double rejectionRateUnhealthy = 0.25;
        private double failureRateDegraded = 0.10;
        private double failureRateUnhealthy = 0.50;
        private int minimumCalls = 20;
        private double recoveryRatio = 0.9;
        private Duration recoverAfter = Duration.ofSeconds(10);

        private Builder() {}

        private Builder(HealthThresholds from) {
            window = from.window;
            utilizationDegraded = from.utilizationDegraded;
            utilizationUnhealthy = from.utilizationUnhealthy;
            queueFillDegraded = from.queueFillDegraded;
            queueFillUnhealthy = from.queueFillUnhealthy;
            rejectionRateDegraded = from.rejectionRateDegraded;
            rejectionRateUnhealthy = from.rejectionRateUnhealthy;
            failureRateDegraded = from.failureRateDegraded;
            failureRateUnhealthy = from.failureRateUnhealthy;
            minimumCalls = from.minimumCalls;
            recoveryRatio = from.recoveryRatio;
            recoverAfter = from.recoverAfter;
        }

        /**
         * The span over which signals are averaged and counted (30 s unless set).
         *
         * @param window from 1 ms to 1 day
         * @return this builder
         */
        public Builder window(Duration window) {
            this.window = Settings.durationBetween("window", window, Duration.ofMillis(1), Duration.ofDays(1));
            return this;
        }

        /**
         * Utilization thresholds (0.80 and 0.95 unless set).
         *
         * @param degradedAt degraded from this utilization, more than 0 and at most 1
         * @param unhealthyAt unhealthy from this one, from {@code degradedAt} to 1
         * @return this builder
         */
        public Builder utilization(double degradedAt, double unhealthyAt) {
            utilizationDegraded = share("utilization.degradedAt", degradedAt);
            utilizationUnhealthy = atLeastDegraded("utilization", degradedAt, unhealthyAt);
            return this;
        }

        /**
         * Queue fill thresholds for thread pools (0.50 and 0.90 unless set).
         *
         * @param degradedAt degraded from this fill, more than 0 and at most 1
         * @param unhealthyAt unhealthy from this one, from {@code degradedAt} to 1
         * @return this builder
         */
        public Builder queueFill(double degradedAt, double unhealthyAt) {
            queueFillDegraded = share("queueFill.degradedAt", degradedAt);
            queueFillUnhealthy = atLeastDegraded("queueFill", degradedAt, unhealthyAt);
            return this;
        }

        /**
         * Rejection rate thresholds (0.05 and 0.25 unless set).
         *
         * @param degradedAt degraded from this rate, more than 0 and at most 1
         * @param unhealthyAt unhealthy from this one, from {@code degradedAt} to 1
         * @return this builder
         */
        public Builder rejectionRate(double degradedAt, double unhealthyAt) {
            rejectionRateDegraded = share("rejectionRate.degradedAt", degradedAt);
            rejectionRateUnhealthy = atLeastDegraded("rejectionRate", degradedAt, unhealthyAt);
            return this;
        }

        /**
         * Failure rate thresholds (0.10 and 0.50 unless set).
         *
         * @param degradedAt degraded from this rate, more than 0 and at most 1
         * @param unhealthyAt unhealthy from this one, from {@code degradedAt} to 1
         * @return this builder
         */
        public Builder failureRate(double degradedAt, double unhealthyAt) {
            failureRateDegraded = share("failureRate.degradedAt", degradedAt);
            failureRateUnhealthy = atLeastDegraded("failureRate", degradedAt, unhealthyAt);
            return this;
        }

        /**
         * Calls the window must hold before a rate counts (20 unless set).
         *
         * @param minimumCalls at least 1
         * @return this builder
         */
        public Builder minimumCalls(int minimumCalls) {
            this.minimumCalls = Settings.atLeast("minimumCalls", minimumCalls, 1);
            return this;
        }

        /**
         * The share of each threshold a signal must fall below before the health may improve (0.9
         * unless set); 1 means no margin.
         *
         * @param recoveryRatio more than 0 and at most 1
         * @return this builder
         */
        public Builder recoveryRatio(double recoveryRatio) {
            this.recoveryRatio = share("recoveryRatio", recoveryRatio);
            return this;
        }

        /**
         * How long every signal must stay below its recovery level before the health improves (10 s
         * unless set); zero improves as soon as the signals allow.
         *
         * @param recoverAfter from zero to 1 day
         * @return this builder
         */
        public Builder recoverAfter(Duration recoverAfter) {
            this.recoverAfter = Settings.durationBetween("recoverAfter", recoverAfter, Duration.ZERO, Duration.ofDays(1));
            return this;
        }

        /** {@return the thresholds, built} */
        public HealthThresholds build() {
            return new HealthThresholds(this);
        }

        private static double share(String setting, double value) {
            if (!(value > 0 && value <= 1)) {
                throw new IllegalArgumentException(setting + " must be more than 0 and at most 1, was " + value);
            }
            return value;
        }

        private static double atLeastDegraded(String signal, double degradedAt, double unhealthyAt) {
            if (!(unhealthyAt >= degradedAt && unhealthyAt <= 1)) {
                throw new IllegalArgumentException(signal + ".unhealthyAt must be from " + signal + ".degradedAt ("
                        + degradedAt + ") to 1, was " + unhealthyAt);
            }
            return unhealthyAt;
        }
    }
}
