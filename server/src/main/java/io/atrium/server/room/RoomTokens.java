package io.atrium.server.room;

import io.atrium.server.auth.AccessToken;
import io.atrium.server.auth.AuthException;
import io.atrium.server.auth.Grants;
import io.atrium.server.auth.TokenService;
import java.util.Optional;
import java.util.UUID;

/** Access tokens as the room protocol uses them: a bad one is {@code 401 invalid auth token: <why>}. */
final class RoomTokens {

    private final TokenService tokens;
    private final long ttlSeconds;
    private final long maxTtlSeconds;

    RoomTokens(TokenService tokens, long ttlSeconds, long maxTtlSeconds) {
        this.tokens = tokens;
        this.ttlSeconds = ttlSeconds;
        this.maxTtlSeconds = maxTtlSeconds;
    }

    /** A token handed on by {@link #replace}: as verified, and its text for the client. */
    record Replaced(AccessToken token, String text) {
    }

    /**
     * {@code next}'s rights from now on for its identity in the room, and none of its earlier tokens:
     * {@link TokenService#replace} (docs/SECURITY.md, finding 15).
     */
    Replaced replace(AccessToken next) {
        String text = tokens.replace(next, maxTtlSeconds).token();
        return new Replaced(tokens.verify(text, Optional.of(next.room())), text);
    }

    AccessToken verify(String token, Optional<UUID> room) {
        try {
            return tokens.verify(token, room);
        } catch (AuthException e) {
            throw invalid(e);
        }
    }

    /** A token verified before: still unexpired, unrevoked and for {@code room}. */
    void check(AccessToken token, UUID room) {
        problem(token, room).ifPresent(why -> {
            throw new RpcException(401, "invalid auth token: " + why);
        });
    }

    /** Why a token verified before is no longer good for {@code room} ({@code token revoked}, expired...), if it is not. */
    Optional<String> problem(AccessToken token, UUID room) {
        try {
            tokens.check(token, Optional.of(room));
            return Optional.empty();
        } catch (AuthException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Whether {@code token} verifies for {@code room} as the same token as {@code jti}. */
    boolean proves(String token, UUID room, String jti) {
        try {
            return jti.equals(tokens.verify(token, Optional.of(room)).id());
        } catch (AuthException e) {
            return false;
        }
    }

    /** A participant's token minted by the room itself (authenticate, a waiting member allowed). */
    String mint(UUID room, String callId, String name, Optional<UUID> user, boolean admin) {
        return tokens.mint(room, callId, name, user, admin, Grants.participant(), ttlSeconds).token();
    }

    private static RpcException invalid(AuthException e) {
        return new RpcException(401, "invalid auth token: " + e.getMessage());
    }
}
