package dev.watertight.internal;

import dev.watertight.Bulkhead;
import dev.watertight.CircuitBreaker;
import dev.watertight.Compartment;
import dev.watertight.CompartmentRejectedException;
import dev.watertight.CpuBudget;
import dev.watertight.Deadline;
import dev.watertight.TimeSource;
import dev.watertight.CompartmentStats;
import dev.watertight.RateLimitExceededException;
import dev.watertight.RateLimiter;
import dev.watertight.Retry;
import dev.watertight.ThreadPoolBulkhead;
import dev.watertight.Timeout;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Compartment}: its guards nested in the documented order. Each layer is a guard's own
 * public entry point, so the stack behaves exactly as the guards do alone, and a call the outer
 * guards refuse never reaches the inner ones.
 */
public final class GuardStack implements Compartment {
    private final String name;
    private final @Nullable Retry retry;
    private final @Nullable CircuitBreaker circuitBreaker;
    private final @Nullable RateLimiter rateLimiter;
    private final @Nullable Bulkhead bulkhead;
    private final @Nullable ThreadPoolBulkhead threadPool;
    private final @Nullable Timeout timeout;
    private final ResourceGuards resources;
    private final String order;

    /**
     * Creates the stack; any guard may be null.
     *
     * @param name the compartment's name
     * @param retry the retry
     * @param circuitBreaker the breaker
     * @param rateLimiter the rate limiter
     * @param bulkhead the bulkhead
     * @param threadPool the thread pool (not with a bulkhead)
     * @param timeout the timeout
     * @param resources shedding, CPU budget and meter ({@link ResourceGuards#NONE} for none)
     */
    public GuardStack(String name, @Nullable Retry retry, @Nullable CircuitBreaker circuitBreaker,
            @Nullable RateLimiter rateLimiter, @Nullable Bulkhead bulkhead, @Nullable ThreadPoolBulkhead threadPool,
            @Nullable Timeout timeout, ResourceGuards resources) {
        this.name = name;
        this.retry = retry;
        this.circuitBreaker = circuitBreaker;
        this.rateLimiter = rateLimiter;
        this.bulkhead = bulkhead;
        this.threadPool = threadPool;
        this.timeout = timeout;
        this.resources = resources;
        List<String> layers = new ArrayList<>();
        if (resources.admission() != null) {
            layers.add(resources.admission());
        }
        if (retry != null) {
            layers.add("retry '" + retry.name() + "'");
        }
        if (circuitBreaker != null) {
            layers.add("circuit breaker '" + circuitBreaker.name() + "'");
        }
        if (rateLimiter != null) {
            layers.add("rate limiter '" + rateLimiter.name() + "'");
        }
        if (bulkhead != null) {
            layers.add("bulkhead '" + bulkhead.name() + "' (" + bulkhead.maxConcurrent() + ")");
        }
        if (threadPool != null) {
            layers.add("thread pool '" + threadPool.name() + "' (" + threadPool.config().threads() + " threads)");
        }
        if (timeout != null) {
            layers.add("timeout " + timeout.timeout().toMillis() + " ms");
        }
        if (resources.accounting() != null) {
            layers.add(resources.accounting());
        }
        layers.add("call");
        this.order = String.join(" -> ", layers);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public <T> T call(Callable<? extends T> task) throws Exception {
        Objects.requireNonNull(task, "task");
        resources.admit(name); // shed, or wait for CPU, before any guard is touched or any permit held
        return retry == null ? broken(task) : retry.call(() -> broken(task));
    }

    /** The circuit breaker layer, around the rate-limited layer. */
    private <T> T broken(Callable<? extends T> task) throws Exception {
        return circuitBreaker == null ? limited(task) : circuitBreaker.call(() -> limited(task));
    }

    /** The rate limiter layer, around the isolated layer. */
    private <T> T limited(Callable<? extends T> task) throws Exception {
        return rateLimiter == null ? isolated(task) : rateLimiter.call(() -> isolated(task));
    }

    /** The bulkhead or thread pool layer, around the timed layer. */
    @SuppressWarnings("try") // a Deadline.Scope is opened for its close() alone
    private <T> T isolated(Callable<? extends T> task) throws Exception {
        if (bulkhead != null) {
            return bulkhead.call(() -> timed(task));
        }
        if (threadPool != null) {
            long deadline = Deadline.remainingNanos(); // passed on to the pool's thread
            CompletableFuture<T> running = threadPool.submit(() -> {
                if (deadline == Long.MAX_VALUE) {
                    return timed(task);
                }
                try (Deadline.Scope scope = Deadline.within(TimeSource.system(), deadline)) {
                    return timed(task);
                }
            });
            try {
                return running.get();
            } catch (ExecutionException failed) {
                throw unwrap(failed.getCause());
            } catch (InterruptedException interrupted) {
                running.cancel(true); // the caller gave up: so does the work
                Thread.currentThread().interrupt();
                throw interrupted;
            }
        }
        return timed(task);
    }

    private <T> T timed(Callable<? extends T> task) throws Exception {
        if (!resources.measures()) {
            return timeout == null ? task.call() : timeout.call(task); // nothing added to a plain stack
        }
        return timeout == null ? resources.measured(task) : timeout.call(() -> resources.measured(task));
    }

    private static Exception unwrap(@Nullable Throwable cause) {
        if (cause instanceof Exception exception) {
            return exception;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new CompletionException(cause);
    }

    @Override
    public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task) {
        Objects.requireNonNull(task, "task");
        try {
            resources.admit(name); // the work runs elsewhere: admitted here, not measured
        } catch (CompartmentRejectedException shed) {
            return CompletableFuture.failedFuture(shed);
        }
        return retry == null ? brokenAsync(task) : retry.callAsync(() -> brokenAsync(task));
    }

    private <T> CompletableFuture<T> brokenAsync(Supplier<? extends CompletionStage<T>> task) {
        return circuitBreaker == null ? limitedAsync(task) : circuitBreaker.callAsync(() -> limitedAsync(task));
    }

    /** The rate limiter waits (up to its maxWait) on the calling thread, then the work starts. */
    private <T> CompletableFuture<T> limitedAsync(Supplier<? extends CompletionStage<T>> task) {
        if (rateLimiter != null) {
            try {
                rateLimiter.acquire();
            } catch (RateLimitExceededException refused) {
                return CompletableFuture.failedFuture(refused);
            }
        }
        return isolatedAsync(task);
    }

    private <T> CompletableFuture<T> isolatedAsync(Supplier<? extends CompletionStage<T>> task) {
        CompletableFuture<T> work;
        if (bulkhead != null) {
            work = bulkhead.callAsync(task);
        } else if (threadPool != null) {
            // The pool's thread starts the work and waits for its stage, so the thread stays
            // taken for as long as the work runs.
            try {
                work = threadPool.submit(() -> joined(task.get()));
            } catch (RuntimeException refusedOrClosed) {
                return CompletableFuture.failedFuture(refusedOrClosed);
            }
        } else {
            try {
                work = Objects.requireNonNull(task.get(), "the task returned null instead of a CompletionStage")
                        .toCompletableFuture();
            } catch (Throwable failure) {
                return CompletableFuture.failedFuture(failure);
            }
        }
        // The timeout is applied to the isolated work's own future: cancelling it at the deadline
        // keeps the permit or thread taken until the work has really stopped.
        return timeout == null ? work : timeout.callAsync(() -> work);
    }

    private static <T> T joined(CompletionStage<T> stage) throws Exception {
        try {
            return stage.toCompletableFuture().get();
        } catch (ExecutionException failed) {
            throw unwrap(failed.getCause());
        } catch (InterruptedException interrupted) {
            stage.toCompletableFuture().cancel(true);
            throw interrupted;
        } catch (CancellationException cancelled) {
            throw cancelled;
        }
    }

    @Override
    public CompartmentStats stats() {
        return new CompartmentStats(
                name,
                retry == null ? null : retry.stats(),
                circuitBreaker == null ? null : circuitBreaker.stats(),
                rateLimiter == null ? null : rateLimiter.stats(),
                bulkhead == null ? null : bulkhead.stats(),
                threadPool == null ? null : threadPool.stats(),
                timeout == null ? null : timeout.stats(),
                resources.meter() == null ? null : resources.meter().stats(),
                resources.cpuBudget() == null ? null : resources.cpuBudget().stats());
    }

    @Override
    public Optional<Retry> retry() {
        return Optional.ofNullable(retry);
    }

    @Override
    public Optional<CircuitBreaker> circuitBreaker() {
        return Optional.ofNullable(circuitBreaker);
    }

    @Override
    public Optional<RateLimiter> rateLimiter() {
        return Optional.ofNullable(rateLimiter);
    }

    @Override
    public Optional<Bulkhead> bulkhead() {
        return Optional.ofNullable(bulkhead);
    }

    @Override
    public Optional<ThreadPoolBulkhead> threadPool() {
        return Optional.ofNullable(threadPool);
    }

    @Override
    public Optional<Timeout> timeout() {
        return Optional.ofNullable(timeout);
    }

    @Override
    public Optional<CpuBudget> cpuBudget() {
        return Optional.ofNullable(resources.cpuBudget());
    }

    @Override
    public String toString() {
        return "Compartment[" + name + ": " + order + "]";
    }
}
