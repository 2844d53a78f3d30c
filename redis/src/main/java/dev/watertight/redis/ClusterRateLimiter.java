package dev.watertight.redis;

import dev.watertight.CompartmentClosedException;
import dev.watertight.CompartmentRejectedException;
import dev.watertight.RateLimitExceededException;
import dev.watertight.RateLimiter;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A rate limit that holds across every process that shares it, through Redis.
 *
 * <pre>{@code
 * ClusterRateLimiter partnerRate = ClusterRateLimiter.builder("partner-api")
 *         .redisUri("redis://redis.internal:6379")
 *         .permitsPerPeriod(100).period(Duration.ofSeconds(1))   // for the whole cluster
 *         .build();
 *
 * if (partnerRate.tryAcquire()) { ... }
 * }</pre>
 *
 * <p>Each decision is one round trip running the GCRA script of {@link RateScript}: the state is
 * one timestamp, read, compared and written in one atomic script on the Redis server's clock, so
 * clients whose clocks disagree still share one rate, and two clients never both spend the last
 * permit. The rate is smooth: after an idle time up to {@code burst} permits may be spent at
 * once, and then one per {@code period / permitsPerPeriod}.
 *
 * <p>When Redis cannot be reached or does not answer within {@code redisTimeout}, the
 * {@link FallbackPolicy} decides: refuse with a {@link ClusterUnavailableException}, or decide
 * locally with a core {@link RateLimiter} allowing this process's share of the rate. A probe
 * switches back when Redis answers, as for {@link ClusterBulkhead}.
 *
 * <p>Decisions run on the caller's thread; the probe on one scheduler thread per limiter.
 * Counters are {@link LongAdder}s. This class is thread-safe.
 */
public final class ClusterRateLimiter implements AutoCloseable {
    private volatile boolean closed;
    private final ClusterRateLimiterConfig config;
    private final String[] key;
    private final String intervalMicros;
    private final String capacityMicros;
    private final ScheduledExecutorService scheduler;
    private final RedisLink link;
    private final @Nullable RateLimiter local;
    private final LongAdder permitted = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder listenerFailures = new LongAdder();

