package dev.watertight.config;

import dev.watertight.Backoff;
import dev.watertight.GuardKind;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the scalar values a configuration file holds: whole numbers, decimals, shares
 * ({@code 80%} or {@code 0.8}), booleans,
 * durations ({@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h}, {@code 1d} or ISO-8601
 * {@code PT2S}) and sizes in bytes ({@code 100MB}, {@code 512KB}, {@code 2GB}, powers of 1024, or
 * a plain number of bytes). Each method throws an {@link IllegalArgumentException} whose message
 * says what was expected.
 */
final class Values {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KB|KiB|MB|MiB|GB|GiB|TB|TiB)?", Pattern.CASE_INSENSITIVE);

    private Values() {}

    /**
     * Reads a value of a guard's setting, of the type the setting says.
     *
     * @param type the setting's type
     * @param text the text as written
     * @return an Integer, Double, Boolean, Duration or Backoff
     * @throws IllegalArgumentException saying what is wrong and what is allowed
     */
    static Object of(GuardKind.ValueType type, String text) {
        return switch (type) {
            case WHOLE_NUMBER -> wholeNumber(text);
            case DECIMAL -> decimal(text);
            case BOOLEAN -> bool(text);
            case DURATION -> duration(text);
            // `backoff: none` or `backoff: 200ms`; the exponential form is a mapping, read by ConfigReader.
            case BACKOFF -> text.strip().equals("none") ? Backoff.none() : Backoff.fixed(duration(text));
        };
    }

    static int wholeNumber(String text) {
        try {
            return Integer.parseInt(text.strip().replace("_", ""));
        } catch (NumberFormatException notAnInt) {
            throw new IllegalArgumentException("expected a whole number, was '" + text + "'");
        }
    }

    static double decimal(String text) {
        try {
            double value = Double.parseDouble(text.strip().replace("_", ""));
            if (Double.isFinite(value)) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new IllegalArgumentException("expected a number, was '" + text + "'");
    }

    /**
     * A share of a whole: a percentage ({@code 80%}) or a fraction from 0 to 1 ({@code 0.8}). A
     * plain number above 1 is refused rather than guessed to be a percentage.
     */
    static double share(String text) {
        String value = text.strip();
        if (value.endsWith("%")) {
            try {
                double percent = Double.parseDouble(value.substring(0, value.length() - 1).strip().replace("_", ""));
                if (Double.isFinite(percent)) {
                    return percent / 100;
                }
            } catch (NumberFormatException notANumber) {
                // reported below
            }
        } else {
            try {
                double fraction = Double.parseDouble(value.replace("_", ""));
                if (Double.isFinite(fraction) && fraction <= 1) {
                    return fraction;
                }
            } catch (NumberFormatException notANumber) {
                // reported below
            }
        }
        throw new IllegalArgumentException("expected a percentage (80%) or a fraction from 0 to 1 (0.8), was '" + text + "'");
    }

    static boolean bool(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("expected true or false, was '" + text + "'");
        };
    }

    static Duration duration(String text) {
        String value = text.strip();
        Matcher matcher = DURATION.matcher(value);
        if (matcher.matches()) {
            double amount = Double.parseDouble(matcher.group(1));
            long unitNanos = switch (matcher.group(2)) {
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                default -> 86_400_000_000_000L;
            };
            double nanos = amount * unitNanos;
            if (nanos >= Long.MAX_VALUE) {
                throw new IllegalArgumentException("duration '" + text + "' is too long");
            }
            return Duration.ofNanos(Math.round(nanos));
        }
        if (value.startsWith("P") || value.startsWith("p")) {
            try {
                return Duration.parse(value);
            } catch (DateTimeParseException notIso) {
                // reported below
            }
        }
        throw new IllegalArgumentException("expected a duration with a unit (250ms, 2s, 5m, 1h, 1d or PT2S), was '" + text + "'");
    }

    static long bytes(String text) {
        Matcher matcher = SIZE.matcher(text.strip().replace("_", ""));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("expected a size in bytes (e.g. 100MB, 512KB, 2GB or 1048576), was '" + text + "'");
        }
        String unit = matcher.group(2) == null ? "B" : matcher.group(2).toUpperCase(Locale.ROOT).replace("I", "");
        int shift = switch (unit) {
            case "KB" -> 10;
            case "MB" -> 20;
            case "GB" -> 30;
            case "TB" -> 40;
            default -> 0;
        };
        try {
            long amount = Long.parseLong(matcher.group(1));
            if (amount > Long.MAX_VALUE >> shift) {
                throw new NumberFormatException();
            }
            return amount << shift;
        } catch (NumberFormatException tooLarge) {
            throw new IllegalArgumentException("size '" + text + "' is too large");
        }
    }
}
