package dev.watertight.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One compartment's connection to Redis, and whether Redis is considered available.
 *
 * <p><b>States.</b> {@code unavailable} holds null while Redis answers, or the reason it does not.
 * Any caller whose command fails to reach Redis or times out moves it from null to a reason (one
 * compare-and-set wins, and only the winner reports the switch and starts the probe). While a
 * reason is set, commands are not sent at all: callers go straight to the compartment's policy
 * instead of each paying a timeout. The probe, on the compartment's scheduler thread, connects if
 * no connection was ever made and sends {@code PING}; its first answer sets the state back to
 * null and reports it. The state is read with plain volatile reads, one per command.
 *
 * <p><b>Never hanging.</b> The connect timeout and every command's timeout are
 * {@code redisTimeout}; while the socket is down, Lettuce rejects commands at once instead of
 * queueing them ({@code REJECT_COMMANDS}), and reconnects in the background with a delay capped
 * at one second so the probe's {@code PING} finds it soon after Redis is back.
 *
 * <p><b>Connections.</b> One multiplexed connection carries every command of the compartment
 * (Lettuce connections are thread-safe); a second, optional, carries the pub/sub subscription.
 * Both are created once (by the builder, or by the probe if Redis was away at build time) under
 * {@code connectLock}, which only the builder and the probe take.
 */
final class RedisLink implements AutoCloseable {

    /** What the compartment hears from its link. */
    interface Events {
        void unavailable(String reason);

        void available();

        void message();
    }

    /** Netty's event loops, shared by every compartment of the JVM; their threads are daemons. */
    private static final class Shared {
        static final ClientResources RESOURCES = DefaultClientResources.builder()
                .ioThreadPoolSize(Math.max(2, Runtime.getRuntime().availableProcessors()))
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
    }

    private final String compartment;
    private final RedisEndpoint endpoint;
    private final Duration timeout;
    private final Duration probeInterval;
    private final ScheduledExecutorService scheduler;
    private final @Nullable String channel;
    private final Events events;
    private final RedisClient client;
    private final long timeoutNanos;
    private final long replySpinNanos;
    private final RoundTrips roundTrips = new RoundTrips();
    private final AtomicReference<@Nullable String> unavailable = new AtomicReference<>();
    private final AtomicLong switches = new AtomicLong();
    private final ReentrantLock connectLock = new ReentrantLock();
    private volatile @Nullable StatefulRedisConnection<String, String> connection;
    private volatile @Nullable StatefulRedisPubSubConnection<String, String> pubSub;
    private volatile boolean closed;

    RedisLink(String compartment, RedisEndpoint endpoint, Duration timeout, Duration probeInterval,
            Duration replySpin, ScheduledExecutorService scheduler, @Nullable String channel, Events events) {
        this.compartment = compartment;
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.timeoutNanos = timeout.toNanos();
        this.replySpinNanos = replySpin.toNanos();
        this.probeInterval = probeInterval;
        this.scheduler = scheduler;
        this.channel = channel;
        this.events = events;
        this.client = RedisClient.create(Shared.RESOURCES);
        client.setOptions(ClientOptions.builder()
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .pingBeforeActivateConnection(true)
                .autoReconnect(true)
                .build());
    }

    /**
     * Connects for the first time. Bad credentials are a configuration error and fail here;
     * an unreachable Redis does not (the compartment starts on its policy and the probe retries).
     *
     * @throws IllegalArgumentException if Redis refused the credentials
     */
    void start() {
        try {
            connect();
        } catch (RedisException e) {
            if (isBadCredentials(e)) {
                close();
                throw new IllegalArgumentException("redisUri: Redis at " + endpoint
                        + " refused the credentials for compartment '" + compartment + "' (" + rootMessage(e)
                        + "); check the user name and password in the URI");
            }
            markUnavailable(describe(e));
        }
    }

    /** Whether commands are being sent (Redis answered the last time). */
    boolean available() {
        return unavailable.get() == null;
    }

    /**
     * Why Redis is considered unavailable. Read after {@link #available()} said no, it may find
     * Redis back already: the reason is then that it was away a moment ago.
     */
    String unavailableReason() {
        String reason = unavailable.get();
        return reason == null ? "unavailable a moment ago, available again" : reason;
    }

    /** How many times Redis became unavailable. */
    long switches() {
        return switches.get();
    }

    RedisEndpoint endpoint() {
        return endpoint;
    }

    RoundTrips.Snapshot roundTrips() {
        return roundTrips.snapshot();
    }

    /** A script sent and not yet answered: what {@link #await} needs to wait for it and to resend it. */
    record Sent<T>(StatefulRedisConnection<String, String> connection, RedisFuture<T> reply, long startNanos) {}

