package io.atrium.server.edge;

/**
 * An error answered to an HTTP client: status, a stable machine code, a message for people and,
 * for bad input, the JSON path of the offending field. Rendered by {@link ErrorMapper} as
 * {@code {"error":{"code":…,"message":…,"field":…}}}.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final String field;

    public ApiException(int status, String code, String message, String field) {
        super(message);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    public static ApiException badField(String field, String message) {
        return new ApiException(400, "invalid_field", message, field);
    }

    public static ApiException badRequest(String code, String message) {
        return new ApiException(400, code, message, null);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message, null);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthorized", message, null);
    }

    public static ApiException conflict(String field, String message) {
        return new ApiException(409, "conflict", message, field);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }
}
