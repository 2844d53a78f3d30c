package dev.watertight;

import dev.watertight.internal.Settings;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings of a group of per-key compartments ({@link KeyedCompartments}) as a configuration
 * file describes it: its bounds and the template every key's compartment is built from. A
 * {@link CompartmentRegistry} builds the group, keyed by {@code String}, and finds it by
 * {@link CompartmentRegistry#keyed(String) name}.
 *
 * <p>Each key's compartment is named {@code group/key} (its stats say so); its guards are named
 * after the group, so that their events collect under one name however many keys come and go.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the group's name
 * @param maxKeys the most live compartments, from 1 to {@value KeyedCompartments#MAX_KEYS_LIMIT}
 * @param idleAfter how long a compartment with nothing in flight is kept, positive
 * @param template the settings of every key's compartment; its name is the group's
 */
public record KeyedCompartmentsConfig(String name, int maxKeys, Duration idleAfter, CompartmentConfig template) {

    /** Checks the bounds, as {@link KeyedCompartments.Builder} does, and that the template is the group's. */
    public KeyedCompartmentsConfig {
        Settings.name(name);
        Settings.between("maxKeys", maxKeys, 1, KeyedCompartments.MAX_KEYS_LIMIT);
        Settings.positive("idleAfter", idleAfter);
        Objects.requireNonNull(template, "template must not be null");
        if (!template.name().equals(name)) {
            throw new IllegalArgumentException("the template of group '" + name + "' is named '" + template.name()
                    + "'; it must bear the group's name");
        }
    }
}
