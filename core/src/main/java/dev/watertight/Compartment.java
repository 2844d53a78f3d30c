package dev.watertight;

import dev.watertight.internal.Settings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A named stack of guards around the calls to one dependency, in one fixed order, outermost
 * first:
 *
 * <pre>{@code
 * retry.call(() ->                           // tries again after a failure, within its budget
 *     circuitBreaker.call(() ->              // refuses at once while the dependency is known to be down
 *         rateLimiter.call(() ->             // bounds the rate of calls
 *             bulkhead.call(() ->            // or threadPool: bounds concurrency (and queue)
 *                 timeout.call(() ->         // bounds how long the call may take
 *                     task.call())))));
 * }</pre>
 *
 * <p>So a call refused by the breaker takes no permit and no rate, a call that times out still
 * holds its permit until its code has really returned, the breaker never counts a refusal by the
 * rate limiter or the bulkhead as a failure of the dependency (a timeout is a failure; a full
 * bulkhead is not), and the retry never retries a refusal: it would only add load where there
 * is no room. Every guard is optional; each is also usable alone. Its {@code toString()} shows the
 * order.
 *
 * <pre>{@code
 * Compartment payment = Compartment.builder("payment")
 *         .circuitBreaker(CircuitBreaker.builder("payment").consecutiveFailures(3)
 *                 .openDuration(Duration.ofSeconds(30)).build())
 *         .bulkhead(Bulkhead.of("payment", 10))
 *         .timeout(Timeout.of("payment", Duration.ofSeconds(2)))
 *         .build();
 *
 * Receipt receipt = payment.call(() -> gateway.charge(order));
 * }</pre>
 *
 * <p>With a thread pool instead of a bulkhead, {@link #call} runs the task on the pool and waits
 * for it; the timeout, if any, runs around the task on the pool's thread. For
 * {@link #callAsync}, the timeout is applied to the stage the bulkhead or pool returns: the
 * caller's future fails when the time runs out, the work is cancelled, and the bulkhead's permit
 * (or the pool's thread) stays taken until the work has really stopped.
 *
 * <p>Resource guards join the stack where they belong: {@link Builder#shedUnder shedding} under
 * heap pressure and a {@link Builder#cpuBudget CPU budget}'s admission are the outermost checks
 * (so a call waiting for CPU holds no permit, rate or probe, and is not timed by the breaker), and
 * the CPU time and allocation of the task are charged and measured on the thread that runs it,
 * innermost. Asynchronous calls are shed and admitted the same way (a CPU wait blocks the caller),
 * but their work, which runs elsewhere, is neither charged nor measured.
 *
 * <p>{@link #close()} closes the compartment's thread pool, if it has one; the other guards hold
 * no threads. Thread-safe.
 */
public interface Compartment extends AutoCloseable {

    /**
     * Starts building a compartment.
     *
     * @param name the compartment's name
     * @return a builder with no guards yet
     */
    static Builder builder(String name) {
        return new Builder(name);
    }

    /** {@return the compartment's name} */
    String name();

    /**
     * Runs the task through every guard, outermost first.
     *
     * @param task the call to the dependency
     * @param <T> the result type
     * @return what the task returned
     * @throws CompartmentRejectedException if a guard refused the call
     * @throws TaskTimeoutException if the call ran out of time
     * @throws Exception whatever the task threw, unchanged
     */
    <T> T call(Callable<? extends T> task) throws Exception;

    /**
     * Starts asynchronous work through every guard.
     *
     * @param task starts the work and returns its stage
     * @param <T> the result type
     * @return a future of the result; it fails with the refusal of a guard, a
     *     {@link TaskTimeoutException}, or whatever the work failed with
     */
    <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task);

    /** {@return a snapshot of every guard's stats} */
    CompartmentStats stats();

    /**
     * The compartment's guard of one kind; the named accessors ({@link #bulkhead()} and the
     * others) are this for their kinds.
     *
     * @param kind the kind
     * @param <G> the guard's type
     * @return the guard, or empty if the compartment has none of that kind
     */
    default <G> Optional<G> guard(GuardKind<G, ?, ?> kind) {
        return Optional.empty();
    }

    /** {@return the retry, if the compartment has one} */
    default Optional<Retry> retry() {
        return guard(GuardKind.RETRY);
    }

    /** {@return the circuit breaker, if the compartment has one} */
    default Optional<CircuitBreaker> circuitBreaker() {
        return guard(GuardKind.CIRCUIT_BREAKER);
    }

    /** {@return the rate limiter, if the compartment has one} */
    default Optional<RateLimiter> rateLimiter() {
        return guard(GuardKind.RATE_LIMITER);
    }

    /** {@return the bulkhead, if the compartment has one} */
    default Optional<Bulkhead> bulkhead() {
        return guard(GuardKind.BULKHEAD);
    }

    /** {@return the thread pool, if the compartment has one} */
    default Optional<ThreadPoolBulkhead> threadPool() {
        return guard(GuardKind.THREAD_POOL);
    }

    /** {@return the timeout, if the compartment has one} */
    default Optional<Timeout> timeout() {
        return guard(GuardKind.TIMEOUT);
    }

    /** {@return the CPU budget, if the compartment has one} */
    default Optional<CpuBudget> cpuBudget() {
        return guard(GuardKind.CPU_BUDGET);
    }

    /**
     * Closes the compartment's thread pool, if it has one, as {@link ThreadPoolBulkhead#close()}
     * does; the other guards hold no threads and keep working. Idempotent.
     */
    @Override
    default void close() {
        threadPool().ifPresent(ThreadPoolBulkhead::close);
    }

    /**
     * Builds a {@link Compartment} from guards built beforehand, one of each kind at most; a
     * bulkhead and a thread pool exclude each other. The compartment stacks them in its one order
     * whatever order they are given in. Not thread-safe.
     */
    final class Builder {
        private final String name;
        private final Map<GuardKind<?, ?, ?>, Object> guards = new LinkedHashMap<>();
        private Criticality criticality = Criticality.DEFAULT;

        private Builder(String name) {
            this.name = Settings.name(name);
        }

        /**
         * Adds a guard of any kind.
         *
         * @param kind its kind
         * @param guard the guard
         * @param <G> its type
         * @return this builder
         * @throws IllegalArgumentException if a guard of that kind was given already, or one of the
         *     kind it excludes
         */
        public <G> Builder guard(GuardKind<G, ?, ?> kind, G guard) {
            Objects.requireNonNull(kind, "kind must not be null");
            kind.excludes().ifPresent(other -> Settings.absent(kind.name(), other, given(other)));
            guards.put(kind, kind.cast(Settings.once(kind.name(), guards.get(kind), guard)));
            return this;
        }

        private @Nullable Object given(String kindName) {
            return guards.entrySet().stream().filter(entry -> entry.getKey().name().equals(kindName))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
        }

        /**
         * The retry, outermost.
         *
         * @param retry the retry
         * @return this builder
         */
        public Builder retry(Retry retry) {
            return guard(GuardKind.RETRY, retry);
        }

        /**
         * The rate limiter, inside the breaker.
         *
         * @param rateLimiter the rate limiter
         * @return this builder
         */
        public Builder rateLimiter(RateLimiter rateLimiter) {
            return guard(GuardKind.RATE_LIMITER, rateLimiter);
        }

        /**
         * The circuit breaker, inside the retry.
         *
         * @param circuitBreaker the breaker
         * @return this builder
         */
        public Builder circuitBreaker(CircuitBreaker circuitBreaker) {
            return guard(GuardKind.CIRCUIT_BREAKER, circuitBreaker);
        }

        /**
         * The bulkhead that bounds concurrent calls on the callers' threads.
         *
         * @param bulkhead the bulkhead
         * @return this builder
         */
        public Builder bulkhead(Bulkhead bulkhead) {
            return guard(GuardKind.BULKHEAD, bulkhead);
        }

        /**
         * The thread pool the calls run on, instead of a bulkhead.
         *
         * @param threadPool the pool
         * @return this builder
         */
        public Builder threadPool(ThreadPoolBulkhead threadPool) {
            return guard(GuardKind.THREAD_POOL, threadPool);
        }

        /**
         * The timeout, inside the bulkhead or thread pool.
         *
         * @param timeout the timeout
         * @return this builder
         */
        public Builder timeout(Timeout timeout) {
            return guard(GuardKind.TIMEOUT, timeout);
        }

        /**
         * Sheds this compartment's calls while the heap is too short for its criticality: the
         * outermost check, before any guard is touched.
         *
         * @param heapPressure the signal
         * @return this builder
         */
        public Builder shedUnder(HeapPressure heapPressure) {
            return guard(GuardKind.HEAP_PRESSURE, heapPressure);
        }

        /**
         * How much the compartment's work matters when the heap is short; {@link Criticality#DEFAULT}
         * unless set.
         *
         * @param criticality the criticality
         * @return this builder
         */
        public Builder criticality(Criticality criticality) {
            this.criticality = Objects.requireNonNull(criticality, "criticality must not be null");
            return this;
        }

        /**
         * Holds the compartment to a CPU rate: while the compartment is over its budget, a call
         * waits (or is refused) before any other guard sees it, and the CPU time of the
         * compartment's synchronous calls is charged to it.
         *
         * @param cpuBudget the budget
         * @return this builder
         */
        public Builder cpuBudget(CpuBudget cpuBudget) {
            return guard(GuardKind.CPU_BUDGET, cpuBudget);
        }

        /**
         * Accounts the CPU time and bytes allocated by the compartment's synchronous calls, shown
         * in its {@link CompartmentStats#resources() stats}.
         *
         * @param meter the meter
         * @return this builder
         */
        public Builder meter(ResourceMeter meter) {
            return guard(GuardKind.RESOURCE_METER, meter);
        }

        /**
         * Builds the compartment.
         *
         * @return the compartment
         */
        public Compartment build() {
            return new GuardStack(name, guards, criticality);
        }
    }
}