    /**
     * Runs a script, by digest and, after a restart emptied Redis's cache, by body.
     *
     * @throws RedisUnavailable if Redis is considered unavailable or the command failed to reach
     *     it or timed out
     */
    @SuppressWarnings("TypeParameterUnusedInFormals") // the output type decides T, as in Lettuce's eval
    <T> T eval(Script script, ScriptOutputType type, String[] keys, String... args) {
        return await(send(script, type, keys, args), script, type, keys, args);
    }

    /**
     * Sends a script by digest without waiting for its reply; commands sent on this link run on
     * the server in the order they were sent. Pass the result to {@link #await}.
     *
     * @throws RedisUnavailable if Redis is considered unavailable
     */
    <T> Sent<T> send(Script script, ScriptOutputType type, String[] keys, String... args) {
        StatefulRedisConnection<String, String> c = connection;
        String reason = unavailable.get();
        if (reason != null || c == null) {
            throw new RedisUnavailable(reason != null ? reason : "not connected");
        }
        long start = System.nanoTime();
        return new Sent<>(c, c.async().evalsha(script.sha1(), type, keys, args), start);
    }

    /**
     * Waits for a sent script's reply; after a restart emptied Redis's script cache, sends the body
     * and waits for that (so that one runs after whatever was sent meanwhile).
     *
     * @throws RedisUnavailable if the command failed to reach Redis or timed out
     */
    <T> T await(Sent<T> sent, Script script, ScriptOutputType type, String[] keys, String... args) {
        T reply = await(sent, script, type, keys, args, true);
        return java.util.Objects.requireNonNull(reply, "a resent script has a reply");
    }

    /**
     * Waits for a sent script's reply, or returns null if Redis's script cache had lost the script
     * (the script did not run). For a caller whose order among other senders matters, which then
     * sends the body itself, in order ({@link #sendBody}); resending here, on whichever thread
     * sees its reply first, would run the resends in any order.
     *
     * @throws RedisUnavailable if the command failed to reach Redis or timed out
     */
    <T> @Nullable T awaitUnlessScriptMissing(Sent<T> sent, Script script, ScriptOutputType type, String[] keys,
            String... args) {
        return await(sent, script, type, keys, args, false);
    }

    /**
     * Sends a script by its body ({@code EVAL}), which also puts it back in Redis's cache; like
     * {@link #send}, without waiting.
     *
     * @throws RedisUnavailable if Redis is considered unavailable
     */
    <T> Sent<T> sendBody(Script script, ScriptOutputType type, String[] keys, String... args) {
        StatefulRedisConnection<String, String> c = connection;
        String reason = unavailable.get();
        if (reason != null || c == null) {
            throw new RedisUnavailable(reason != null ? reason : "not connected");
        }
        long start = System.nanoTime();
        return new Sent<>(c, c.async().eval(script.body(), type, keys, args), start);
    }

    private <T> @Nullable T await(Sent<T> sent, Script script, ScriptOutputType type, String[] keys, String[] args,
            boolean resend) {
        try {
            try {
                return awaitReply(sent.reply());
            } catch (RedisNoScriptException e) {
                if (!resend) {
                    return null;
                }
                return awaitReply(sent.connection().async().eval(script.body(), type, keys, args));
            }
        } catch (RedisCommandExecutionException e) {
            if (isServerUnavailable(e)) {
                String why = describe(e);
                markUnavailable(why);
                throw new RedisUnavailable(why);
            }
            throw new IllegalStateException("Redis refused the " + script.name() + " script of compartment '"
                    + compartment + "': " + e.getMessage(), e);
        } catch (RedisException e) {
            String why = describe(e);
            markUnavailable(why);
            throw new RedisUnavailable(why);
        } finally {
            roundTrips.record(System.nanoTime() - sent.startNanos());
        }
    }

