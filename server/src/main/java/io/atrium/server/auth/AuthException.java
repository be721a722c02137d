package io.atrium.server.auth;

/** Credentials or a token were missing, malformed, expired, or not valid for the request. */
public final class AuthException extends RuntimeException {
    public AuthException(String message) {
        super(message);
    }
}
