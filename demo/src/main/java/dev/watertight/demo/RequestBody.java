package dev.watertight.demo;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/**
 * A request's JSON object, read strictly, before anything else is done with it: malformed JSON,
 * trailing data after the object, a duplicate key, {@code NaN} or {@code Infinity}, a body that
 * is not an object, an unknown field, a missing field or one of the wrong type is the client's
 * mistake, an {@link ApiException} with 400 naming the field, the value and what is allowed; a
 * well-formed value out of range (a number too large for its field, say) is 422. Numbers are
 * read exactly ({@link BigDecimal}, {@link java.math.BigInteger}), so {@code 1e309} or
 * {@code 18446744073709551716} is a value out of range, never an infinity or a wrapped long.
 */
final class RequestBody {
    /** The mapper requests are read with: strict, exact numbers. Thread-safe. */
    static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final JsonNode object;

    private RequestBody(JsonNode object) {
        this.object = object;
    }

    /**
     * Reads a request's body.
     *
     * @param text the body
     * @param fields the fields the request may have; any other is refused
     */
    static RequestBody parse(String text, Set<String> fields) {
        if (text == null || text.isBlank()) {
            throw ApiException.badRequest("the request needs a JSON object as its body");
        }
        JsonNode node;
        try {
            node = STRICT.readTree(text);
        } catch (JacksonException malformed) {
            throw ApiException.badRequest("malformed JSON: " + malformed.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("the body must be a JSON object, was " + (node == null ? "empty" : node.getNodeType()));
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw new ApiException(400, "unknown field '" + shorten(name) + "'; this request takes " + new TreeSet<>(fields),
                        shorten(name), null, "one of " + new TreeSet<>(fields));
            }
        }
        return new RequestBody(node);
    }

    /** Whether the field is given (and not null). */
    boolean has(String field) {
        JsonNode value = object.get(field);
        return value != null && !value.isNull();
    }

    String text(String field, int maxLength) {
        JsonNode value = required(field);
        if (!value.isTextual()) {
            throw ApiException.badField(field, shown(value), "a string");
        }
        String text = value.asText().strip();
        if (text.isEmpty() || text.length() > maxLength) {
            throw ApiException.badField(field, text.length() + " characters", "1 to " + maxLength + " characters long");
        }
        return text;
    }

    long id(String field) {
        JsonNode value = required(field);
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 1) {
            throw ApiException.badField(field, shown(value), "a positive whole number");
        }
        return value.asLong();
    }

    /** A whole number from {@code min} to {@code max}: 400 if not a whole number, 422 if out of range. */
    long whole(String field, long min, long max) {
        JsonNode value = required(field);
        String allowed = "a whole number from " + min + " to " + max;
        if (!value.isIntegralNumber()) {
            throw ApiException.badField(field, shown(value), allowed);
        }
        if (!value.canConvertToLong() || value.asLong() < min || value.asLong() > max) {
            throw ApiException.unacceptable(field, shown(value), allowed);
        }
        return value.asLong();
    }

    /** A number from {@code min} to {@code max}: 400 if not a number, 422 if out of range. */
    BigDecimal decimal(String field, BigDecimal min, BigDecimal max) {
        JsonNode value = required(field);
        String allowed = "a number from " + min.toPlainString() + " to " + max.toPlainString();
        if (!value.isNumber()) {
            throw ApiException.badField(field, shown(value), allowed);
        }
        BigDecimal number = value.decimalValue();
        if (number.compareTo(min) < 0 || number.compareTo(max) > 0) {
            throw ApiException.unacceptable(field, shown(value), allowed);
        }
        return number;
    }

    /** An amount of money: above 0, at most {@code max}, at most 2 decimals. */
    BigDecimal amount(String field, BigDecimal max) {
        JsonNode value = required(field);
        String allowed = "a number above 0 and at most " + max.toPlainString() + ", with at most 2 decimals";
        if (!value.isNumber()) {
            throw ApiException.badField(field, shown(value), allowed);
        }
        BigDecimal amount = value.decimalValue();
        if (amount.signum() <= 0 || amount.compareTo(max) > 0 || amount.stripTrailingZeros().scale() > 2) {
            throw ApiException.unacceptable(field, shown(value), allowed);
        }
        return amount.scale() < 0 ? amount.setScale(0) : amount;
    }

    private JsonNode required(String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            throw new ApiException(400, "missing field '" + field + "'", field, null, "required");
        }
        return value;
    }

    private static String shown(JsonNode value) {
        return shorten(value.isNumber() ? value.numberValue().toString() : value.toString());
    }

    private static String shorten(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}
