package dev.watertight;

import dev.watertight.internal.BoundedKeyedCompartments;
import dev.watertight.internal.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One {@link Compartment} per key (a tenant, a user, a partner), built from a template on the
 * key's first call, and evicted when it has been idle, so that the group stays bounded however
 * many keys come by:
 *
 * <pre>{@code
 * KeyedCompartments<String> tenants = KeyedCompartments.builder("tenants",
 *                 (String tenant) -> Compartment.builder("tenant-" + tenant)
 *                         .bulkhead(Bulkhead.of("tenant-" + tenant, 5))
 *                         .build())
 *         .maxKeys(10_000)
 *         .idleAfter(Duration.ofMinutes(10))
 *         .build();
 *
 * Invoice invoice = tenants.call(tenantId, () -> billing.invoice(order));
 * }</pre>
 *
 * <p>Registries of per-key guards that only grow are a known way to run out of memory (thousands
 * of keys, each with its own window and thread pool). Here the number of live compartments never
 * exceeds {@code maxKeys}:
 * <ul>
 *   <li>A compartment with no call in flight for {@code idleAfter} is evicted: on the way out of a
 *       call, at most once per quarter of {@code idleAfter}, the caller's thread sweeps the group
 *       (no background thread; a scheduler may call {@link #evictIdle()} instead). So an idle
 *       compartment lives between {@code idleAfter} and about {@code 1.25 × idleAfter}, as long as
 *       some call passes through the group.
 *   <li>When a new key arrives and the group is full, the idle-expired compartments go first;
 *       if there are none, about one sixteenth of {@code maxKeys} of the least recently used
 *       compartments with nothing in flight are evicted in one scan, so the cost of a scan is
 *       shared by the keys that follow it.
 *   <li>If every live compartment has work in flight, the new key's call is refused with a
 *       {@link KeyedCompartmentsFullException}: the bound is never exceeded, and nothing is
 *       dropped silently.
 * </ul>
 *
 * <p>A compartment with a call in flight (for {@link #callAsync}, until the future its
 * compartment returned completes) is never evicted, and an evicted compartment is {@linkplain Compartment#close() closed} (its
 * thread pool, if any) only after it can admit no more calls. A caller that finds its key's
 * compartment being evicted gets a fresh one from the template. Eviction loses the compartment's
 * state (its breaker's window, its rate limiter's tokens): a key that comes back starts afresh.
 * One edge: a compartment with a {@link Timeout} completes an asynchronous call's future at the
 * deadline while the cancelled work may still be stopping on its thread pool; if the compartment
 * is evicted in that moment, closing its pool cancels that work again, which changes nothing
 * for the caller, whose future has already failed.
 *
 * <p>The template runs on the caller's thread, outside any lock, at most once per live key:
 * callers that arrive for the same key while its compartment is being built wait for it. If the
 * template throws, its exception reaches the caller that ran it, no entry is left behind, and
 * the callers that waited try again (running the template themselves). The template should give
 * each key a compartment of its own, used only through this group.
 *
 * <p>Thread-safe.
 *
 * @param <K> the key type; keys are compared with {@code equals} and {@code hashCode}
 */
public interface KeyedCompartments<K> extends AutoCloseable {

    /** How many compartments a group keeps when {@link Builder#maxKeys(int)} is not set. */
    int DEFAULT_MAX_KEYS = 10_000;

    /** The largest accepted {@link Builder#maxKeys(int)}. */
    int MAX_KEYS_LIMIT = 10_000_000;

    /** How long a compartment may stay idle when {@link Builder#idleAfter(Duration)} is not set. */
    Duration DEFAULT_IDLE_AFTER = Duration.ofMinutes(10);

    /**
     * Starts building a group. Give the template's parameter a type, as in
     * {@code (String tenant) -> ...}, or the key type reads {@code Object}.
     *
     * @param name the group's name
     * @param template builds the compartment of a key on its first call; must not return null
     * @param <K> the key type
     * @return a builder with the default bounds
     */
    static <K> Builder<K> builder(String name, Function<? super K, ? extends Compartment> template) {
        return new Builder<>(name, template);
    }

    /** {@return the group's name} */
    String name();

    /**
     * Runs the task through the key's compartment, building it first if the key has none.
     *
     * @param key the key
     * @param task the call to the dependency
     * @param <T> the result type
     * @return what the task returned
     * @throws KeyedCompartmentsFullException if the key has no compartment and none can be
     *     evicted to make room
     * @throws CompartmentClosedException if the group is closed
     * @throws CompartmentRejectedException if a guard of the compartment refused the call
     * @throws InterruptedException if the caller was interrupted while another caller built the
     *     key's compartment
     * @throws Exception whatever the task threw, unchanged, or what the template threw
     */
    <T> T call(K key, Callable<? extends T> task) throws Exception;

    /**
     * Starts asynchronous work through the key's compartment, building it first if the key has
     * none (on the caller's thread). The compartment counts as in use until the work's stage
     * completes; cancelling the returned future cancels the work, as {@link Compartment#callAsync}
     * does.
     *
     * @param key the key
     * @param task starts the work and returns its stage
     * @param <T> the result type
     * @return a future of the result; it fails with a {@link KeyedCompartmentsFullException}, a
     *     {@link CompartmentClosedException}, what the template threw, or whatever the
     *     compartment's future fails with
     */
    <T> CompletableFuture<T> callAsync(K key, Supplier<? extends CompletionStage<T>> task);

    /**
     * The key's compartment, if it has a live one; never builds one, and does not count as a use.
     * The compartment may be evicted at any time after this returns: use it through the group.
     *
     * @param key the key
     * @return the compartment, or empty
     */
    Optional<Compartment> compartment(K key);

    /** {@return how many keys have a live compartment (including one being built), at most {@code maxKeys}} */
    int keys();

    /** {@return the group's bound on live compartments} */
    int maxKeys();

    /** {@return a snapshot of the group's counters} */
    KeyedCompartmentsStats stats();

    /**
     * The stats of every live compartment, in no particular order; at most {@code maxKeys} of them.
     *
     * @return the snapshots
     */
    List<CompartmentStats> snapshot();

    /**
     * Evicts now every compartment with nothing in flight that has been idle for
     * {@code idleAfter}, for a scheduler that wants idle compartments gone without waiting for
     * the next call. Calls do this themselves from time to time.
     *
     * @return how many compartments were evicted
     */
    int evictIdle();

    /**
     * Stops admissions (later calls fail with a {@link CompartmentClosedException}) and closes
     * every live compartment, as {@link Compartment#close()} does, whether or not it has work in
     * flight: a thread pool lets its work finish within its shutdown grace period. Idempotent.
     */
    @Override
    void close();

    /**
     * Builds a {@link KeyedCompartments}. Each setting is checked as it is set, and a bad value
     * fails at once with an {@link IllegalArgumentException} naming the setting, the value and
     * what is allowed. Not thread-safe; a builder may be reused.
     *
     * @param <K> the key type
     */
    final class Builder<K> {
        private final String name;
        private final Function<? super K, ? extends Compartment> template;
        private int maxKeys = DEFAULT_MAX_KEYS;
        private Duration idleAfter = DEFAULT_IDLE_AFTER;
        private TimeSource timeSource = TimeSource.system();
        private boolean writableStackTrace;

        private Builder(String name, Function<? super K, ? extends Compartment> template) {
            this.name = Settings.name(name);
            if (template == null) {
                throw new IllegalArgumentException("template must be a function from a key to a Compartment, was null");
            }
            this.template = template;
        }

        /**
         * The most live compartments the group keeps; {@value KeyedCompartments#DEFAULT_MAX_KEYS}
         * unless set.
         *
         * @param maxKeys from 1 to {@value KeyedCompartments#MAX_KEYS_LIMIT}
         * @return this builder
         */
        public Builder<K> maxKeys(int maxKeys) {
            this.maxKeys = Settings.between("maxKeys", maxKeys, 1, MAX_KEYS_LIMIT);
            return this;
        }

        /**
         * How long a compartment with nothing in flight is kept; 10 minutes unless set.
         *
         * @param idleAfter a positive duration
         * @return this builder
         */
        public Builder<K> idleAfter(Duration idleAfter) {
            this.idleAfter = Settings.positive("idleAfter", idleAfter);
            return this;
        }

        /**
         * Where the group reads the time that says how long a compartment has been idle; the
         * system's unless set. The group reads only its {@link TimeSource#coarseNanoTime() coarse}
         * clock.
         *
         * @param timeSource the time source
         * @return this builder
         */
        public Builder<K> timeSource(TimeSource timeSource) {
            this.timeSource = Objects.requireNonNull(timeSource, "timeSource must not be null");
            return this;
        }

        /**
         * Whether a {@link KeyedCompartmentsFullException} records its stack trace; off unless set,
         * since a stack trace costs microseconds.
         *
         * @param writableStackTrace whether to record it
         * @return this builder
         */
        public Builder<K> writableStackTrace(boolean writableStackTrace) {
            this.writableStackTrace = writableStackTrace;
            return this;
        }

        /**
         * Builds the group, with no compartment yet.
         *
         * @return the group
         */
        public KeyedCompartments<K> build() {
            return new BoundedKeyedCompartments<>(
                    name, template, maxKeys, idleAfter.toNanos(), timeSource, writableStackTrace);
        }
    }
}
