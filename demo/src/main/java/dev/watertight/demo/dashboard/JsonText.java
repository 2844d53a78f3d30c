package dev.watertight.demo.dashboard;

import java.time.Duration;
import java.util.BitSet;

/**
 * Writes one JSON document by hand (RFC 8259), putting the commas where they belong, so that the
 * snapshot needs no JSON library. Strings are escaped completely: quotes, backslashes, every
 * control character, and U+2028 and U+2029 so the text may also sit inside a script. Numbers that
 * JSON cannot hold (NaN, the infinities) are written as {@code null}.
 *
 * <p>Not thread-safe: one writer per document.
 */
final class JsonText {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder out = new StringBuilder(4096);
    // Bit d is set once the container open at depth d holds a value: the next one needs a comma.
    private final BitSet filled = new BitSet();
    private int depth;
    private boolean afterName;

    JsonText beginObject() {
        beforeValue();
        out.append('{');
        filled.clear(++depth);
        return this;
    }

    JsonText endObject() {
        depth--;
        out.append('}');
        return this;
    }

    JsonText beginArray() {
        beforeValue();
        out.append('[');
        filled.clear(++depth);
        return this;
    }

    JsonText endArray() {
        depth--;
        out.append(']');
        return this;
    }

    /** Starts a member of the object being written; the next value is its value. */
    JsonText name(String name) {
        beforeValue();
        quote(name);
        out.append(':');
        afterName = true;
        return this;
    }

    JsonText value(String value) {
        beforeValue();
        if (value == null) {
            out.append("null");
        } else {
            quote(value);
        }
        return this;
    }

    JsonText value(long value) {
        beforeValue();
        out.append(value);
        return this;
    }

    JsonText value(Double value) {
        beforeValue();
        if (value == null || value.isNaN() || value.isInfinite()) {
            out.append("null");
        } else {
            out.append(value.doubleValue()); // digits, '.', 'E': all valid JSON
        }
        return this;
    }

    /** A duration as milliseconds with a fraction, or null. */
    JsonText millis(Duration value) {
        return value(value == null ? null : value.toNanos() / 1e6);
    }

    JsonText value(Enum<?> value) {
        return value(value == null ? null : value.name());
    }

    JsonText nullValue() {
        beforeValue();
        out.append("null");
        return this;
    }

    /** A value that is already JSON text, written as it is. */
    JsonText raw(String json) {
        beforeValue();
        out.append(json);
        return this;
    }

    JsonText field(String name, String value) {
        return name(name).value(value);
    }

    JsonText field(String name, long value) {
        return name(name).value(value);
    }

    JsonText field(String name, Double value) {
        return name(name).value(value);
    }

    JsonText field(String name, Enum<?> value) {
        return name(name).value(value);
    }

    JsonText millisField(String name, Duration value) {
        return name(name).millis(value);
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private void beforeValue() {
        if (afterName) {
            afterName = false; // a member's value follows its name without a comma
            return;
        }
        if (depth > 0 && filled.get(depth)) {
            out.append(',');
        }
        filled.set(depth);
    }

    private void quote(String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
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
        out.append('"');
    }
}
