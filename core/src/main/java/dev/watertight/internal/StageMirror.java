package dev.watertight.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * The future a guard returns for asynchronous work: it completes as the work's stage does, after
 * the guard has recorded the outcome, and cancelling it cancels the work.
 *
 * <p>Cancellation reaches the work through {@code toCompletableFuture().cancel(...)}. A stage that
 * cannot be cancelled that way (one whose {@code toCompletableFuture()} throws, or returns a copy,
 * as {@code minimalCompletionStage()} does) keeps running; its outcome is still recorded when it
 * completes. Guards that hold something for the work (a bulkhead's permit) release it on the
 * stage's completion, not on this future's: the work holds it for as long as it runs.
 *
 * @param <T> the result type
 */
final class StageMirror<T> extends CompletableFuture<T> {
    private final CompletionStage<T> stage;

    private StageMirror(CompletionStage<T> stage) {
        this.stage = stage;
    }

    /**
     * Mirrors the stage.
     *
     * @param stage the work, already started
     * @param onOutcome runs first when the stage completes, with its value or failure
     * @param <T> the result type
     * @return the mirror
     */
    static <T> StageMirror<T> of(CompletionStage<T> stage, BiConsumer<? super T, ? super Throwable> onOutcome) {
        StageMirror<T> mirror = new StageMirror<>(stage);
        stage.whenComplete((value, failure) -> {
            try {
                onOutcome.accept(value, failure);
            } finally {
                if (failure == null) {
                    mirror.complete(value);
                } else {
                    mirror.completeExceptionally(failure);
                }
            }
        });
        return mirror;
    }

    /** Cancels this future and, if it can, the work. */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        cancelWork(mayInterruptIfRunning);
        return cancelled;
    }

    /**
     * Cancels the work, if it is not done and can be cancelled.
     *
     * @param mayInterruptIfRunning passed on to the work's future
     */
    void cancelWork(boolean mayInterruptIfRunning) {
        try {
            CompletableFuture<T> work = stage.toCompletableFuture();
            if (!work.isDone()) {
                work.cancel(mayInterruptIfRunning);
            }
        } catch (UnsupportedOperationException cannotCancel) {
            // the work runs on; its outcome is recorded when it completes
        }
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }
}
