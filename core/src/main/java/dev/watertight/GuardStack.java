package dev.watertight;

import dev.watertight.internal.Layer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A {@link Compartment}: its guards' layers chained in the one documented order, read from each
 * {@link GuardKind}'s places. A call goes through the outermost layer, which hands it to the next
 * through its guard's own public entry point, so the stack behaves exactly as the guards do
 * alone, and a call the outer guards refuse never reaches the inner ones.
 *
 * <p>There are two chains, built once: the synchronous one, and the asynchronous one, where the
 * timeout sits outside the isolation (see {@link GuardKind}) and the layers that measure a
 * call's CPU time and allocations, which only a synchronous call's thread can measure, pass the
 * work through.
 *
 * <p>Thread-safe: everything here is final and set when built; the guards are thread-safe.
 */
final class GuardStack implements Compartment {
    private final String name;
    /** The guards by kind, in the order of their outermost places. */
    private final Map<GuardKind<?, ?, ?>, Object> guards;
    private final Layer sync;
    private final Layer async;
    private final String order;

    /**
     * Stacks the guards.
     *
     * @param name the compartment's name
     * @param guards the guards by kind, each of its kind's type (as the builder checked)
     * @param criticality the compartment's criticality, for shedding
     */
    GuardStack(String name, Map<GuardKind<?, ?, ?>, Object> guards, Criticality criticality) {
        this.name = name;
        GuardKind.StackContext context = new GuardKind.StackContext(name, criticality);
        List<Part> parts = new ArrayList<>();
        guards.forEach((kind, guard) -> addParts(kind, guard, parts));
        List<GuardKind<?, ?, ?>> kinds = new ArrayList<>(guards.keySet());
        kinds.sort(Comparator.comparingInt(GuardKind::rank));
        Map<GuardKind<?, ?, ?>, Object> ordered = new LinkedHashMap<>();
        kinds.forEach(kind -> ordered.put(kind, Objects.requireNonNull(guards.get(kind))));
        this.guards = Collections.unmodifiableMap(ordered);
        this.sync = chain(parts, Part::rank, context);
        this.async = chain(parts, Part::asyncRank, context);
        List<String> shown = new ArrayList<>();
        parts.stream().sorted(Comparator.comparingInt(Part::rank))
                .map(part -> part.describe(context))
                .filter(Objects::nonNull)
                .forEach(shown::add);
        shown.add("call");
        this.order = String.join(" -> ", shown);
    }

    /** One place of one guard: its kind's placement with the guard itself. */
    private record Part(GuardKind.Placement<Object> placement, Object guard) {
        int rank() {
            return placement.rank();
        }

        int asyncRank() {
            return placement.asyncRank();
        }

        Layer wrap(GuardKind.StackContext context, Layer inner) {
            return placement.factory().wrap(guard, context, inner);
        }

        @org.jspecify.annotations.Nullable String describe(GuardKind.StackContext context) {
            GuardKind.Describer<Object> describer = placement.describer();
            return describer == null ? null : describer.describe(guard, context);
        }
    }

    @SuppressWarnings("unchecked") // the guard was checked to be of G by the builder (kind.cast)
    private static <G> void addParts(GuardKind<G, ?, ?> kind, Object guard, List<Part> parts) {
        for (GuardKind.Placement<G> placement : kind.placements()) {
            parts.add(new Part((GuardKind.Placement<Object>) (GuardKind.Placement<?>) placement, kind.cast(guard)));
        }
    }

    /** The chain of the parts that have a place in it (a rank of zero or more), outermost first. */
    private static Layer chain(List<Part> parts, java.util.function.ToIntFunction<Part> rank,
            GuardKind.StackContext context) {
        List<Part> placed = parts.stream().filter(part -> rank.applyAsInt(part) >= 0)
                .sorted(Comparator.comparingInt(rank)).toList();
        Layer layer = Layer.TASK;
        for (int i = placed.size() - 1; i >= 0; i--) {
            layer = placed.get(i).wrap(context, layer);
        }
        return layer;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public <T> T call(Callable<? extends T> task) throws Exception {
        Objects.requireNonNull(task, "task");
        return sync.call(task);
    }

    @Override
    public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task) {
        Objects.requireNonNull(task, "task");
        return async.callAsync(task);
    }

    @Override
    public CompartmentStats stats() {
        Map<GuardKind<?, ?, ?>, Object> stats = new LinkedHashMap<>();
        guards.forEach((kind, guard) -> addStats(kind, guard, stats));
        return new CompartmentStats(name, stats);
    }

    private static <G> void addStats(GuardKind<G, ?, ?> kind, Object guard, Map<GuardKind<?, ?, ?>, Object> stats) {
        Object snapshot = kind.snapshot(kind.cast(guard));
        if (snapshot != null) {
            stats.put(kind, snapshot);
        }
    }

    @Override
    public <G> Optional<G> guard(GuardKind<G, ?, ?> kind) {
        Object guard = guards.get(kind);
        return guard == null ? Optional.empty() : Optional.of(kind.cast(guard));
    }

    @Override
    public String toString() {
        return "Compartment[" + name + ": " + order + "]";
    }
}
