package io.atrium.server.http;

import io.atrium.server.api.JsonInput;
import io.atrium.server.auth.Grants;
import io.atrium.server.auth.PasswordHasher;
import io.atrium.server.auth.TokenService;
import io.atrium.server.auth.UserPasswords;
import io.atrium.server.edge.ApiException;
import io.atrium.server.edge.AttemptGuard;
import io.atrium.server.edge.ClientAddress;
import io.atrium.server.store.Room;
import io.atrium.server.store.RoomSpec;
import io.atrium.server.store.RoomStore;
import io.atrium.server.store.User;
import io.atrium.server.store.UserStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * New meeting for a signed-in person (docs/WEB.md, "Who starts meetings"): {@code POST /web/meetings}
 * with an Atrium user's username and password ({@code Authorization: Basic}) creates an open room, that
 * user its stored admin, and answers the room and a host access token for it, so the web app starts
 * meetings in production without the server's API key in a browser. Passwords are checked by
 * {@link UserPasswords}; wrong ones count against the address in the facades' {@link AttemptGuard}.
 */
final class SignedInMeetings {

    private static final int MAX_NAME = 256;

    private final RoomStore rooms;
    private final TokenService tokens;
    private final long tokenTtlSeconds;
    private final ClientAddress clients;
    private final AttemptGuard guard;
    private final UserPasswords passwords;

    SignedInMeetings(RoomStore rooms, UserStore users, TokenService tokens, long tokenTtlSeconds, ClientAddress clients,
                     AttemptGuard guard) {
        this.rooms = rooms;
        this.passwords = new UserPasswords(users);
        this.tokens = tokens;
        this.tokenTtlSeconds = tokenTtlSeconds;
        this.clients = clients;
        this.guard = guard;
    }

    void routes(RoutesConfig r) {
        r.post("/web/meetings", this::create);
    }

    private void create(Context ctx) {
        String client = clients.of(ctx);
        guard.admit(client);
        User user = signedIn(ctx.header("Authorization")).orElseThrow(() -> {
            guard.failed(client);
            return ApiException.unauthorized("wrong username or password");
        });
        String body = ctx.body();
        JsonInput in = JsonInput.parse(body.isBlank() ? "{}" : body).only("name");
        String name = in.optionalString("name", MAX_NAME).filter(n -> !n.isBlank()).orElse("Meeting");
        Room room = rooms.create(new RoomSpec(name, RoomSpec.PasswordChange.CLEAR, null, true, false, false,
                List.of(new RoomSpec.MemberSpec(user.uuid(), true)), false), Optional.empty()).orElseThrow();
        TokenService.Minted host = tokens.mint(room.uuid(), user.uuid().toString(), user.displayName(), Optional.of(user.uuid()),
                true, Grants.participant(), tokenTtlSeconds);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("room", room);
        out.put("token", host.token());
        out.put("expires_at", host.expiresAt());
        ctx.status(201).json(out);
    }

    /** The user named by Basic credentials whose password matches, if any. */
    private Optional<User> signedIn(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0 || decoded.length() - colon - 1 > PasswordHasher.MAX_PASSWORD_LENGTH) {
            return Optional.empty();
        }
        return passwords.check(decoded.substring(0, colon), decoded.substring(colon + 1));
    }
}
