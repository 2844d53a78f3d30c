package dev.watertight.demo;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;

/**
 * JSON's own escapes, plus U+2028 and U+2029: JSON allows those two as they are, but a script
 * older than ES2019 reads them as line ends, so a document inlined in a {@code <script>} (the
 * storm's report inlines the snapshots) would break on a compartment's name holding one.
 * Immutable.
 */
final class ScriptSafeEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;

    /** The one instance: it holds no state. */
    static final ScriptSafeEscapes INSTANCE = new ScriptSafeEscapes();

    private static final SerializedString LINE_SEPARATOR = new SerializedString("\\u2028");
    private static final SerializedString PARAGRAPH_SEPARATOR = new SerializedString("\\u2029");

    private final int[] ascii = standardAsciiEscapesForJSON();

    private ScriptSafeEscapes() {}

    @Override
    public int[] getEscapeCodesForAscii() {
        return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
        return switch (ch) {
            case 0x2028 -> LINE_SEPARATOR;
            case 0x2029 -> PARAGRAPH_SEPARATOR;
            default -> null;
        };
    }
}
