package dev.watertight.demo.dashboard;

import io.javalin.http.sse.SseClient;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Sends the snapshot to every connected server-sent-events client: once when it connects, then
 * once per interval, as an event named {@code snapshot}.
 *
 * <p><b>Design.</b> One thread does all the sending: a single-thread scheduler that, each
 * interval, reads the snapshot once and writes it to every client in turn. A client that connects
 * is added to {@link #clients} by the server's request thread, and its first event is a task on
 * that same scheduler, so no two threads ever write to one client's stream and the clients never
 * cost a thread each. Writing to a client that went away fails inside Javalin, which marks the
 * client terminated and runs its close callback; the callback, and a check after every write,
 * drop the client from the set, so the set holds only live clients (at most one interval late).
 * When no client is connected, a tick does not read the snapshot at all.
 *
 * <p>A failing snapshot supplier skips one tick (and is counted); it never stops the schedule,
 * which a {@link ScheduledExecutorService} would do if the task threw.
 *
 * <p><b>Closing.</b> {@link #close()} sets {@link #closed}, stops the scheduler (waiting up to 2 s
 * for a send in progress) and closes every client. A client that connects concurrently is either seen by that sweep or sees
 * {@code closed} after adding itself (the flag is written before the sweep reads the set, and
 * read after the client is added: one of the two always sees the other), so none is left open.
 *
 * <p>A client that stops reading without closing its connection blocks the sender until the
 * server's idle timeout ends the write; on the loopback address the dashboard listens on, that
 * is a browser tab that froze, which is rare enough to accept for one thread.
 */
final class SnapshotStream implements AutoCloseable {
    static final String EVENT = "snapshot";

    private final Supplier<String> snapshot;
    private final Duration interval;
    private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
    private final AtomicLong snapshotFailures = new AtomicLong();
    // Guards creating and shutting down the sender (never held while sending): a close() racing a
    // start() either sees the sender or keeps start() from creating one.
    private final ReentrantLock lifecycle = new ReentrantLock();
    private volatile ScheduledExecutorService sender; // written under `lifecycle`; null until started
    private volatile boolean closed;

    SnapshotStream(Supplier<String> snapshot, Duration interval) {
        this.snapshot = snapshot;
        this.interval = interval;
    }

    /** Starts the schedule, once; later calls do nothing. */
    void start() {
        lifecycle.lock();
        try {
            if (sender != null || closed) {
                return;
            }
            ScheduledExecutorService started = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "watertight-dashboard-events");
                thread.setDaemon(true);
                return thread;
            });
            long millis = interval.toMillis();
            // tick() catches what a snapshot or a client throws, so the schedule never stops on
            // its own; close() shuts the executor down. No future to watch.
            var unused = started.scheduleAtFixedRate(this::tick, millis, millis, TimeUnit.MILLISECONDS);
            sender = started;
        } finally {
            lifecycle.unlock();
        }
    }

    /** Takes a client the server has just accepted; Javalin's SSE handler calls this. */
    void connect(SseClient client) {
        client.keepAlive();
        client.onClose(() -> clients.remove(client));
        clients.add(client);
        if (closed) {
            clients.remove(client);
            client.close();
            return;
        }
        ScheduledExecutorService running = sender;
        try {
            if (running == null) {
                throw new RejectedExecutionException("not started");
            }
            running.execute(() -> {
                String json = read();
                if (json != null) {
                    send(client, json);
                }
            });
        } catch (RejectedExecutionException stopped) {
            clients.remove(client);
            client.close();
        }
    }

    /** How many clients are connected now. */
    int clients() {
        return clients.size();
    }

    /** How many times the snapshot supplier threw or gave null. */
    long snapshotFailures() {
        return snapshotFailures.get();
    }

    @Override
    public void close() {
        ScheduledExecutorService stopping;
        lifecycle.lock();
        try {
            closed = true;
            stopping = sender;
            if (stopping != null) {
                stopping.shutdownNow();
            }
        } finally {
            lifecycle.unlock();
        }
        if (stopping != null) {
            try {
                // Let a send in progress end before closing its client from this thread.
                stopping.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (SseClient client : List.copyOf(clients)) {
            clients.remove(client);
            client.close();
        }
    }

    private void tick() {
        if (clients.isEmpty()) {
            return;
        }
        String json = read();
        if (json == null) {
            return;
        }
        for (SseClient client : clients) {
            send(client, json);
        }
    }

    private String read() {
        try {
            String json = snapshot.get();
            if (json == null) {
                snapshotFailures.incrementAndGet();
            }
            return json;
        } catch (RuntimeException failed) {
            snapshotFailures.incrementAndGet();
            return null;
        }
    }

    private void send(SseClient client, String json) {
        try {
            if (!client.terminated()) {
                client.sendEvent(EVENT, json);
            }
        } catch (RuntimeException failed) {
            client.close(); // whatever broke the write, this client's stream is unusable
        }
        if (client.terminated()) {
            clients.remove(client);
        }
    }
}
