package io.atrium.server.auth;

import java.util.Optional;

/** The one parser of {@code Authorization: Bearer <token>} (RFC 6750 §2.1): scheme case-insensitive, token trimmed. */
public final class Bearer {

    private static final String SCHEME = "Bearer ";

    private Bearer() {
    }

    /** The token of a Bearer {@code Authorization} header (possibly blank: verifying it fails); empty for no header or another scheme. */
    public static Optional<String> token(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return Optional.empty();
        }
        return Optional.of(authorization.substring(SCHEME.length()).trim());
    }
}
