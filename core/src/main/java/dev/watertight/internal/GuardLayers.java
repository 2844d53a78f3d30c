package dev.watertight.internal;

import dev.watertight.Bulkhead;
import dev.watertight.CircuitBreaker;
import dev.watertight.CompartmentRejectedException;
import dev.watertight.CpuBudget;
import dev.watertight.Criticality;
import dev.watertight.Deadline;
import dev.watertight.HeapPressure;
import dev.watertight.RateLimitExceededException;
import dev.watertight.RateLimiter;
import dev.watertight.ResourceMeter;
import dev.watertight.Retry;
import dev.watertight.ThreadPoolBulkhead;
import dev.watertight.TimeSource;
import dev.watertight.Timeout;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The layer of each kind of guard: how a call goes through it, on the caller's thread and
 * asynchronously. Each is the guard's own public entry point around the layer inside; what is
 * particular to one guard (a thread pool's hand-over of the caller's deadline, a rate limiter that
 * waits on the calling thread before asynchronous work starts) is said beside it.
 *
 * <p>Thread-safe: each layer holds only its guard and its inner layer.
 */
public final class GuardLayers {
    private GuardLayers() {}

    /**
     * Sheds the call while the heap is too short for the compartment's criticality: the
     * outermost check, before any guard is touched or any permit held.
     *
     * @param heap the signal
     * @param compartment the compartment's name, for the refusal
     * @param criticality the compartment's criticality
     * @param inner the layer inside
     * @return the layer
     */
    public static Layer shedding(HeapPressure heap, String compartment, Criticality criticality, Layer inner) {
        return new Admission(inner) {
            @Override
            void admit() {
                heap.admit(compartment, criticality);
            }
        };
    }

    /**
     * Admits the call once the compartment is within its CPU budget (or refuses it), before the
     * guards inside see it.
     *
     * @param budget the budget
     * @param inner the layer inside
     * @return the layer
     */
    public static Layer cpuAdmission(CpuBudget budget, Layer inner) {
        return new Admission(inner) {
            @Override
            void admit() {
                budget.admit();
            }
        };
    }

