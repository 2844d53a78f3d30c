package dev.watertight.internal;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * One guard's part of a compartment: it runs a call through its guard's own public entry point
 * and hands it to the layer inside it. A compartment is a chain of layers ending in
 * {@link #TASK}, which runs the task itself; each layer holds its inner layer in a final field,
 * so a compartment's chain is fixed when it is built and a call walks it without a lookup.
 *
 * <p>A layer that is innermost calls its guard with the task itself, without a lambda around it,
 * so a compartment with one guard costs what the guard costs alone.
 *
 * <p>Implementations are thread-safe: they hold their guard and their inner layer, nothing else.
 */
public interface Layer {

    /** The end of every chain: the task itself. */
    Layer TASK = new Layer() {
        @Override
        public <T> T call(Callable<? extends T> task) throws Exception {
            return task.call();
        }

        @Override
        public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task) {
            try {
                return Objects.requireNonNull(task.get(), "the task returned null instead of a CompletionStage")
                        .toCompletableFuture();
            } catch (Throwable failure) {
                return CompletableFuture.failedFuture(failure);
            }
        }

        @Override
        public String toString() {
            return "call";
        }
    };

    /**
     * Runs the task on this thread through this layer and the ones inside it.
     *
     * @param task the work
     * @param <T> its result's type
     * @return what the task returned
     * @throws Exception a refusal of a guard, or whatever the task threw
     */
    <T> T call(Callable<? extends T> task) throws Exception;

    /**
     * Starts asynchronous work through this layer and the ones inside it.
     *
     * @param task starts the work and returns its stage
     * @param <T> its result's type
     * @return a future that completes as the work does, or fails with a guard's refusal
     */
    <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task);
}
