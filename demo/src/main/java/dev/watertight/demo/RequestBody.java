package dev.watertight.demo;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;

/**
 * A request's JSON object, read strictly: malformed JSON, a body that is not an object, a missing
 * field or one of the wrong type is the client's mistake, an {@link ApiException} with 400 naming
 * the field and what was expected.
 */
final class RequestBody {
    private final JsonNode object;

    private RequestBody(JsonNode object) {
        this.object = object;
    }

    static RequestBody parse(ObjectMapper json, String text) {
        if (text == null || text.isBlank()) {
            throw ApiException.badRequest("the request needs a JSON object as its body");
        }
        JsonNode node;
        try {
            node = json.readTree(text);
        } catch (JacksonException malformed) {
            throw ApiException.badRequest("malformed JSON: " + malformed.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("the body must be a JSON object, was " + (node == null ? "empty" : node.getNodeType()));
        }
        return new RequestBody(node);
    }

    /** The object itself, for optional fields. */
    JsonNode object() {
        return object;
    }

    String text(String field, int maxLength) {
        JsonNode value = required(field);
        if (!value.isTextual()) {
            throw wrongType(field, "a string", value);
        }
        String text = value.asText().strip();
        if (text.isEmpty() || text.length() > maxLength) {
            throw ApiException.badRequest("field '" + field + "' must have 1 to " + maxLength + " characters, had " + text.length());
        }
        return text;
    }

    long id(String field) {
        JsonNode value = required(field);
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 1) {
            throw wrongType(field, "a positive whole number", value);
        }
        return value.asLong();
    }

    BigDecimal amount(String field, BigDecimal max) {
        JsonNode value = required(field);
        if (!value.isNumber()) {
            throw wrongType(field, "a number", value);
        }
        BigDecimal amount = value.decimalValue();
        if (amount.signum() <= 0 || amount.compareTo(max) > 0 || amount.scale() > 2) {
            throw ApiException.badRequest("field '" + field + "' must be above 0 and at most " + max.toPlainString()
                    + ", with at most 2 decimals, was " + amount.toPlainString());
        }
        return amount;
    }

    private JsonNode required(String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            throw ApiException.badRequest("missing field '" + field + "'");
        }
        return value;
    }

    private static ApiException wrongType(String field, String expected, JsonNode value) {
        String shown = value.toString();
        return ApiException.badRequest("field '" + field + "' must be " + expected + ", was "
                + (shown.length() > 40 ? shown.substring(0, 40) + "..." : shown));
    }
}