    /**
     * Charges the CPU time of a synchronous call, on the thread that runs it, to the budget; an
     * asynchronous call's work runs elsewhere and is not charged.
     *
     * @param budget the budget
     * @param inner the layer inside
     * @return the layer
     */
    public static Layer cpuCharge(CpuBudget budget, Layer inner) {
        return new Layer() {
            @Override
            public <T> T call(Callable<? extends T> task) throws Exception {
                long cpuBefore = ThreadCounters.cpuNanos();
                long wallBefore = cpuBefore < 0 ? System.nanoTime() : 0;
                try {
                    return inner.call(task);
                } finally {
                    // A virtual thread has no CPU counter: its wall time is charged, as CpuBudget.call does.
                    budget.charge(cpuBefore < 0 ? System.nanoTime() - wallBefore : ThreadCounters.cpuNanos() - cpuBefore);
                }
            }

            @Override
            public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task) {
                return inner.callAsync(task);
            }
        };
    }

    /**
     * Accounts the CPU time and bytes allocated by a synchronous call to the meter; an
     * asynchronous call's work runs elsewhere and is not measured.
     *
     * @param meter the meter
     * @param inner the layer inside
     * @return the layer
     */
    public static Layer metered(ResourceMeter meter, Layer inner) {
        return new Layer() {
            @Override
            public <T> T call(Callable<? extends T> task) throws Exception {
                return meter.call(() -> inner.call(task));
            }

            @Override
            public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task) {
                return inner.callAsync(task);
            }
        };
    }

    /**
     * Retries the call, and each attempt goes through the layers inside.
     *
     * @param retry the retry
     * @param inner the layer inside
     * @return the layer
     */
    public static Layer retrying(Retry retry, Layer inner) {
        boolean innermost = inner == Layer.TASK;
        return new Layer() {
            @Override
            public <T> T call(Callable<? extends T> task) throws Exception {
                return innermost ? retry.call(task) : retry.call(() -> inner.call(task));
            }

            @Override
            public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task) {
                return retry.callAsync(() -> inner.callAsync(task));
            }
        };
    }

    /**
     * Lets the call through the breaker, which records how it ended.
     *
     * @param breaker the breaker
     * @param inner the layer inside
     * @return the layer
     */
    public static Layer broken(CircuitBreaker breaker, Layer inner) {
        boolean innermost = inner == Layer.TASK;
        return new Layer() {
            @Override
            public <T> T call(Callable<? extends T> task) throws Exception {
                return innermost ? breaker.call(task) : breaker.call(() -> inner.call(task));
            }

            @Override
            public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task) {
                return breaker.callAsync(() -> inner.callAsync(task));
            }
        };
    }

    /**
     * Takes a permit of the rate. Asynchronously, the permit is taken (waiting up to the
     * limiter's {@code maxWait}) on the calling thread, then the work starts.
     *
     * @param limiter the rate limiter
     * @param inner the layer inside
     * @return the layer
     */
    public static Layer limited(RateLimiter limiter, Layer inner) {
        boolean innermost = inner == Layer.TASK;
        return new Layer() {
            @Override
            public <T> T call(Callable<? extends T> task) throws Exception {
                return innermost ? limiter.call(task) : limiter.call(() -> inner.call(task));
            }

            @Override
            public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task) {
                try {
                    limiter.acquire();
                } catch (RateLimitExceededException refused) {
                    return CompletableFuture.failedFuture(refused);
                }
                return inner.callAsync(task);
            }
        };
    }

    /**
     * Holds a permit of the bulkhead while the call runs; asynchronously, until the work's stage
     * completes.
     *
     * @param bulkhead the bulkhead
     * @param inner the layer inside
     * @return the layer
     */
    public static Layer isolated(Bulkhead bulkhead, Layer inner) {
        boolean innermost = inner == Layer.TASK;
        return new Layer() {
            @Override
            public <T> T call(Callable<? extends T> task) throws Exception {
                return innermost ? bulkhead.call(task) : bulkhead.call(() -> inner.call(task));
            }

            @Override
            public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task) {
                return innermost ? bulkhead.callAsync(task) : bulkhead.callAsync(() -> inner.callAsync(task));
            }
        };
    }

    /**
     * Runs the call on one of the pool's threads and waits for it; the caller's deadline goes
     * with it, so a timeout inside sees the time the caller has left. Asynchronously, the pool's
     * thread starts the work and waits for its stage, so the thread stays taken for as long as the
     * work runs.
     *
     * @param pool the thread pool
     * @param inner the layer inside
     * @return the layer
     */
    public static Layer pooled(ThreadPoolBulkhead pool, Layer inner) {
        return new Layer() {
            @Override
            @SuppressWarnings("try") // a Deadline.Scope is opened for its close() alone
            public <T> T call(Callable<? extends T> task) throws Exception {
                long deadline = Deadline.remainingNanos(); // passed on to the pool's thread
                CompletableFuture<T> running = pool.submit(() -> {
                    if (deadline == Long.MAX_VALUE) {
                        return inner.call(task);
                    }
                    try (Deadline.Scope scope = Deadline.within(TimeSource.system(), deadline)) {
                        return inner.call(task);
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

            @Override
            public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task) {
                try {
                    return pool.submit(() -> joined(inner.callAsync(task)));
                } catch (RuntimeException refusedOrClosed) {
                    return CompletableFuture.failedFuture(refusedOrClosed);
                }
            }
        };
    }

    /**
     * Bounds how long the call may take. Asynchronously, the timeout is applied to the future of
     * the layers inside, once they have started the work: cancelling that future at the deadline
     * keeps a permit or a thread taken until the work has really stopped.
     *
     * @param timeout the timeout
     * @param inner the layer inside
     * @return the layer
     */
    public static Layer timed(Timeout timeout, Layer inner) {
        boolean innermost = inner == Layer.TASK;
        return new Layer() {
            @Override
            public <T> T call(Callable<? extends T> task) throws Exception {
                return innermost ? timeout.call(task) : timeout.call(() -> inner.call(task));
            }

            @Override
            public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task) {
                CompletableFuture<T> work = inner.callAsync(task);
                return timeout.callAsync(() -> work);
            }
        };
    }

    /** An admission check before the layers inside; asynchronously, a refusal fails the future. */
    private abstract static class Admission implements Layer {
        private final Layer inner;

        Admission(Layer inner) {
            this.inner = inner;
        }

        /** Refuses the call with a {@link CompartmentRejectedException}, or returns. */
        abstract void admit();

        @Override
        public <T> T call(Callable<? extends T> task) throws Exception {
            admit();
            return inner.call(task);
        }

        @Override
        public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task) {
            try {
                admit(); // the work runs elsewhere: admitted here, not measured
            } catch (CompartmentRejectedException shed) {
                return CompletableFuture.failedFuture(shed);
            }
            return inner.callAsync(task);
        }
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
}
