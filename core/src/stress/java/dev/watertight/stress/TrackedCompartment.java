package dev.watertight.stress;

import dev.watertight.Compartment;
import dev.watertight.CompartmentStats;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A compartment that notices being used while closed, or closed while in use: each call counts
 * itself in flight and then looks at {@code closed}; {@code close} sets it and then looks at the
 * count. Both are sequentially consistent, so if a call and the close overlap, at least one of
 * them sees the other, and a violation is recorded.
 */
final class TrackedCompartment implements Compartment {
    private final String name;
    private final Queue<String> violations;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger closes = new AtomicInteger();
    private volatile boolean closed;

    TrackedCompartment(String name, Queue<String> violations) {
        this.name = name;
        this.violations = violations;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public <T> T call(Callable<? extends T> task) throws Exception {
        enter();
        try {
            return task.call();
        } finally {
            inFlight.decrementAndGet();
        }
    }

    @Override
    public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task) {
        enter();
        return task.get().toCompletableFuture().whenComplete((value, failure) -> inFlight.decrementAndGet());
    }

    private void enter() {
        inFlight.incrementAndGet();
        if (closed) {
            violations.add(name + " was used after it was closed");
        }
    }

    @Override
    public void close() {
        closed = true;
        closes.incrementAndGet();
        if (inFlight.get() > 0) {
            violations.add(name + " was closed with " + inFlight.get() + " calls in flight");
        }
    }

    boolean closed() {
        return closed;
    }

    int closes() {
        return closes.get();
    }

    @Override
    public CompartmentStats stats() {
        return new CompartmentStats(name, null, null, null, null, null, null, null, null);
    }
}
