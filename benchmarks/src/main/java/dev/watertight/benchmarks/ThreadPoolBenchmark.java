package dev.watertight.benchmarks;

import dev.watertight.ThreadPoolBulkhead;
import dev.watertight.ThreadPoolStats;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The cost of handing a trivial task to a thread pool and waiting for its result: what a
 * thread-pool compartment adds on top of the executor it replaces.
 *
 * <p>Three pools of the same size, each with {@value #THREADS} worker threads and room for
 * {@value #QUEUE_CAPACITY} queued tasks: Watertight's {@link ThreadPoolBulkhead}, a raw
 * {@link ThreadPoolExecutor} over a {@link LinkedBlockingQueue} (the anchor), and Resilience4j's
 * {@code FixedThreadPoolBulkhead}. Each is used the way its users would: Watertight's
 * {@code submit(callable).join()}, the executor's {@code submit(callable).get()} (a
 * {@code FutureTask}), Resilience4j's {@code executeCallable(callable)} (a
 * {@code CompletionStage}) joined through {@code toCompletableFuture().join()}.
 *
 * <p>Two measurements:
 * <ul>
 *   <li><b>latency*</b>: submit one task and wait for it, in µs per task
 *       ({@link Mode#AverageTime}). The worker is usually parked, so this is dominated by the
 *       hand-off and the wake-ups in both directions.</li>
 *   <li><b>batch*</b>: submit {@value #BATCH} tasks, then wait for all of them, in tasks per ms
 *       ({@link Mode#Throughput}). The workers stay busy, so this is dominated by the per-task
 *       bookkeeping of the pool: queueing, state changes, counters, completion.</li>
 * </ul>
 * Submitting threads come from the command line ({@code -t}); all of them share one pool. Even at
 * {@code -t 4} there are at most {@code 4 * BATCH} tasks in a pool, far below its capacity, so
 * nothing is ever refused: a refusal throws and fails the run, and each pool's counters are
 * checked in {@code @TearDown}, after which the pool is shut down.
 *
 * <p>Run with {@code -prof gc} to see what each submitted task allocates.
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ThreadPoolBenchmark {

    /** Worker threads in every pool. */
    public static final int THREADS = 4;
    /** Queue capacity of every pool. */
    public static final int QUEUE_CAPACITY = 1000;
    /** Tasks per invocation of the batch benchmarks. */
    public static final int BATCH = 100;

    // ---- latency: one task, submit and wait ------------------------------------------------

    /** Watertight: {@code submit(task).join()}. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object latencyWatertight(WatertightPool pool) {
        return pool.pool.submit(pool.task).join();
    }

    /** The anchor, a raw {@link ThreadPoolExecutor}: {@code submit(task).get()}. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object latencyExecutor(ExecutorPool pool) throws InterruptedException, ExecutionException {
        return pool.executor.submit(pool.task).get();
    }

    /** Resilience4j: {@code executeCallable(task).toCompletableFuture().join()}. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object latencyResilience4j(Resilience4jPool pool) {
        return pool.bulkhead.executeCallable(pool.task).toCompletableFuture().join();
    }

    // ---- throughput: a batch of tasks, submitted then all awaited --------------------------

    /** Watertight: {@value #BATCH} {@code submit}s, then {@value #BATCH} {@code join}s. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @OperationsPerInvocation(BATCH)
    public void batchWatertight(WatertightPool pool, Batch batch, Blackhole blackhole) {
        CompletableFuture<?>[] futures = batch.completableFutures;
        for (int i = 0; i < BATCH; i++) {
            futures[i] = pool.pool.submit(pool.task);
        }
        for (int i = 0; i < BATCH; i++) {
            blackhole.consume(futures[i].join());
            futures[i] = null;
        }
    }

    /** The anchor: {@value #BATCH} {@code submit}s, then {@value #BATCH} {@code get}s. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @OperationsPerInvocation(BATCH)
    public void batchExecutor(ExecutorPool pool, Batch batch, Blackhole blackhole)
            throws InterruptedException, ExecutionException {
        Future<?>[] futures = batch.futures;
        for (int i = 0; i < BATCH; i++) {
            futures[i] = pool.executor.submit(pool.task);
        }
        for (int i = 0; i < BATCH; i++) {
            blackhole.consume(futures[i].get());
            futures[i] = null;
        }
    }

    /** Resilience4j: {@value #BATCH} {@code executeCallable}s, then {@value #BATCH} {@code join}s. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @OperationsPerInvocation(BATCH)
    public void batchResilience4j(Resilience4jPool pool, Batch batch, Blackhole blackhole) {
        CompletableFuture<?>[] futures = batch.completableFutures;
        for (int i = 0; i < BATCH; i++) {
            futures[i] = pool.bulkhead.executeCallable(pool.task).toCompletableFuture();
        }
        for (int i = 0; i < BATCH; i++) {
            blackhole.consume(futures[i].join());
            futures[i] = null;
        }
    }

    // ---- state -----------------------------------------------------------------------------

    /**
     * Each submitting thread's own arrays for the futures of one batch, reused across
     * invocations so that the batch benchmarks allocate only what the pools allocate.
     */
    @State(Scope.Thread)
    public static class Batch {
        final CompletableFuture<?>[] completableFutures = new CompletableFuture<?>[BATCH];
        final Future<?>[] futures = new Future<?>[BATCH];
    }

    /**
     * The task every pool runs, and the checks every pool's state shares. Not a JMH state on its
     * own; each pool's state extends it, so a benchmark starts only the pool it measures.
     */
    public abstract static class Pool {
        /** Not final, so that the JIT cannot fold the task into a constant. */
        private Object result = true;

        /** The task: a field read, on a worker thread. */
        final Callable<Object> task = () -> result;

        static void check(boolean condition, String message) {
            if (!condition) {
                throw new IllegalStateException(message);
            }
        }
    }

    /** Watertight {@code ThreadPoolBulkhead.of("bench", 4, 1000)}. */
    @State(Scope.Benchmark)
    public static class WatertightPool extends Pool {
        ThreadPoolBulkhead pool;

        /** Builds the pool; its workers start with the first tasks. */
        @Setup
        public void start() {
            pool = ThreadPoolBulkhead.of("bench", THREADS, QUEUE_CAPACITY);
        }

        /** Fails the run if a task was refused or did not succeed; closes the pool. */
        @TearDown
        public void stop() {
            ThreadPoolStats stats = pool.stats();
            pool.close();
            check(stats.rejected() == 0 && stats.submitted() > 0 && stats.succeeded() == stats.submitted()
                    && stats.queued() == 0,
                    "unexpected pool stats after the thread-pool benchmark: " + stats);
        }
    }

    /** A raw {@link ThreadPoolExecutor}: 4 fixed threads over a {@code LinkedBlockingQueue(1000)}. */
    @State(Scope.Benchmark)
    public static class ExecutorPool extends Pool {
        ThreadPoolExecutor executor;

        /** Builds the executor; its threads start with the first tasks, like the others'. */
        @Setup
        public void start() {
            executor = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS,
                    new LinkedBlockingQueue<>(QUEUE_CAPACITY));
        }

        /** Fails the run if a task was left behind; shuts the executor down. */
        @TearDown
        public void stop() throws InterruptedException {
            executor.shutdown();
            check(executor.awaitTermination(10, TimeUnit.SECONDS), "the executor did not terminate");
            // Both counts are exact only once the executor has terminated: while a worker is
            // between finishing a task and counting it, getTaskCount() may read one short.
            long scheduled = executor.getTaskCount();
            check(executor.getCompletedTaskCount() == scheduled && scheduled > 0,
                    "tasks left behind: " + executor);
        }
    }

    /** Resilience4j {@code FixedThreadPoolBulkhead}: core = max = 4 threads, queue capacity 1000. */
    @State(Scope.Benchmark)
    public static class Resilience4jPool extends Pool {
        io.github.resilience4j.bulkhead.ThreadPoolBulkhead bulkhead;

        /** Builds the bulkhead. */
        @Setup
        public void start() {
            bulkhead = io.github.resilience4j.bulkhead.ThreadPoolBulkhead.of("bench",
                    io.github.resilience4j.bulkhead.ThreadPoolBulkheadConfig.custom()
                            .coreThreadPoolSize(THREADS)
                            .maxThreadPoolSize(THREADS)
                            .queueCapacity(QUEUE_CAPACITY)
                            .build());
        }

        /** Fails the run if a task was left queued; closes the bulkhead. */
        @TearDown
        public void stop() throws Exception {
            int queued = bulkhead.getMetrics().getQueueDepth();
            bulkhead.close();
            check(queued == 0, queued + " tasks left queued");
        }
    }
}
