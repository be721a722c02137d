package io.atrium.server.http;

import io.atrium.server.api.JsonInput;
import io.atrium.server.auth.Grants;
import io.atrium.server.auth.PasswordChecks;
import io.atrium.server.auth.PasswordHasher;
import io.atrium.server.auth.TokenService;
import io.atrium.server.auth.UserPasswords;
import io.atrium.server.edge.ApiException;
import io.atrium.server.edge.AttemptGuard;
import io.atrium.server.edge.ClientAddress;
import io.atrium.server.edge.TooManyRequests;
import io.atrium.server.store.Room;
import io.atrium.server.store.RoomSpec;
import io.atrium.server.store.RoomStore;
import io.atrium.server.store.User;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * New meeting for a signed-in person (docs/WEB.md, "Who starts meetings"): {@code POST /web/meetings}
 * with an Atrium user's username and password ({@code Authorization: Basic}) creates an open room, that
 * user its stored admin, and answers the room and a host access token for it, so the web app starts
 * meetings in production without the server's API key in a browser. Passwords are checked by
 * {@link UserPasswords} on the server's one hashing pool by the rule of {@link PasswordChecks}: each
 * attempt counts as a wrong one against the address in the facades' {@link AttemptGuard} before its hash
 * (given back when right), and a full pool is {@code 429} (docs/SECURITY.md, finding 21). The request
 * thread never hashes: it waits for nothing (the answer is written when the check completes).
 */
final class SignedInMeetings {

    private static final int MAX_NAME = 256;

    private final RoomStore rooms;
    private final TokenService tokens;
    private final long tokenTtlSeconds;
    private final ClientAddress clients;
    private final AttemptGuard guard;
    private final UserPasswords passwords;
    private final PasswordChecks hashing;

    SignedInMeetings(RoomStore rooms, UserPasswords passwords, TokenService tokens, long tokenTtlSeconds, ClientAddress clients,
                     AttemptGuard guard, PasswordChecks hashing) {
        this.hashing = hashing;
        this.rooms = rooms;
        this.passwords = passwords;
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
        String[] credentials = basic(ctx.header("Authorization"));
        if (credentials == null) {
            guard.failed(client);
            throw wrongCredentials();
        }
        String body = ctx.body();
        CompletableFuture<Optional<User>> checked;
        try { // a guess: counted before its hash, given back when right; the hash on the shared bounded pool
            checked = hashing.check(new PasswordChecks.Budget() {
                @Override
                public void take() {
                    guard.guess(client);
                }

                @Override
                public void refund() {
                    guard.refund(client);
                }
            }, () -> passwords.check(credentials[0], credentials[1]), Optional::isPresent);
        } catch (PasswordChecks.Busy e) {
            throw new TooManyRequests(1, "too many passwords being checked; retry in 1 s");
        }
        ctx.future(() -> checked.thenAccept(user -> created(ctx, user.orElseThrow(SignedInMeetings::wrongCredentials), body)));
    }

    private static ApiException wrongCredentials() {
        return ApiException.unauthorized("wrong username or password");
    }

    private void created(Context ctx, User user, String body) {
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

    /** The username and password of Basic credentials, or null when there are none of the right form (nothing to hash). */
    private static String[] basic(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0 || decoded.length() - colon - 1 > PasswordHasher.MAX_PASSWORD_LENGTH) {
            return null;
        }
        return new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }
}
