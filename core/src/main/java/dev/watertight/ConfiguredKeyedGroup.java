package dev.watertight;

import dev.watertight.internal.BoundedKeyedCompartments;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * be built from the old template while a change is made; it cannot miss the change. {@link #build}
 * remembers in {@code builtFrom} the template it read from {@code config}. The change writes
 * {@code config} (volatile) before it lists the live compartments, and the builder publishes its
 * compartment before {@link #settle} reads {@code config}: so either the list holds the new
 * compartment, or {@code settle} sees a template other than the one it was built from and, under
 * the lock, reconfigures it to the newest. A key built from the current template (every key built
 * outside a change) takes no lock. Reconfiguring a guard to the settings it already has changes
 * nothing, so seeing it twice is harmless. Thread-safe.
 */
final class ConfiguredKeyedGroup {
    private final BoundedKeyedCompartments<String> group;
    private final CompartmentListener listener;
    private final ReentrantLock reconfiguring = new ReentrantLock();
    private volatile KeyedCompartmentsConfig config;
    /** The template each compartment was built from, from its build until its settle (same thread). */
    private final Map<Compartment, CompartmentConfig> builtFrom = new ConcurrentHashMap<>();

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
        Compartment built = ConfiguredGuards.build(current.template(), listener, current.name() + "/" + key);
        builtFrom.put(built, current.template());
        return built;
    }

    /** Called once a key's compartment is published, before its first call. */
    private void settle(Compartment built) {
        CompartmentConfig template = builtFrom.remove(built);
        if (template == config.template()) {
            return; // built from the template in force; a later change will find it in the live list
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
     * settings kept as built).
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
