package dev.watertight.demo.dashboard;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * Writes one JSON document with Jackson's streaming generator, in a fluent style that keeps the
 * snapshot's shape readable. Beyond what Jackson escapes, U+2028 and U+2029 are escaped too, so
 * the text may also sit inside a script. Numbers that JSON cannot hold (NaN, the infinities) are
 * written as {@code null}.
 *
 * <p>Not thread-safe: one writer per document.
 */
final class JsonText {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final CharacterEscapes SCRIPT_SAFE = new CharacterEscapes() {
        private static final long serialVersionUID = 1L;
        private final int[] ascii = standardAsciiEscapesForJSON();

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return ch == 0x2028 ? new SerializedString("\\u2028") : ch == 0x2029 ? new SerializedString("\\u2029") : null;
        }
    };

    private final StringWriter out = new StringWriter(4096);
    private final JsonGenerator json;

    JsonText() {
        try {
            json = FACTORY.createGenerator(out);
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        json.setCharacterEscapes(SCRIPT_SAFE);
    }

    /** One step of the generator; a StringWriter never fails. */
    private interface Step {
        void run() throws IOException;
    }

    private JsonText write(Step step) {
        try {
            step.run();
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return this;
    }

    JsonText beginObject() {
        return write(json::writeStartObject);
    }

    JsonText endObject() {
        return write(json::writeEndObject);
    }

    JsonText beginArray() {
        return write(json::writeStartArray);
    }

    JsonText endArray() {
        return write(json::writeEndArray);
    }

    /** Starts a member of the object being written; the next value is its value. */
    JsonText name(String name) {
        return write(() -> json.writeFieldName(name));
    }

    JsonText value(String value) {
        return write(() -> json.writeString(value)); // null is written as null
    }

    JsonText value(long value) {
        return write(() -> json.writeNumber(value));
    }

    JsonText value(Double value) {
        if (value == null || value.isNaN() || value.isInfinite()) {
            return nullValue();
        }
        return write(() -> json.writeNumber(value.doubleValue()));
    }

    /** A duration as milliseconds with a fraction, or null. */
    JsonText millis(Duration value) {
        return value(value == null ? null : value.toNanos() / 1e6);
    }

    JsonText value(Enum<?> value) {
        return value(value == null ? null : value.name());
    }

    JsonText nullValue() {
        return write(json::writeNull);
    }

    /** A value that is already JSON text, written as it is. */
    JsonText raw(String text) {
        return write(() -> json.writeRawValue(text));
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

    /** The document written so far. */
    @Override
    public String toString() {
        write(json::flush);
        return out.toString();
    }
}
