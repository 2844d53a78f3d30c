package dev.watertight.internal;

import org.jspecify.annotations.Nullable;

/**
 * Writes JSON values by hand, for the few reports core prints without a library (RFC 8259).
 * Strings are escaped completely: quotes, backslashes and every control character, and the line
 * and paragraph separators U+2028 and U+2029 so that the text can also sit inside JavaScript.
 */
public final class Json {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Json() {}

    /**
     * Appends a string, quoted and escaped, or {@code null}.
     *
     * @param out where to write
     * @param value the string, or null
     * @return {@code out}
     */
    public static StringBuilder string(StringBuilder out, @Nullable String value) {
        if (value == null) {
            return out.append("null");
        }
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF])
                                .append(HEX[c >> 4 & 0xF]).append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }

    /**
     * Appends a number, or {@code null} for null, NaN and the infinities, which JSON cannot hold.
     *
     * @param out where to write
     * @param value the number, or null
     * @return {@code out}
     */
    public static StringBuilder number(StringBuilder out, @Nullable Double value) {
        if (value == null || value.isNaN() || value.isInfinite()) {
            return out.append("null");
        }
        return out.append(value.doubleValue()); // Double.toString: digits, '.', and 'E' exponents, all valid JSON
    }
}
