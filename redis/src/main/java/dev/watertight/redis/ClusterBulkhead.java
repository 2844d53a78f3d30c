package dev.watertight.redis;

import dev.watertight.Bulkhead;
import dev.watertight.BulkheadFullException;
import dev.watertight.CompartmentClosedException;
import dev.watertight.CompartmentRejectedException;
import io.lettuce.core.ScriptOutputType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A compartment whose limit holds across every process that shares it, through Redis.
 *
 * <pre>{@code
 * ClusterBulkhead partner = ClusterBulkhead.builder("partner-api")
 *         .redisUri("redis://redis.internal:6379")
 *         .maxConcurrent(40)                      // for the whole cluster
 *         .maxWait(Duration.ofMillis(200))
 *         .fallback(FallbackPolicy.FALLBACK_LOCAL)
 *         .expectedInstances(20)                  // 2 each while Redis is away
 *         .build();
 *
 * Quote quote = partner.call(() -> client.quote(order));
 * }</pre>
 *
 * <h2>Leases</h2>
 * Each permit is a lease: an id in a Redis sorted set scored by its expiry, which the script
 * computes from the Redis server's clock ({@code TIME}); the client sends durations, never
 * instants. A client whose clock runs minutes ahead therefore cannot consider anyone's lease
 * expired, which is how Redisson's expirable semaphore loses live permits. While the work runs,
 * a background thread renews every lease this process holds in one script call per
 * {@code renewInterval}. A process that crashes stops renewing, and its leases expire after at
 * most {@code leaseTime}; the next acquire anywhere removes them.
 *
 * <h2>The scripts, and why each is atomic</h2>
 * Redis runs a Lua script with nothing else interleaved, so each operation below is one
 * {@code EVALSHA} round trip and decides on a state nobody changes meanwhile (see
 * {@link LeaseScripts} for the source and the keys):
 * <ul>
 *   <li><b>acquire</b> reads {@code TIME}, removes expired leases and waiters whose deadline
 *       passed, and grants a lease if {@code leases in use + waiters ahead in line < limit},
 *       incrementing the fencing counter and recording the token under the lease id. Counting
 *       and inserting in one script is what keeps two clients from taking the last permit
 *       twice. If the lease id already holds a lease, the caller is retrying an acquire whose
 *       reply was lost: its lease is extended and its token returned; no second permit is taken.
 *   <li><b>release</b> removes the lease (and the id from the line), and announces the release
 *       on a pub/sub channel only if someone waits. Removing an absent member changes nothing,
 *       so releasing twice, or after the lease expired, is harmless.
 *   <li><b>renew</b> extends, from the server's now, every given lease that has not expired,
 *       and returns those that had: those are lost, since another caller may already hold the
 *       permit. A lease is never revived once expired.
 * </ul>
 *
 * <h2>Fencing</h2>
 * Every grant carries a fencing token that only grows ({@link Lease#fencingToken()}), also after
 * Redis lost its data: the larger of the last token plus one and the server's clock in
 * microseconds (argued in {@link LeaseScripts}).
 * A holder that paused (a long GC, {@code SIGSTOP}) past its lease may still believe it holds
 * the permit; the resource it guards can refuse any request whose token is lower than one it
 * has already seen (Kleppmann, "How to do distributed locking", 2016). The renewal thread tells
 * such a holder when it wakes ({@link Lease#isValid()}, {@link ClusterListener#onLeaseLost}).
 *
 * <h2>Waiting, and fairness</h2>
 * A caller that may wait joins a cluster-wide line (a sorted set scored by when it first
 * waited, each entry with a deadline so a crashed waiter leaves on its own), and a permit is
 * only granted to a caller with fewer waiters ahead of it than permits free, so newcomers never
 * overtake the line and the oldest waiter anywhere is served first: nobody starves while
 * permits keep being released. Inside a process only the head of its local line asks Redis,
 * when a release is announced, when the lease that expires first should have expired, or at
 * the latest every {@code probeInterval} as a fallback for a lost announcement; the others park.
 * So waiting costs no round trip while nothing is released, and a release costs each process at
 * most one. The order is FIFO by first-wait time, which is as fair as the clocks allow; a waiter
 * whose process misses announcements may be skipped until its next poll. The local line must
 * list a process's waiters in their cluster-wide order, or a head could be refused a permit kept
 * for a waiter behind it that never asks: joining the local line, taking a lease id (zero-padded,
 * so ids issued later sort later within a millisecond) and sending the first attempt happen under
 * one small lock ({@code lineEntry}), held only while the command is handed to the connection.
 *
 * <h2>When Redis is away</h2>
 * A command that cannot reach Redis, or gets no answer within {@code redisTimeout}, switches the
 * compartment to its {@link FallbackPolicy}: callers are refused with a
 * {@link ClusterUnavailableException}, or admitted by a local {@link Bulkhead} of
 * {@code maxConcurrent / expectedInstances} permits. Waiting callers switch too. A probe asks
 * Redis every {@code probeInterval} and switches back on the first answer. Acquires whose reply
 * never came are released when Redis is back (their ids are kept), so a lost reply does not keep
 * a permit for a whole lease time. If Redis restarted empty, the leases held across the restart
 * are reported lost at the next renewal; the limit counts only leases granted since.
 *
 * <h2>Concurrency</h2>
 * The caller's thread runs acquire and release; one scheduler thread per compartment runs
 * renewals and the probe; a Lettuce event-loop thread delivers announcements, which only bump a
 * counter and unpark a thread. Shared state is in concurrent collections ({@code held}: lease id
 * to lease, written by acquire, release and renewal; {@code doubtful}: ids of acquires whose
 * reply was lost), {@link LongAdder} counters, and volatile fields written by one thread and read
 * by any ({@code clusterInUse}, {@code unavailableSince}). A {@link Lease} is closed once, by a
 * compare-and-set.
 *
 * <p>This class is thread-safe.
 */
public final class ClusterBulkhead implements AutoCloseable {
    private static final int RENEW_BATCH = 512;
    private static final int MAX_DOUBTFUL = 10_000;

    private final ClusterBulkheadConfig config;
    private final String name;
    private final String[] keys;
    private final String[] releaseKeys;
    private final String[] leaseKey;
    private final String limitArg;
    private final String leaseMillis;
    private final long maxWaitNanos;
    private final long leaseNanos;
    private final String idPrefix = UUID.randomUUID() + ":";
    private final AtomicLong nextId = new AtomicLong();
    private final ScheduledExecutorService scheduler;
    private final RedisLink link;
    private final WaitLine line = new WaitLine();
    /** Held while a waiter joins the line and sends its first attempt: see {@link #await()}. */
    private final ReentrantLock lineEntry = new ReentrantLock();
    private final @Nullable Bulkhead local;
    private final ConcurrentHashMap<String, Lease> held = new ConcurrentHashMap<>();
    private final Set<String> doubtful = ConcurrentHashMap.newKeySet();
    private final LongAdder acquired = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder renewals = new LongAdder();
    private final LongAdder reclaimed = new LongAdder();
    private final LongAdder leasesLost = new LongAdder();
    private final LongAdder holders = new LongAdder();
    private final LongAdder waiting = new LongAdder();
    private final LongAdder listenerFailures = new LongAdder();
    private volatile long clusterInUse;
    private volatile @Nullable Instant unavailableSince;
    private volatile boolean closed;

    private ClusterBulkhead(ClusterBulkheadConfig config) {
        this.config = config;
        this.name = config.name();
        this.keys = LeaseScripts.keys(config.keyPrefix(), name);
        this.releaseKeys = new String[] {keys[0], keys[1], keys[3], keys[4], keys[5]};
        this.leaseKey = new String[] {keys[0]};
        this.limitArg = Integer.toString(config.maxConcurrent());
        this.leaseMillis = Long.toString(config.leaseTime().toMillis());
        this.maxWaitNanos = config.maxWait().toNanos();
        this.leaseNanos = config.leaseTime().toNanos();
        this.local = config.fallback() == FallbackPolicy.FALLBACK_LOCAL
                ? Bulkhead.builder(name).maxConcurrent(config.localShare()).maxWait(config.maxWait())
                        .writableStackTrace(config.writableStackTrace()).build()
                : null;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "watertight-redis-" + name);
            thread.setDaemon(true);
            return thread;
        });
        this.link = new RedisLink(name, config.redis(), config.redisTimeout(), config.probeInterval(),
                config.replySpin(), scheduler, keys[5], new LinkEvents());
        try {
            link.start();
        } catch (RuntimeException e) {
            scheduler.shutdownNow();
            throw e;
        }
        long renewNanos = config.renewInterval().toNanos();
        // renewHeld() catches what a renewal throws, so the schedule runs until close(): no future to watch.
        var unused = scheduler.scheduleAtFixedRate(this::renewHeld, renewNanos, renewNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Starts building a cluster-wide bulkhead.
     *
     * @param name the compartment's name, the same in every process that shares it
     * @return a builder; {@code redisUri} must be set, the rest has defaults
     * @throws IllegalArgumentException if the name is null, blank, longer than 128 characters, or
     *     contains control characters or braces
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** {@return the compartment's name} */
    public String name() {
        return name;
    }

    /** {@return the settings it was built with} */
    public ClusterBulkheadConfig config() {
        return config;
    }

    /**
     * Runs the task holding a cluster-wide permit, renewed while it runs.
     *
     * @param task the work
     * @param <T> its result type
     * @return what the task returned
     * @throws BulkheadFullException if no permit became free within {@code maxWait}, or the caller
     *     was interrupted while waiting (its interrupt status is then set again)
     * @throws ClusterUnavailableException if Redis is unavailable and the policy is
     *     {@link FallbackPolicy#FAIL_CLOSED}
     * @throws Exception whatever the task threw
     */
    public <T> T call(Callable<? extends T> task) throws Exception {
        Lease lease = acquireOrReject();
        try {
            return task.call();
        } finally {
            lease.close();
        }
    }

    /**
     * Runs the task holding a cluster-wide permit, renewed while it runs.
     *
     * @param task the work
     * @throws BulkheadFullException if no permit became free within {@code maxWait}, or the caller
     *     was interrupted while waiting (its interrupt status is then set again)
     * @throws ClusterUnavailableException if Redis is unavailable and the policy is
     *     {@link FallbackPolicy#FAIL_CLOSED}
     */
    public void run(Runnable task) {
        Lease lease = acquireOrReject();
        try {
            task.run();
        } finally {
            lease.close();
        }
    }

    /**
     * Takes a permit for a caller that manages the scope itself, waiting up to {@code maxWait}.
     * The lease is renewed in the background until it is closed.
     *
     * <pre>{@code
     * try (ClusterBulkhead.Lease lease = partner.acquire()) {
     *     resource.write(data, lease.fencingToken());
     * }
     * }</pre>
     *
     * @return the lease; close it once (closing again does nothing)
     * @throws BulkheadFullException if no permit became free within {@code maxWait}
     * @throws ClusterUnavailableException if Redis is unavailable and the policy is
     *     {@link FallbackPolicy#FAIL_CLOSED}
     * @throws CompartmentClosedException if the compartment was closed
     * @throws InterruptedException if the caller was interrupted while waiting; no permit is taken
     */
    public Lease acquire() throws InterruptedException {
        ensureOpen();
        if (!link.available()) {
            return fallback(link.unavailableReason(), maxWaitNanos > 0);
        }
        if (maxWaitNanos > 0) {
            return await();
        }
        String id = nextLeaseId();
        long askedAt = System.nanoTime();
        Reply reply;
        try {
            reply = attempt(id, 0);
        } catch (RedisUnavailable e) {
            doubt(id);
            if (e.interrupted()) {
                throw interrupted();
            }
            return fallback(e.getMessage(), false);
        }
        if (reply.granted()) {
            return grant(id, reply.token(), null, askedAt);
        }
        throw reject(BulkheadFullException.ofBulkhead(name, config.maxConcurrent(), 0, 0, false,
                config.writableStackTrace()));
    }

    /**
     * A new lease id: this instance's prefix and a counter, zero-padded so that ids sort in the
     * order they were issued (the cluster-wide line breaks ties of its millisecond scores by id).
     */
    private String nextLeaseId() {
        String count = Long.toString(nextId.incrementAndGet());
        return idPrefix + "0".repeat(19 - count.length()) + count;
    }

    /**
     * Asks Redis how many leases are held in the whole cluster now (one round trip).
     *
     * @return the leases that have not expired
     * @throws ClusterUnavailableException if Redis is unavailable
     */
    public long clusterInUse() {
        try {
            Long count = link.eval(LeaseScripts.IN_USE, ScriptOutputType.INTEGER, leaseKey);
            clusterInUse = count;
            return count;
        } catch (RedisUnavailable e) {
            throw new ClusterUnavailableException("ClusterBulkhead", name, config.redis().toString(), e.getMessage(),
                    config.writableStackTrace());
        }
    }

    /** {@return how many times a listener threw; such failures are caught and counted, never passed on} */
    public long listenerFailures() {
        return listenerFailures.sum();
    }

    /** {@return a snapshot of this process's view of the compartment; cheap, no round trip} */
    public ClusterBulkheadStats stats() {
        RoundTrips.Snapshot trips = link.roundTrips();
        boolean available = link.available();
        return new ClusterBulkheadStats(name, config.maxConcurrent(), clusterInUse, holders.sum(), waiting.sum(),
                acquired.sum(), rejected.sum(), renewals.sum(), reclaimed.sum(), leasesLost.sum(), available,
                !available && local != null, local == null ? 0 : local.stats().inUse(), unavailableSince,
                link.switches(), trips.count(), trips.p50(), trips.p99(), trips.max());
    }

    /**
     * Stops admitting calls and renewing leases, and closes the connection. Leases still held
     * are not released (their work may still be running): they expire on the server after at
     * most {@code leaseTime}. Waiting callers are refused with a
     * {@link CompartmentClosedException}. Closing again does nothing.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        line.wakeAll();
        link.close(); // first, so that no failing command schedules a probe on a stopped scheduler
        scheduler.shutdownNow();
    }

    @Override
    public String toString() {
        return "ClusterBulkhead[" + name + ", maxConcurrent=" + config.maxConcurrent() + ", redis=" + config.redis()
                + ", fallback=" + config.fallback() + "]";
    }

    /** One attempt with a given lease id; package-private so tests can replay a lost reply. */
    Reply attempt(String id, long waitMillis) {
        return toReply(link.eval(LeaseScripts.ACQUIRE, ScriptOutputType.MULTI, keys, id, limitArg, leaseMillis,
                Long.toString(waitMillis)));
    }

    private Reply toReply(List<Object> raw) {
        Reply reply = new Reply((Long) raw.get(0) == 1L, (Long) raw.get(1), (Long) raw.get(2), (Long) raw.get(3),
                (Long) raw.get(4));
        clusterInUse = reply.inUse();
        if (reply.reclaimed() > 0) {
            reclaimed.add(reply.reclaimed());
        }
        return reply;
    }

    /** A reply of the acquire script. */
    record Reply(boolean granted, long token, long inUse, long reclaimed, long untilExpiryMillis) {}

    private Lease await() throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + maxWaitNanos;
        Thread me = Thread.currentThread();
        boolean wakeNext = false;
        String id = null;
        waiting.increment();
        try {
            long seen;
            RedisLink.Sent<List<Object>> first;
            String lineArg = Long.toString(lineMillis(deadline, start));
            // This process's line and the cluster-wide line must keep the same order, or a head
            // could be refused a free permit kept for a waiter behind it here, which never asks.
            // So joining this line, taking an id and sending the first attempt (which joins the
            // cluster's line) happen under one lock; the reply is awaited outside it.
            long askedAt = System.nanoTime();
            lineEntry.lock();
            try {
                id = nextLeaseId();
                line.join(me);
                seen = line.signals();
                first = link.send(LeaseScripts.ACQUIRE, ScriptOutputType.MULTI, keys, id, limitArg, leaseMillis,
                        lineArg);
            } finally {
                lineEntry.unlock();
            }
            List<Object> raw = link.awaitUnlessScriptMissing(first, LeaseScripts.ACQUIRE, ScriptOutputType.MULTI, keys,
                    id, limitArg, leaseMillis, lineArg);
            while (raw == null) {
                // Redis had lost its script cache (restart, failover, SCRIPT FLUSH), so the attempt did
                // not run and this waiter is in the cluster's line nowhere yet. Others that got the
                // same reply resend too, in any order: each moves to the end of this process's line
                // and sends the body under the same lock, with a new id (same-millisecond ties in the
                // cluster's line sort by id, so ids must follow the order of sending), so both lines
                // keep one order. The old id never reached the server's state.
                lineEntry.lock();
                try {
                    id = nextLeaseId();
                    line.leave(me);
                    line.join(me);
                    seen = line.signals();
                    askedAt = System.nanoTime();
                    first = link.sendBody(LeaseScripts.ACQUIRE, ScriptOutputType.MULTI, keys, id, limitArg,
                            leaseMillis, lineArg);
                } finally {
                    lineEntry.unlock();
                }
                raw = link.awaitUnlessScriptMissing(first, LeaseScripts.ACQUIRE, ScriptOutputType.MULTI, keys, id,
                        limitArg, leaseMillis, lineArg);
            }
            Reply reply = toReply(raw);
            long pollAt = System.nanoTime() + pollNanos(reply);
            while (!reply.granted()) {
                long now = System.nanoTime();
                if (now - deadline >= 0) {
                    leaveLine(id);
                    throw reject(BulkheadFullException.ofBulkhead(name, config.maxConcurrent(), now - start,
                            maxWaitNanos, false, config.writableStackTrace()));
                }
                if (!line.isHead(me) || line.signals() == seen) {
                    LockSupport.parkNanos(this, (line.isHead(me) ? Math.min(deadline - now, pollAt - now) : deadline - now));
                    if (Thread.interrupted()) {
                        leaveLine(id);
                        throw interrupted();
                    }
                }
                if (closed) {
                    leaveLine(id);
                    throw reject(new CompartmentClosedException(name, true, config.writableStackTrace()));
                }
                if (!link.available()) {
                    doubt(id);
                    return fallback(link.unavailableReason(), true);
                }
                now = System.nanoTime();
                if (!line.isHead(me) || (line.signals() == seen && now - pollAt < 0)) {
                    continue;
                }
                seen = line.signals();
                askedAt = System.nanoTime();
                reply = attempt(id, lineMillis(deadline, now));
                pollAt = System.nanoTime() + pollNanos(reply);
            }
            wakeNext = reply.inUse() < config.maxConcurrent();
            return grant(id, reply.token(), null, askedAt);
        } catch (RedisUnavailable e) {
            if (id != null) {
                doubt(id);
            }
            if (e.interrupted()) {
                throw interrupted();
            }
            return fallback(e.getMessage(), true);
        } finally {
            line.leave(me);
            waiting.decrement();
            if (wakeNext) {
                line.signal();
            }
        }
    }

    /** Clears the interrupt status, which the exception now carries. */
    private InterruptedException interrupted() {
        Thread.interrupted();
        return new InterruptedException("interrupted while waiting for a permit of ClusterBulkhead '" + name + "'");
    }

    /** How long a waiter stays in the cluster-wide line: its remaining wait plus room for one reply. */
    private long lineMillis(long deadline, long now) {
        return TimeUnit.NANOSECONDS.toMillis(Math.max(0, deadline - now)) + 1
                + 2 * config.redisTimeout().toMillis();
    }

    /** When the head asks again with no announcement: the first expiry, or the fallback poll. */
    private long pollNanos(Reply reply) {
        long poll = config.probeInterval().toNanos();
        if (reply.untilExpiryMillis() >= 0) {
            poll = Math.min(poll, TimeUnit.MILLISECONDS.toNanos(reply.untilExpiryMillis() + 1));
        }
        return poll;
    }

    /** {@code askedAt}: when the granting attempt was sent, before the server read its clock. */
    private Lease grant(@Nullable String id, long token, Bulkhead.@Nullable Permit localPermit, long askedAt) {
        Lease lease = new Lease(this, id, token, localPermit, askedAt + leaseNanos);
        if (id != null) {
            held.put(id, lease);
        }
        acquired.increment();
        holders.increment();
        return lease;
    }

    private Lease fallback(String reason, boolean mayWait) throws InterruptedException {
        if (local == null) {
            throw reject(new ClusterUnavailableException("ClusterBulkhead", name, config.redis().toString(),
                    String.valueOf(reason), config.writableStackTrace()));
        }
        Bulkhead.Permit permit;
        try {
            permit = mayWait
                    ? local.acquire()
                    : local.tryAcquire().orElseThrow(() -> BulkheadFullException.ofBulkhead(
                            name, config.localShare(), 0, 0, false, config.writableStackTrace()));
        } catch (BulkheadFullException e) {
            throw reject(e);
        }
        return grant(null, 0, permit, System.nanoTime());
    }

    private Lease acquireOrReject() {
        try {
            return acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw reject(BulkheadFullException.ofBulkhead(name, config.maxConcurrent(), 0, maxWaitNanos, true,
                    config.writableStackTrace()));
        }
    }

    private void release(Lease lease) {
        holders.decrement();
        Bulkhead.Permit localPermit = lease.localPermit;
        if (localPermit != null) {
            localPermit.close();
            return;
        }
        String id = java.util.Objects.requireNonNull(lease.id, "a cluster-wide lease has an id");
        if (held.remove(id) == null) {
            return; // lost: it expired on the server, and someone else may hold the permit now
        }
        // Not waiting for the reply: later commands of this process run after it (one connection).
        link.evalAsync(LeaseScripts.RELEASE, ScriptOutputType.INTEGER, failure -> doubt(id), releaseKeys, id);
    }

    /** Leaves the cluster-wide line (and releases a lease a lost reply may have granted). */
    void leaveLine(String id) {
        link.evalAsync(LeaseScripts.RELEASE, ScriptOutputType.INTEGER, failure -> doubt(id), releaseKeys, id);
    }

    /** An id whose lease may exist on the server without our knowing; released once Redis answers. */
    private void doubt(String id) {
        if (doubtful.size() < MAX_DOUBTFUL) {
            doubtful.add(id);
        }
    }

    /** On the scheduler thread: renews what is held and releases doubtful ids; never throws. */
    private void renewHeld() {
        try {
            if (closed || !link.available()) {
                return;
            }
            releaseDoubtful();
            List<String> ids = new ArrayList<>(held.keySet());
            for (int from = 0; from < ids.size(); from += RENEW_BATCH) {
                List<String> batch = ids.subList(from, Math.min(ids.size(), from + RENEW_BATCH));
                String[] args = new String[batch.size() + 1];
                args[0] = leaseMillis;
                for (int i = 0; i < batch.size(); i++) {
                    args[i + 1] = batch.get(i);
                }
                long sentAt = System.nanoTime();
                List<Object> lost = link.eval(LeaseScripts.RENEW, ScriptOutputType.MULTI, leaseKey, args);
                renewals.add(batch.size() - lost.size());
                Set<Object> lostIds = Set.copyOf(lost);
                for (String renewed : batch) {
                    Lease lease = held.get(renewed);
                    if (lease != null && !lostIds.contains(renewed)) {
                        lease.extendTo(sentAt + leaseNanos);
                    }
                }
                for (Object lostId : lost) {
                    Lease lease = held.remove((String) lostId);
                    if (lease != null) {
                        lease.lost = true;
                        leasesLost.increment();
                        notifyListeners(l -> l.onLeaseLost(name, lease.token));
                    }
                }
            }
        } catch (RuntimeException e) {
            // Redis went away (already reported) or a listener failed: the next tick tries again.
        }
    }

    @SuppressWarnings("ModifyCollectionInEnhancedForLoop") // a concurrent set: its iteration allows removal
    private void releaseDoubtful() {
        for (String id : doubtful) {
            if (!held.containsKey(id)) {
                link.eval(LeaseScripts.RELEASE, ScriptOutputType.INTEGER, releaseKeys, id);
            }
            doubtful.remove(id);
        }
    }

    private <E extends CompartmentRejectedException> E reject(E rejection) {
        rejected.increment();
        notifyListeners(l -> l.onRejected(name, rejection));
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

    private void ensureOpen() {
        if (closed) {
            throw new CompartmentClosedException(name, false, config.writableStackTrace());
        }
    }

    /** What the link reports, on the thread where it happened. */
    private final class LinkEvents implements RedisLink.Events {
        @Override
        public void unavailable(String reason) {
            unavailableSince = config.clock().instant();
            notifyListeners(l -> l.onRedisUnavailable(name, config.fallback(), reason));
            line.wakeAll();
        }

        @Override
        public void available() {
            unavailableSince = null;
            notifyListeners(l -> l.onRedisAvailable(name));
            line.wakeAll();
            renewHeld();
        }

        @Override
        public void message() {
            line.signal();
        }
    }

    /**
     * A permit held by one caller: a cluster-wide lease, or a permit of the local fallback.
     * Closing it gives the permit back, once; closing again does nothing, from any thread.
     *
     * <p>Thread-safe: it may be closed or checked from any thread.
     */
    public static final class Lease implements AutoCloseable {
        private final ClusterBulkhead owner;
        private final @Nullable String id;
        private final long token;
        private final Bulkhead.@Nullable Permit localPermit;
        private final AtomicBoolean closed = new AtomicBoolean();
        private volatile boolean lost;
        /**
         * The local deadline ({@link System#nanoTime()}): the send time of the last attempt or
         * renewal that the server answered, plus the lease time. The server read its clock after
         * that send, so its expiry is no earlier: past this instant the lease may be gone even if
         * no renewal has said so (Redis unreachable, or this process paused). Written by the
         * granting thread, then only by the renewal thread, and only forward.
         */
        private volatile long validUntilNanos;

        private Lease(ClusterBulkhead owner, @Nullable String id, long token, Bulkhead.@Nullable Permit localPermit,
                long validUntilNanos) {
            this.owner = owner;
            this.id = id;
            this.token = token;
            this.localPermit = localPermit;
            this.validUntilNanos = validUntilNanos;
        }

        /** After a successful renewal sent at {@code until - leaseTime}; on the renewal thread only. */
        void extendTo(long until) {
            if (until - validUntilNanos > 0) {
                validUntilNanos = until;
            }
        }

        /**
         * The fencing token of this grant: higher than that of every grant before it in the
         * compartment. Pass it to the guarded resource, which should refuse tokens lower than
         * the highest it has seen. Zero for a permit of the local fallback, which has none.
         *
         * @return the fencing token of this grant
         */
        public long fencingToken() {
            return token;
        }

        /** {@return whether this permit came from the local fallback because Redis was unavailable} */
        public boolean isLocal() {
            return localPermit != null;
        }

        /** {@return the lease id in Redis, or null for a permit of the local fallback} */
        public @Nullable String id() {
            return id;
        }

        /**
         * Whether the permit is still held: false once closed, once a renewal found the lease
         * expired on the server (the holder paused or Redis was away past the lease time), and
         * once the lease time has passed since the last attempt or renewal Redis answered, without
         * waiting for a renewal to say so (the holder paused, or Redis is unreachable). A permit of
         * the local fallback stays valid until closed.
         *
         * @return whether the permit is still held
         */
        public boolean isValid() {
            return !closed.get() && !lost && (localPermit != null || System.nanoTime() - validUntilNanos < 0);
        }

        /**
         * Gives the permit back; later calls do nothing. For a cluster lease the release script is
         * sent without waiting for its reply (commands of this process sent afterwards run after
         * it); if it cannot reach Redis the lease expires there on its own, and its release is
         * sent again once Redis answers.
         */
        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                owner.release(this);
            }
        }

        @Override
        public String toString() {
            return "Lease[" + owner.name + (localPermit != null ? ", local" : ", token=" + token)
                    + (isValid() ? "" : ", no longer held") + "]";
        }
    }

    /**
     * Builds a {@link ClusterBulkhead}; each setting is checked as it is set. Not thread-safe.
     */
    public static final class Builder extends RedisCompartmentBuilder<Builder> {
        private int maxConcurrent = 25;
        private Duration leaseTime = Duration.ofSeconds(30);
        private Duration renewInterval = Duration.ofSeconds(10);
        private Duration maxWait = Duration.ZERO;
        private Clock clock = Clock.systemUTC();

        private Builder(String name) {
            super(name);
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * The cluster-wide limit; default 25.
         *
         * @param maxConcurrent at least 1
         * @return this builder
         */
        public Builder maxConcurrent(int maxConcurrent) {
            this.maxConcurrent = Check.atLeast("maxConcurrent", maxConcurrent, 1);
            return this;
        }

        /**
         * How long a lease lives unless renewed; default 30 s. A crashed holder's permits come
         * back after at most this long.
         *
         * @param leaseTime from 100 ms to 1 day, longer than {@code renewInterval}
         * @return this builder
         */
        public Builder leaseTime(Duration leaseTime) {
            this.leaseTime = Check.between("leaseTime", leaseTime, ClusterBulkheadConfig.MIN_LEASE_TIME,
                    ClusterBulkheadConfig.MAX_DURATION);
            return this;
        }

        /**
         * How often held leases are renewed; default 10 s. Leave room for a slow round trip:
         * a third of the lease time is a good choice.
         *
         * @param renewInterval from 10 ms to 1 day, shorter than {@code leaseTime}
         * @return this builder
         */
        public Builder renewInterval(Duration renewInterval) {
            this.renewInterval = Check.between("renewInterval", renewInterval, ClusterBulkheadConfig.MIN_TIMEOUT,
                    ClusterBulkheadConfig.MAX_DURATION);
            return this;
        }

        /**
         * How long a caller may wait for a permit; default zero (refuse at once).
         *
         * @param maxWait from zero to 1 day
         * @return this builder
         */
        public Builder maxWait(Duration maxWait) {
            this.maxWait = Check.between("maxWait", maxWait, Duration.ZERO, ClusterBulkheadConfig.MAX_DURATION);
            return this;
        }

        /**
         * The wall clock that stamps {@code unavailableSince}; default the system's UTC clock.
         * Leases never use it: their expiry is the Redis server's business.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Check.notNull("clock", clock);
            return this;
        }

        /**
         * The settings as they stand.
         *
         * @return the config
         * @throws IllegalArgumentException if {@code redisUri} was not set, or {@code renewInterval}
         *     is not shorter than {@code leaseTime}
         */
        public ClusterBulkheadConfig config() {
            RedisEndpoint redis = requiredRedis();
            return new ClusterBulkheadConfig(name, redis, keyPrefix, maxConcurrent, leaseTime, renewInterval, maxWait,
                    redisTimeout, probeInterval, replySpin, fallback, expectedInstances, listeners, clock,
                    writableStackTrace);
        }

        /**
         * Builds the compartment and connects to Redis (waiting at most {@code redisTimeout}). An
         * unreachable Redis is not an error here: the compartment starts on its fallback policy.
         *
         * @return the compartment
         * @throws IllegalArgumentException if a setting is missing or inconsistent, or Redis refused
         *     the credentials
         */
        public ClusterBulkhead build() {
            return new ClusterBulkhead(config());
        }
    }
}
