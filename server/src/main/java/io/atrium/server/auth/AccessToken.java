package io.atrium.server.auth;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The verified claims of an access token: which room, who (the call id is the identity of one
 * participation), shown as whom, optionally which directory user, admin or not, with what grants,
 * minted with which API key, valid until when.
 */
public record AccessToken(String id, String apiKey, UUID room, String identity, String name, Optional<UUID> user,
                          boolean admin, Grants grants, Instant issuedAt, Instant expiresAt) {

    /** This token with other rights (a live permission change): same id, identity and lifetime. */
    public AccessToken withPermissions(boolean admin, Grants grants) {
        return new AccessToken(id, apiKey, room, identity, name, user, admin, grants, issuedAt, expiresAt);
    }
}
