package dev.watertight;

import dev.watertight.internal.BoundedKeyedCompartments;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A group of per-key compartments that a {@link CompartmentRegistry} built from a
 * {@link KeyedCompartmentsConfig}, and that takes a changed configuration in place.
 *
 * <p><b>What a reload changes.</b> The bounds ({@code maxKeys}, {@code idleAfter}) at once, for
 * the whole group (see {@link BoundedKeyedCompartments#resize}); the template's settings both for
 * keys built from then on and, in place, for every live key's compartment, exactly as a named
 * compartment's guards are changed: calls in flight keep their permits and threads, and a
 * smaller limit lets them finish. Nothing is evicted or rebuilt by a reload, so no key loses its
 * breaker state or its work. (Changing only new keys would leave the busiest keys, the ones never
 * idle long enough to be evicted, on the old limits for ever.)
 *
 * <p><b>Concurrency.</b> Changes are serialized by {@code reconfiguring}. A key's compartment may
 * be built from the old template while a change is made; it cannot miss the change: the change
 * writes {@code config} and {@code changedOnce} (volatile) before it lists the live compartments,
 * and the builder publishes its compartment before {@link #settle} reads {@code changedOnce}, so
 * either the list holds the new compartment or {@code settle} sees the change and, under the
 * lock, reconfigures it to the newest template. Reconfiguring a guard to the settings it already
 * has changes nothing, so seeing it twice is harmless. Thread-safe.
 */
final class ConfiguredKeyedGroup {
    private final BoundedKeyedCompartments<String> group;
    private final CompartmentListener listener;
    private final ReentrantLock reconfiguring = new ReentrantLock();
    private volatile KeyedCompartmentsConfig config;
    private volatile boolean changedOnce;

    ConfiguredKeyedGroup(KeyedCompartmentsConfig config, CompartmentListener listener) {
        this.config = config;
        this.listener = listener;
        this.group = new BoundedKeyedCompartments<>(config.name(), this::build, config.maxKeys(),
                config.idleAfter().toNanos(), TimeSource.system(), false, this::settle);
    }

    /** The group, keyed by {@code String}. */
    KeyedCompartments<String> group() {
        return group;
    }

    /** The settings in force. */
    KeyedCompartmentsConfig config() {
        return config;
    }

    private Compartment build(String key) {
        KeyedCompartmentsConfig current = config;
        return ConfiguredGuards.build(current.template(), listener, current.name() + "/" + key);
    }

    /** Called once a key's compartment is published, before its first call. */
    private void settle(Compartment built) {
        if (!changedOnce) {
            return; // built from the only template there has been
        }
        reconfiguring.lock();
        try {
            ConfiguredGuards.reconfigure(built, config.template());
        } finally {
            reconfiguring.unlock();
        }
    }

    /**
     * Applies a changed configuration, already checked to be applicable (same guards, same
     * fairness).
     *
     * @return one line per change
     */
    List<String> reconfigure(KeyedCompartmentsConfig next) {
        reconfiguring.lock();
        try {
            KeyedCompartmentsConfig was = config;
            String path = "keyed." + next.name();
            List<String> changes = new ArrayList<>();
            List<String> bounds = new ArrayList<>();
            if (was.maxKeys() != next.maxKeys()) {
                bounds.add("maxKeys " + was.maxKeys() + " -> " + next.maxKeys());
            }
            if (!was.idleAfter().equals(next.idleAfter())) {
                bounds.add("idleAfter " + was.idleAfter() + " -> " + next.idleAfter());
            }
            if (!bounds.isEmpty()) {
                changes.add(path + ": " + String.join(", ", bounds));
                group.resize(next.maxKeys(), next.idleAfter().toNanos());
            }
            List<String> template = ConfiguredGuards.templateChanges(path + ".template", was.template(), next.template());
            config = next;
            if (!template.isEmpty()) {
                changedOnce = true;
                for (Compartment live : group.liveCompartments()) {
                    ConfiguredGuards.reconfigure(live, next.template());
                }
                changes.addAll(template);
            }
            return changes;
        } finally {
            reconfiguring.unlock();
        }
    }
}
