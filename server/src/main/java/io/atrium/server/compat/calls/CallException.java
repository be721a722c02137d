package io.atrium.server.compat.calls;

/**
 * An error of the call API, answered as {@code {"error": message, "code": code}} (contract 003's shape,
 * a superset of 004's {@code {"error"}}). {@code retryAfterSeconds} > 0 adds {@code Retry-After}.
 */
final class CallException extends RuntimeException {

    final int status;
    final String code;
    final long retryAfterSeconds;

    CallException(int status, String code, String message) {
        this(status, code, message, 0);
    }

    CallException(int status, String code, String message, long retryAfterSeconds) {
        super(message);
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    static CallException invalid(String message) {
        return new CallException(400, "INVALID_INPUT", message);
    }

    static CallException sessionNotFound(String message) {
        return new CallException(404, "SESSION_NOT_FOUND", message);
    }

    static CallException participantNotFound(String id) {
        return new CallException(404, "PARTICIPANT_NOT_FOUND", "participant " + id + " is not in the session");
    }

    static CallException unauthorized(String message) {
        return new CallException(401, "UNAUTHORIZED", message);
    }

    static CallException internal(String message) {
        return new CallException(500, "INTERNAL_ERROR", message);
    }
}
