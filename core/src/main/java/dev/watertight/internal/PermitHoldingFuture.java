package dev.watertight.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The future returned by {@code Bulkhead.callAsync}: it mirrors the supplied stage and gives the
 * bulkhead's permit back exactly once, when that stage completes in any way.
 *
 * <p>The permit is tied to the supplied stage, not to this future: the work holds the permit for
 * as long as it runs. Cancelling this future cancels the supplied stage through
 * {@code toCompletableFuture()}; the permit comes back once that stage has completed. A stage
 * that cannot be cancelled that way (one whose {@code toCompletableFuture()} throws, or returns a
 * copy, as {@code minimalCompletionStage()} does) keeps its permit until it completes.
 *
 * @param <T> the result type
 */
final class PermitHoldingFuture<T> extends CompletableFuture<T> {
    private final CompletionStage<T> stage;

    private PermitHoldingFuture(CompletionStage<T> stage) {
        this.stage = stage;
    }

    /**
     * Ties the permit to the stage and returns the future the caller sees.
     *
     * @param stage the work, already started
     * @param permit the permit the work holds
     * @param <T> the result type
     * @return a future that completes as the stage does, after the permit is given back
     */
    static <T> PermitHoldingFuture<T> holding(CompletionStage<T> stage, BulkheadPermit permit) {
        PermitHoldingFuture<T> future = new PermitHoldingFuture<>(stage);
        stage.whenComplete((value, failure) -> {
            permit.close(failure != null);
            if (failure == null) {
                future.complete(value);
            } else {
                future.completeExceptionally(failure);
            }
        });
        return future;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled) {
            try {
                stage.toCompletableFuture().cancel(mayInterruptIfRunning);
            } catch (UnsupportedOperationException notConvertible) {
                // The stage cannot be cancelled from here; its permit returns when it completes.
            }
        }
        return cancelled;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }
}