    /**
     * Waits for a reply up to the timeout, watching it for {@code replySpin} before parking (see
     * {@link ReplyWait}). (Lettuce's synchronous API waits through a reflective proxy, which costs
     * more than the wait on loopback.)
     */
    private <T> T awaitReply(RedisFuture<T> reply) {
        try {
            return ReplyWait.get(reply, replySpinNanos, timeoutNanos);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new RedisException(e.getCause());
        } catch (TimeoutException e) {
            reply.cancel(true); // Lettuce keeps the command queued, so the late reply still finds it
            throw new RedisCommandTimeoutException("Command timed out after " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            // Not Redis's fault: the caller decides; the command may still run.
            Thread.currentThread().interrupt();
            throw new RedisUnavailable(RedisUnavailable.INTERRUPTED);
        }
    }

    /**
     * Sends a script without waiting for its reply, for releases: commands on one connection run
     * in the order they were sent, so anything this process sends afterwards sees its effect.
     * After a restart emptied Redis's script cache the body is sent again once the
     * {@code NOSCRIPT} reply comes back, so that one release may run after commands sent meanwhile
     * (a permit freed a little later: never more than the limit).
     *
     * @param onFailure told, on a Lettuce thread, if the script could not reach Redis; not called
     *     when it ran
     */
    void evalAsync(Script script, ScriptOutputType type, Consumer<String> onFailure, String[] keys, String... args) {
        StatefulRedisConnection<String, String> c = connection;
        String reason = unavailable.get();
        if (reason != null || c == null) {
            onFailure.accept(reason != null ? reason : "not connected");
            return;
        }
        long start = System.nanoTime();
        c.async().<Object>evalsha(script.sha1(), type, keys, args).whenComplete((reply, failure) -> {
            roundTrips.record(System.nanoTime() - start);
            if (failure instanceof RedisNoScriptException) {
                c.async().<Object>eval(script.body(), type, keys, args).whenComplete((again, failed) -> {
                    if (failed != null) {
                        asyncFailed(failed, onFailure);
                    }
                });
            } else if (failure != null) {
                asyncFailed(failure, onFailure);
            }
        });
    }

    private void asyncFailed(Throwable failure, Consumer<String> onFailure) {
        if (failure instanceof RedisCommandExecutionException e && !isServerUnavailable(e)) {
            return; // a script error: the release had no effect, and the lease will expire
        }
        String why = describe(failure);
        markUnavailable(why);
        onFailure.accept(why);
    }

    /** Moves to unavailable; the caller that makes the move reports it and starts the probe. */
    void markUnavailable(String reason) {
        if (!closed && unavailable.compareAndSet(null, reason)) {
            switches.incrementAndGet();
            events.unavailable(reason);
            scheduleProbe();
        }
    }

    private void scheduleProbe() {
        if (closed) {
            return;
        }
        try {
            var unused = scheduler.schedule(this::probe, probeInterval.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            // The compartment is closing: there is nothing left to probe for.
        }
    }

    private void probe() {
        if (closed) {
            return;
        }
        try {
            connect().sync().ping();
        } catch (RuntimeException e) {
            unavailable.set(describe(e));
            scheduleProbe();
            return;
        }
        if (unavailable.getAndSet(null) != null) {
            events.available();
        }
    }

    private StatefulRedisConnection<String, String> connect() {
        connectLock.lock();
        try {
            StatefulRedisConnection<String, String> commands = connection;
            if (commands == null) {
                RedisURI uri = endpoint.lettuceUri();
                uri.setTimeout(timeout);
                commands = client.connect(uri);
                connection = commands;
            }
            if (channel != null && pubSub == null) {
                RedisURI uri = endpoint.lettuceUri();
                uri.setTimeout(timeout);
                StatefulRedisPubSubConnection<String, String> subscriber = client.connectPubSub(uri);
                subscriber.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String from, String message) {
                        events.message();
                    }
                });
                subscriber.sync().subscribe(channel);
                pubSub = subscriber;
            }
            return commands;
        } finally {
            connectLock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        // Shutting the client down closes both connections.
        var unused = client.shutdownAsync(0, timeout.toMillis(), TimeUnit.MILLISECONDS); // not awaited
    }

    /** Errors after which Redis cannot serve us for now, as opposed to a bug in a script. */
    private static boolean isServerUnavailable(RedisCommandExecutionException e) {
        String message = String.valueOf(e.getMessage());
        return message.startsWith("LOADING") || message.startsWith("BUSY") || message.startsWith("MASTERDOWN")
                || message.startsWith("READONLY") || message.startsWith("OOM") || message.startsWith("NOAUTH")
                || message.startsWith("WRONGPASS") || message.startsWith("CLUSTERDOWN")
                || message.startsWith("TRYAGAIN");
    }

    private static boolean isBadCredentials(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage()).toUpperCase(Locale.ROOT);
            if (message.contains("WRONGPASS") || message.contains("NOAUTH") || message.contains("INVALID PASSWORD")
                    || message.contains("WITHOUT ANY PASSWORD CONFIGURED") || message.contains("AUTH FAILED")) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }

    /** A short reason: the exception's kind and its root message (Lettuce never prints credentials). */
    static String describe(Throwable e) {
        String kind = e.getClass().getSimpleName();
        String root = rootMessage(e);
        return kind + ": " + root;
    }
}
