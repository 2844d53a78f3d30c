package dev.watertight.demo;

/**
 * A request the shop refuses as the client's mistake: 4xx with a JSON error naming the problem
 * and, when one field is at fault, {@code field}, the {@code value} given and what is
 * {@code allowed}.
 */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String field;
    private final String value;
    private final String allowed;

    ApiException(int status, String message, String field, String value, String allowed) {
        super(message, null, false, false); // the client's mistake: no stack trace to pay for
        this.status = status;
        this.field = field;
        this.value = value;
        this.allowed = allowed;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, message, null, null, null);
    }

    /** A field of the wrong shape (type, syntax): 400. */
    static ApiException badField(String field, String value, String allowed) {
        return new ApiException(400, "field '" + field + "' must be " + allowed + ", was " + value, field, value, allowed);
    }

    /** A well-formed field whose value the shop cannot accept (out of range): 422. */
    static ApiException unacceptable(String field, String value, String allowed) {
        return new ApiException(422, "field '" + field + "' must be " + allowed + ", was " + value, field, value, allowed);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, message, null, null, null);
    }

    int status() {
        return status;
    }

    /** The field at fault, or null. */
    String field() {
        return field;
    }

    /** The value given, as the client wrote it (shortened), or null. */
    String value() {
        return value;
    }

    /** What the field allows, or null. */
    String allowed() {
        return allowed;
    }
}
