package dev.watertight.internal;

import dev.watertight.CompartmentListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Checks of configuration values. Every failure is an {@link IllegalArgumentException} whose
 * message names the setting, the bad value and what is allowed, so a mistake in a builder or a
 * configuration file can be fixed from the message alone.
 */
public final class Settings {
    /** Longest accepted compartment name; names end up in thread names and metric tags. */
    public static final int MAX_NAME_LENGTH = 128;

    private Settings() {}

    /**
     * A compartment name: 1 to 128 characters, not blank, no control characters.
     *
     * @param name the name to check
     * @return the name
     */
    public static String name(String name) {
        if (name == null || name.isBlank() || name.length() > MAX_NAME_LENGTH
                || name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("name must be 1 to " + MAX_NAME_LENGTH
                    + " characters, not blank and without control characters, was "
                    + (name == null ? "null" : "'" + name + "'"));
        }
        return name;
    }

    /**
     * An int of at least {@code min}.
     *
     * @param setting the setting's name
     * @param value the value to check
     * @param min the smallest allowed value
     * @return the value
     */
    public static int atLeast(String setting, int value, int min) {
        return between(setting, value, min, Integer.MAX_VALUE);
    }

    /**
     * An int from {@code min} to {@code max}, both included.
     *
     * @param setting the setting's name
     * @param value the value to check
     * @param min the smallest allowed value
     * @param max the largest allowed value
     * @return the value
     */
    public static int between(String setting, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    setting + " must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }

    /**
     * A duration of zero or more that fits in a {@code long} of nanoseconds.
     *
     * @param setting the setting's name
     * @param value the value to check
     * @return the value
     */
    public static Duration nonNegative(String setting, Duration value) {
        return duration(setting, value, false);
    }

    /**
     * A positive duration that fits in a {@code long} of nanoseconds.
     *
     * @param setting the setting's name
     * @param value the value to check
     * @return the value
     */
    public static Duration positive(String setting, Duration value) {
        return duration(setting, value, true);
    }

    private static Duration duration(String setting, Duration value, boolean positive) {
        String allowed = (positive ? "a positive duration" : "zero or a positive duration")
                + " of at most " + Long.MAX_VALUE + " ns (about 292 years)";
        if (value == null) {
            throw new IllegalArgumentException(setting + " must be " + allowed + ", was null");
        }
        boolean tooSmall = positive ? value.isNegative() || value.isZero() : value.isNegative();
        if (tooSmall || value.compareTo(Duration.ofNanos(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException(setting + " must be " + allowed + ", was " + value);
        }
        return value;
    }

    /**
     * An immutable copy of a list of listeners without nulls.
     *
     * @param listeners the listeners
     * @return the copy
     */
    public static List<CompartmentListener> listeners(List<CompartmentListener> listeners) {
        Objects.requireNonNull(listeners, "listeners must not be null");
        if (listeners.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("listeners must not contain null, was " + listeners);
        }
        return List.copyOf(listeners);
    }

    /**
     * A percentage: more than 0 and at most 100.
     *
     * @param setting the setting's name
     * @param percent the value to check
     * @return the value
     */
    public static double percent(String setting, double percent) {
        if (!(percent > 0 && percent <= 100)) {
            throw new IllegalArgumentException(
                    setting + " must be a percentage more than 0 and at most 100, was " + percent);
        }
        return percent;
    }

    /**
     * A double from {@code min} to {@code max}, both included.
     *
     * @param setting the setting's name
     * @param value the value to check
     * @param min the smallest allowed value
     * @param max the largest allowed value
     * @return the value
     */
    public static double doubleBetween(String setting, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(
                    setting + " must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }

    /**
     * A duration from {@code min} to {@code max}, both included.
     *
     * @param setting the setting's name
     * @param value the value to check
     * @param min the shortest allowed
     * @param max the longest allowed
     * @return the value
     */
    public static Duration durationBetween(String setting, Duration value, Duration min, Duration max) {
        if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(
                    setting + " must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }

    /**
     * A duration times a factor, saturating at {@link Long#MAX_VALUE} nanoseconds.
     *
     * @param duration the duration
     * @param factor the factor, at least 1
     * @return the product, never overflowing
     */
    public static Duration saturatingTimes(Duration duration, double factor) {
        double nanos = duration.toNanos() * factor;
        return nanos >= Long.MAX_VALUE ? Duration.ofNanos(Long.MAX_VALUE) : Duration.ofNanos((long) nanos);
    }

    /**
     * A guard given to a builder: not null, and not given before.
     *
     * @param setting the setting's name
     * @param current what the builder holds already, or null
     * @param value the new value
     * @param <T> the guard's type
     * @return the value
     */
    public static <T> T once(String setting, @Nullable T current, T value) {
        if (value == null) {
            throw new IllegalArgumentException(setting + " must not be null");
        }
        if (current != null) {
            throw new IllegalArgumentException(setting + " may be set once, was already " + current);
        }
        return value;
    }

    /**
     * Checks that a setting that excludes another is not combined with it.
     *
     * @param setting the setting being set
     * @param other the setting it excludes
     * @param otherValue the other's value, or null if unset
     */
    public static void absent(String setting, String other, @Nullable Object otherValue) {
        if (otherValue != null) {
            throw new IllegalArgumentException(setting + " cannot be combined with " + other
                    + " (already set to " + otherValue + "); choose one");
        }
    }

    /**
     * A list of listeners with one more at the end.
     *
     * @param listeners the listeners so far
     * @param listener the one to add
     * @return a new unmodifiable list
     */
    public static List<CompartmentListener> withListener(List<CompartmentListener> listeners, CompartmentListener listener) {
        ArrayList<CompartmentListener> all = new ArrayList<>(listeners);
        all.add(Objects.requireNonNull(listener, "listener must not be null"));
        return List.copyOf(all);
    }
}
