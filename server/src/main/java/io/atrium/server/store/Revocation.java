package io.atrium.server.store;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One revocation of access tokens (auth/Revocations): a token id, or a room and identity; {@code until}
 * is when it may be forgotten.
 */
public record Revocation(String jti, UUID room, String identity, Instant revokedAt, Instant until) {

    /** Where revocations are kept across restarts ({@link RevocationStore}: the database). */
    public interface Journal {
        void save(Revocation revocation);

        /** The revocations still in force at {@code now}. */
        List<Revocation> active(Instant now);
    }
}
