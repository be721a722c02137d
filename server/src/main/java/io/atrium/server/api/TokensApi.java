package io.atrium.server.api;

import io.atrium.server.edge.ApiException;
import io.atrium.server.auth.Grants;
import io.atrium.server.auth.TokenService;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.store.Revocation;
import io.atrium.server.store.RoomStore;
import io.atrium.server.store.UserStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code POST /v1/tokens}: mints an access token for a room with the caller's API key. Grants
 * default to a full participant; {@code ttl_seconds} defaults to {@code auth.token_ttl_seconds}.
 */
final class TokensApi {

    static final int MAX_IDENTITY = 128;
    static final int MAX_NAME = 128;

    private final TokenService tokens;
    private final RoomStore rooms;
    private final UserStore users;
    private final AtriumConfig.Auth config;

    TokensApi(TokenService tokens, RoomStore rooms, UserStore users, AtriumConfig.Auth config) {
        this.tokens = tokens;
        this.rooms = rooms;
        this.users = users;
        this.config = config;
    }

    void routes(RoutesConfig r) {
        r.post("/v1/tokens", this::mint);
        r.post("/v1/tokens/revoke", this::revoke);
    }

    /**
     * {@code POST /v1/tokens/revoke {jti}} or {@code {room, identity}} → 200 {@code {revoked}}: the token,
     * or every token of the identity in the room issued until now, stops working for every call and
     * every live socket (docs/SECURITY.md, finding 2); kept until such tokens would have expired anyway.
     */
    private void revoke(Context ctx) {
        JsonInput in = Requests.body(ctx).only("jti", "room", "identity");
        java.time.Instant until = java.time.Instant.now().plusSeconds(config.maxTokenTtlSeconds());
        Revocation r;
        Optional<String> jti = in.optionalString("jti", 64);
        if (jti.isPresent()) {
            if (in.has("room") || in.has("identity")) {
                throw ApiException.badField("jti", "give either jti, or room and identity");
            }
            r = tokens.revocations().revokeToken(jti.get(), until);
        } else {
            UUID room = in.uuid("room");
            String identity = in.string("identity", MAX_IDENTITY);
            rooms.find(room).orElseThrow(() -> ApiException.notFound("room not found"));
            r = tokens.revocations().revokeIdentity(room, identity, until);
        }
        Map<String, Object> revoked = new java.util.LinkedHashMap<>();
        if (r.jti() != null) {
            revoked.put("jti", r.jti());
        } else {
            revoked.put("room", r.room());
            revoked.put("identity", r.identity());
        }
        revoked.put("revoked_at", r.revokedAt());
        revoked.put("until", r.until());
        ctx.json(Map.of("revoked", revoked));
    }

    private void mint(Context ctx) {
        JsonInput in = Requests.body(ctx).only("room", "identity", "name", "user_id", "admin", "grants", "ttl_seconds");
        UUID room = in.uuid("room");
        String identity = in.optionalString("identity", MAX_IDENTITY).orElseGet(() -> UUID.randomUUID().toString());
        String name = in.optionalString("name", MAX_NAME).orElse(identity);
        Optional<UUID> user = in.optionalUuid("user_id");
        boolean admin = in.bool("admin", false);
        long ttl = in.optionalLong("ttl_seconds", 1, config.maxTokenTtlSeconds()).orElse(config.tokenTtlSeconds());
        Grants grants = in.optionalObject("grants").map(TokensApi::grants).orElseGet(Grants::participant);
        if (user.isPresent() && users.find(user.get()).isEmpty()) {
            throw ApiException.badField("user_id", "user_id: no user " + user.get());
        }
        rooms.find(room).orElseThrow(() -> ApiException.notFound("room not found"));
        String apiKey = ctx.attribute(RestApi.API_KEY_ATTRIBUTE);
        TokenService.Minted minted = tokens.mint(apiKey, room, identity, name, user, admin, grants, ttl);
        ctx.status(201).json(Map.of("token", minted.token(), "identity", identity, "expires_at", minted.expiresAt()));
    }

    /** A {@code grants} object as {@code POST /v1/tokens} takes it (also a live permission change's). */
    static Grants grants(JsonInput g) {
        g.only("publish", "subscribe", "publish_sources", "data", "hidden", "state");
        EnumSet<Grants.Source> sources = g.optionalArray("publish_sources", Grants.Source.values().length, TokensApi::source)
                .map(list -> list.isEmpty() ? EnumSet.noneOf(Grants.Source.class) : EnumSet.copyOf(list))
                .orElseGet(() -> EnumSet.allOf(Grants.Source.class));
        java.util.List<String> state = g.optionalArray("state", Grants.MAX_STATE_ENTRIES, TokensApi::stateName)
                .orElse(java.util.List.of());
        return new Grants(g.bool("publish", true), g.bool("subscribe", true), sources, g.bool("data", true),
                g.bool("hidden", false), state);
    }

    private static String stateName(JsonNode v, String path) {
        if (!v.isTextual() || v.textValue().isEmpty() || v.textValue().length() > Grants.MAX_STATE_NAME) {
            throw ApiException.badField(path, path + " must be a state name (1-" + Grants.MAX_STATE_NAME
                    + " characters; '*' alone or at the end matches any name or suffix)");
        }
        return v.textValue();
    }

    private static Grants.Source source(JsonNode v, String path) {
        if (v.isTextual()) {
            for (Grants.Source s : Grants.Source.values()) {
                if (s.name().toLowerCase(Locale.ROOT).equals(v.textValue())) {
                    return s;
                }
            }
        }
        throw ApiException.badField(path, path + " must be one of camera, microphone, screen, screen_audio");
    }
}
