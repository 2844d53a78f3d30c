package dev.watertight.demo.dashboard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A test client of a server-sent-events stream: reads it on a virtual thread and queues the data of
 * each {@code snapshot} event, so that a test can wait for the next one with a timeout.
 */
final class EventStreamClient implements AutoCloseable {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final BlockingQueue<String> snapshots = new LinkedBlockingQueue<>();
    private final HttpResponse<Stream<String>> response;
    private final Thread reader;

    EventStreamClient(URI events) throws IOException, InterruptedException {
        response = http.send(HttpRequest.newBuilder(events).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofLines());
        reader = Thread.ofVirtual().name("test-event-reader").start(this::read);
    }

    int status() {
        return response.statusCode();
    }

    String contentType() {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    /** The data of the next snapshot event, waiting for it at most the timeout. */
    String next(Duration timeout) throws InterruptedException {
        String data = snapshots.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (data == null) {
            throw new AssertionError("no snapshot event within " + timeout);
        }
        return data;
    }

    private void read() {
        String event = null;
        try (Stream<String> lines = response.body()) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.startsWith("event:")) {
                    event = line.substring("event:".length()).trim();
                } else if (line.startsWith("data:") && "snapshot".equals(event)) {
                    snapshots.add(line.substring("data:".length()).trim());
                } else if (line.isEmpty()) {
                    event = null;
                }
            }
        } catch (UncheckedIOException closed) {
            // the stream was closed by close() or by the server
        }
    }

    /** Drops the connection, as a browser tab that is closed does. */
    @Override
    public void close() throws InterruptedException {
        response.body().close();
        http.shutdownNow();
        reader.join(Duration.ofSeconds(5));
    }
}
