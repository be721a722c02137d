package io.atrium.server.store;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One revocation of access tokens (auth/Revocations): a token id, or a room and identity; {@code until}
 * is when it may be forgotten.
 */
public record Revocation(String jti, UUID room, String identity, Instant revokedAt, Instant until) {

    /**
     * Where revocations are kept across restarts and shared by the nodes of a cluster ({@link RevocationStore}: the
     * database). Each saved revocation has a position, higher than every one saved (and committed) before it.
     */
    public interface Journal {
        /** The position before every saved revocation. */
        long START = -1;

        void save(Revocation revocation);

        /**
         * Up to {@code limit} revocations still in force at {@code now} saved after position {@code after}, in the
         * order they were saved; {@link #START} reads them all.
         */
        Read after(long after, Instant now, int limit);
    }

    /** Revocations read from a {@link Journal} and the position of the last one ({@code after} when none). */
    public record Read(List<Revocation> revocations, long last) {
    }
}