    private ClusterRateLimiter(ClusterRateLimiterConfig config) {
        this.config = config;
        this.key = new String[] {RateScript.key(config.keyPrefix(), config.name())};
        double interval = config.period().toNanos() / 1000.0 / config.permitsPerPeriod();
        this.intervalMicros = Double.toString(interval);
        this.capacityMicros = Double.toString(interval * config.burst());
        this.local = config.fallback() == FallbackPolicy.FALLBACK_LOCAL
                ? RateLimiter.builder(config.name()).permitsPerPeriod(config.localShare()).period(config.period())
                        .burst(Math.max(1, config.burst() / config.expectedInstances()))
                        .writableStackTrace(config.writableStackTrace()).build()
                : null;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "watertight-redis-rate-" + config.name());
            thread.setDaemon(true);
            return thread;
        });
        this.link = new RedisLink(config.name(), config.redis(), config.redisTimeout(), config.probeInterval(),
                config.replySpin(), scheduler, null, new RedisLink.Events() {
                    @Override
                    public void unavailable(String reason) {
                        notifyListeners(l -> l.onRedisUnavailable(config.name(), config.fallback(), reason));
                    }

                    @Override
                    public void available() {
                        notifyListeners(l -> l.onRedisAvailable(config.name()));
                    }

                    @Override
                    public void message() {}
                });
        try {
            link.start();
        } catch (RuntimeException e) {
            scheduler.shutdownNow();
            throw e;
        }
    }

    /**
     * Starts building a cluster-wide rate limiter.
     *
     * @param name the compartment's name, the same in every process that shares the rate
     * @return a builder; {@code redisUri} and {@code permitsPerPeriod} must be set
     * @throws IllegalArgumentException if the name is null, blank, too long, or contains control
     *     characters or braces
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** {@return the compartment's name} */
    public String name() {
        return config.name();
    }

    /** {@return the settings it was built with} */
    public ClusterRateLimiterConfig config() {
        return config;
    }

    /**
     * Takes one permit if the cluster-wide rate allows it now; never waits.
     *
     * @return whether the permit was taken
     * @throws ClusterUnavailableException if Redis is unavailable and the policy is
     *     {@link FallbackPolicy#FAIL_CLOSED}
     */
    public boolean tryAcquire() {
        return tryAcquire(1);
    }

    /**
     * Takes {@code permits} permits at once if the cluster-wide rate allows it now; never waits.
     *
     * @param permits from 1 to {@code burst}
     * @return whether the permits were taken
     * @throws IllegalArgumentException if {@code permits} is out of range
     * @throws ClusterUnavailableException if Redis is unavailable and the policy is
     *     {@link FallbackPolicy#FAIL_CLOSED}
     */
    public boolean tryAcquire(int permits) {
        return retryAfterMicros(permits) == 0;
    }

    /**
     * Runs the task if the cluster-wide rate allows one more call now.
     *
     * @param task the work
     * @param <T> its result type
     * @return what the task returned
     * @throws RateLimitExceededException if the rate does not allow it now; its
     *     {@code retryAfterNanos()} says when it would
     * @throws ClusterUnavailableException if Redis is unavailable and the policy is
     *     {@link FallbackPolicy#FAIL_CLOSED}
     * @throws Exception whatever the task threw
     */
    public <T> T call(Callable<? extends T> task) throws Exception {
        long retryAfter = retryAfterMicros(1);
        if (retryAfter != 0) {
            throw reject(RateLimitExceededException.ofRateLimiter(config.name(), 1, config.permitsPerPeriod(),
                    config.period(), 0, 0, retryAfter < 0 ? 0 : TimeUnit.MICROSECONDS.toNanos(retryAfter), false,
                    config.writableStackTrace()));
        }
        return task.call();
    }

    /** {@return how many times a listener threw; such failures are caught and counted} */
    public long listenerFailures() {
        return listenerFailures.sum();
    }

    /** {@return a snapshot of this process's view; cheap, no round trip} */
    public ClusterRateLimiterStats stats() {
        RoundTrips.Snapshot trips = link.roundTrips();
        boolean available = link.available();
        return new ClusterRateLimiterStats(config.name(), config.permitsPerPeriod(), config.period(), permitted.sum(),
                rejected.sum(), available, !available && local != null, link.switches(), trips.count(), trips.p50(),
                trips.p99(), trips.max());
    }

    /**
     * Closes the connection and stops the probe; later calls fail with
     * {@link CompartmentClosedException}. Closing again does nothing.
     */
    @Override
    public void close() {
        closed = true;
        link.close(); // first, so that no failing command schedules a probe on a stopped scheduler
        scheduler.shutdownNow();
    }

    @Override
    public String toString() {
        return "ClusterRateLimiter[" + config.name() + ", " + config.permitsPerPeriod() + " per " + config.period()
                + ", redis=" + config.redis() + ", fallback=" + config.fallback() + "]";
    }

    /** Zero when granted; otherwise microseconds until it would fit, or -1 when refused locally. */
    private long retryAfterMicros(int permits) {
        if (closed) {
            throw new CompartmentClosedException(config.name(), false, config.writableStackTrace());
        }
        if (permits < 1 || permits > config.burst()) {
            throw new IllegalArgumentException(
                    "permits must be between 1 and " + config.burst() + " (the burst), was " + permits);
        }
        if (link.available()) {
            try {
                List<Long> reply = link.eval(RateScript.GCRA, ScriptOutputType.MULTI, key, intervalMicros,
                        capacityMicros, Integer.toString(permits));
                if (reply.get(0) == 1L) {
                    permitted.increment();
                    return 0;
                }
                rejected.increment();
                return Math.max(1, reply.get(1));
            } catch (RedisUnavailable e) {
                if (e.interrupted()) {
                    rejected.increment();
                    return -1; // refused; the caller's interrupt status is set
                }
                return fallback(permits, e.getMessage());
            }
        }
        return fallback(permits, link.unavailableReason());
    }

    private long fallback(int permits, String reason) {
        if (local == null) {
            throw reject(new ClusterUnavailableException("ClusterRateLimiter", config.name(), config.redis().toString(),
                    String.valueOf(reason), config.writableStackTrace()));
        }
        if (permits <= local.config().burst() && local.tryAcquire(permits)) {
            permitted.increment();
            return 0;
        }
        rejected.increment();
        return -1;
    }

    private <E extends CompartmentRejectedException> E reject(E rejection) {
        if (!(rejection instanceof RateLimitExceededException)) {
            rejected.increment();
        }
        notifyListeners(l -> l.onRejected(config.name(), rejection));
        return rejection;
    }

    private void notifyListeners(Consumer<ClusterListener> event) {
        for (ClusterListener listener : config.listeners()) {
            try {
                event.accept(listener);
            } catch (Throwable t) {
                listenerFailures.increment();
            }
        }
    }

    /** Builds a {@link ClusterRateLimiter}; each setting is checked as it is set. Not thread-safe. */
    public static final class Builder extends RedisCompartmentBuilder<Builder> {
        private int permitsPerPeriod;
        private Duration period = Duration.ofSeconds(1);
        private int burst;

        private Builder(String name) {
            super(name);
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * How many permits the whole cluster earns per period; required.
         *
         * @param permitsPerPeriod at least 1
         * @return this builder
         */
        public Builder permitsPerPeriod(int permitsPerPeriod) {
            this.permitsPerPeriod = Check.atLeast("permitsPerPeriod", permitsPerPeriod, 1);
            return this;
        }

        /**
         * The period; default 1 s.
         *
         * @param period from 1 ms to 1 day
         * @return this builder
         */
        public Builder period(Duration period) {
            this.period = Check.between("period", period, ClusterRateLimiterConfig.MIN_PERIOD,
                    ClusterRateLimiterConfig.MAX_PERIOD);
            return this;
        }

        /**
         * How many permits may be spent at once after an idle time; default {@code permitsPerPeriod}.
         *
         * @param burst at least 1
         * @return this builder
         */
        public Builder burst(int burst) {
            this.burst = Check.atLeast("burst", burst, 1);
            return this;
        }

        /**
         * The settings as they stand.
         *
         * @return the config
         * @throws IllegalArgumentException if {@code redisUri} or {@code permitsPerPeriod} was not set
         */
        public ClusterRateLimiterConfig config() {
            RedisEndpoint redis = requiredRedis();
            if (permitsPerPeriod == 0) {
                throw new IllegalArgumentException("permitsPerPeriod must be set (at least 1), was not set");
            }
            return new ClusterRateLimiterConfig(name, redis, keyPrefix, permitsPerPeriod, period,
                    burst == 0 ? permitsPerPeriod : burst, redisTimeout, probeInterval, replySpin, fallback,
                    expectedInstances, listeners, writableStackTrace);
        }

        /**
         * Builds the limiter and connects to Redis (waiting at most {@code redisTimeout}); an
         * unreachable Redis is not an error here.
         *
         * @return the limiter
         * @throws IllegalArgumentException if a setting is missing, or Redis refused the credentials
         */
        public ClusterRateLimiter build() {
            return new ClusterRateLimiter(config());
        }
    }
}
