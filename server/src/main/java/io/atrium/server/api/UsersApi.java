package io.atrium.server.api;

import io.atrium.server.edge.ApiException;
import io.atrium.server.auth.PasswordHasher;
import io.atrium.server.auth.Secrets;
import io.atrium.server.auth.SipDigests;
import io.atrium.server.store.SipDigest;
import io.atrium.server.store.Device;
import io.atrium.server.store.User;
import io.atrium.server.store.UserStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The user directory (Atrium's extension to contract 002): {@code /v1/users} CRUD and device
 * registration. Passwords are stored as Argon2id hashes and as SIP digests (HA1 per algorithm for the
 * configured {@code sip.realm}); a device token is returned once, at
 * registration, and stored only as its SHA-256.
 */
final class UsersApi {

    static final int MIN_PASSWORD = 8;
    static final int MAX_DISPLAY_NAME = 128;
    static final int MAX_DEVICE_NAME = 128;
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@+-]{1,64}");

    private final UserStore users;
    private final PasswordHasher hasher;
    private final String sipRealm;

    /** {@code sipRealm}: the realm whose SIP digests (HA1) are stored when a password is set. */
    UsersApi(UserStore users, PasswordHasher hasher, String sipRealm) {
        this.users = users;
        this.hasher = hasher;
        this.sipRealm = sipRealm;
    }

    void routes(RoutesConfig r) {
        r.post("/v1/users", this::create);
        r.get("/v1/users", ctx -> ctx.json(Map.of("users", users.list())));
        r.get("/v1/users/{uuid}", ctx -> ctx.json(Map.of("user", users.find(Requests.pathUuid(ctx, "uuid"))
                .orElseThrow(UsersApi::noUser))));
        r.put("/v1/users/{uuid}", this::update);
        r.delete("/v1/users/{uuid}", ctx -> {
            if (!users.delete(Requests.pathUuid(ctx, "uuid"))) {
                throw noUser();
            }
            ctx.status(204);
        });
        r.post("/v1/users/{uuid}/devices", this::addDevice);
        r.get("/v1/users/{uuid}/devices", ctx -> {
            UUID user = Requests.pathUuid(ctx, "uuid");
            users.find(user).orElseThrow(UsersApi::noUser);
            ctx.json(Map.of("devices", users.devices(user)));
        });
        r.delete("/v1/users/{uuid}/devices/{device}", ctx -> {
            if (!users.deleteDevice(Requests.pathUuid(ctx, "uuid"), Requests.pathUuid(ctx, "device"))) {
                throw ApiException.notFound("device not found");
            }
            ctx.status(204);
        });
    }

    private void create(Context ctx) {
        JsonInput user = Requests.body(ctx).only("user").object("user")
                .only("username", "display_name", "password", "sip_extension");
        String username = matching(user.string("username", 64), USERNAME, "user.username",
                "letters, digits and . _ @ + - (1 to 64)");
        String displayName = user.optionalString("display_name", MAX_DISPLAY_NAME).orElse(username);
        String password = password(user.string("password", PasswordHasher.MAX_PASSWORD_LENGTH));
        String hash = hasher.hash(password);
        String sip = user.optionalString("sip_extension", 32)
                .map(s -> matching(s, User.DIAL_STRING, "user.sip_extension", User.DIAL_STRING_RULE)).orElse(null);
        ctx.status(201).json(Map.of("user", users.create(username, displayName, hash, sip,
                SipDigests.forPassword(username, sipRealm, password))));
    }

    private void update(Context ctx) {
        UUID uuid = Requests.pathUuid(ctx, "uuid");
        JsonInput user = Requests.body(ctx).only("user").object("user")
                .only("username", "display_name", "password", "sip_extension");
        String username = user.optionalString("username", 64)
                .map(s -> matching(s, USERNAME, "user.username", "letters, digits and . _ @ + - (1 to 64)")).orElse(null);
        String displayName = user.optionalString("display_name", MAX_DISPLAY_NAME).orElse(null);
        String password = user.optionalString("password", PasswordHasher.MAX_PASSWORD_LENGTH)
                .map(UsersApi::password).orElse(null);
        String hash = password != null ? hasher.hash(password) : null;
        List<SipDigest> digests = password == null ? null : SipDigests.forPassword(username != null ? username
                : users.find(uuid).orElseThrow(UsersApi::noUser).username(), sipRealm, password);
        String sip = user.optionalString("sip_extension", 32)
                .map(s -> matching(s, User.DIAL_STRING, "user.sip_extension", User.DIAL_STRING_RULE)).orElse(null);
        boolean clearSip = user.isNull("sip_extension");
        ctx.json(Map.of("user", users.update(uuid, username, displayName, hash, digests, sip, clearSip)
                .orElseThrow(UsersApi::noUser)));
    }

    private void addDevice(Context ctx) {
        UUID uuid = Requests.pathUuid(ctx, "uuid");
        JsonInput device = Requests.body(ctx).only("device").object("device").only("name");
        String name = device.string("name", MAX_DEVICE_NAME);
        String token = Secrets.newToken();
        Optional<Device> added = users.addDevice(uuid, name, Secrets.sha256Hex(token));
        ctx.status(201).json(Map.of("device", added.orElseThrow(UsersApi::noUser), "device_token", token));
    }

    private static String password(String password) {
        if (password.length() < MIN_PASSWORD) {
            throw ApiException.badField("user.password", "user.password must have at least " + MIN_PASSWORD + " characters");
        }
        return password;
    }

    private static String matching(String value, Pattern pattern, String field, String rule) {
        if (!pattern.matcher(value).matches()) {
            throw ApiException.badField(field, field + " may only contain " + rule);
        }
        return value;
    }

    private static ApiException noUser() {
        return ApiException.notFound("user not found");
    }
}
