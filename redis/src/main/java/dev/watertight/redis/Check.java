package dev.watertight.redis;

import java.time.Duration;

/**
 * Checks of the settings of this module, in the words of core's settings checks: every failure is
 * an {@link IllegalArgumentException} naming the setting, the bad value and what is allowed.
 * (Core's own helpers live in its internal package, which its module does not export.)
 */
final class Check {
    private Check() {}

    /** A compartment name that can sit inside a Redis Cluster hash tag. */
    static String name(String name) {
        if (name == null || name.isBlank() || name.length() > 128
                || name.chars().anyMatch(c -> Character.isISOControl(c) || c == '{' || c == '}')) {
            throw new IllegalArgumentException("name must be 1 to 128 characters, not blank, without"
                    + " control characters and without '{' or '}' (it becomes a Redis hash tag), was "
                    + (name == null ? "null" : "'" + name + "'"));
        }
        return name;
    }

    static String keyPrefix(String prefix) {
        if (prefix == null || prefix.length() > 128
                || prefix.chars().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c)
                        || c == '{' || c == '}')) {
            throw new IllegalArgumentException("keyPrefix must be at most 128 characters without"
                    + " spaces, control characters, '{' or '}', was "
                    + (prefix == null ? "null" : "'" + prefix + "'"));
        }
        return prefix;
    }

    static int atLeast(String setting, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(
                    setting + " must be between " + min + " and " + Integer.MAX_VALUE + ", was " + value);
        }
        return value;
    }

    /** A duration from {@code min} to {@code max}, both included, whole milliseconds or not. */
    static Duration between(String setting, Duration value, Duration min, Duration max) {
        if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(setting + " must be between " + min + " and " + max
                    + ", was " + value);
        }
        return value;
    }

    static <T> T notNull(String setting, T value) {
        if (value == null) {
            throw new IllegalArgumentException(setting + " must not be null");
        }
        return value;
    }
}
