package io.atrium.server.api;

import io.atrium.server.edge.ApiException;
import io.atrium.server.auth.PasswordHasher;
import io.atrium.server.store.Room;
import io.atrium.server.store.RoomSpec;
import io.atrium.server.store.RoomStore;
import io.atrium.server.store.ChatStore;
import io.atrium.server.room.RoomService;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Contract 002's rooms REST API: {@code /v1/rooms} create, update, list, get, soft delete, members.
 * The password is stored as an Argon2id hash and never returned; responses carry {@code has_password}.
 */
final class RoomsApi {

    static final int MAX_NAME = 256;
    static final int MAX_MEMBERS = 1000;

    private final RoomStore rooms;
    private final PasswordHasher hasher;
    private final RoomService live;
    private final ChatStore chat;

    RoomsApi(RoomStore rooms, PasswordHasher hasher, RoomService live, ChatStore chat) {
        this.rooms = rooms;
        this.hasher = hasher;
        this.live = live;
        this.chat = chat;
    }

    void routes(RoutesConfig r) {
        r.post("/v1/rooms", this::create);
        r.get("/v1/rooms", ctx -> ctx.json(Map.of("rooms", rooms.list())));
        r.get("/v1/rooms/{uuid}", ctx -> ctx.json(Map.of("room", rooms.find(Requests.pathUuid(ctx, "uuid"))
                .orElseThrow(RoomsApi::noRoom))));
        r.put("/v1/rooms/{uuid}", this::update);
        r.delete("/v1/rooms/{uuid}", this::delete);
        r.get("/v1/rooms/{uuid}/members", ctx -> {
            UUID uuid = Requests.pathUuid(ctx, "uuid");
            var stored = rooms.memberDetails(uuid).orElseThrow(RoomsApi::noRoom);
            var inCall = live.liveMembers(uuid).get(5, TimeUnit.SECONDS).orElse(List.of());
            ctx.json(Map.of("members", stored, "live", inCall));
        });
        r.patch("/v1/rooms/{uuid}/live/{identity}", this::changePermissions);
        r.post("/v1/rooms/{uuid}/end", this::end);
        r.get("/v1/rooms/{uuid}/chat", ctx -> {
            UUID uuid = Requests.pathUuid(ctx, "uuid");
            rooms.find(uuid).orElseThrow(RoomsApi::noRoom);
            int limit = queryInt(ctx.queryParam("limit"), "limit", 1, 200, 50);
            Optional<UUID> before = Optional.ofNullable(ctx.queryParam("before")).map(v -> {
                try {
                    return UUID.fromString(v);
                } catch (IllegalArgumentException e) {
                    throw ApiException.badField("before", "before must be a message id (UUID)");
                }
            });
            ctx.json(Map.of("messages", chat.history(uuid, before, limit)));
        });
    }

    /**
     * {@code PATCH /v1/rooms/{uuid}/live/{identity} {admin?, grants?}} → {@code {member}}: changes a joined
     * member's admin flag and grants live (docs/SECURITY.md, finding 2); 404 when nobody with that
     * identity is joined. The {@code hidden} grant cannot change live.
     */
    private void changePermissions(Context ctx) throws Exception {
        UUID uuid = Requests.pathUuid(ctx, "uuid");
        String identity = ctx.pathParam("identity");
        JsonInput in = Requests.body(ctx).only("admin", "grants");
        Optional<Boolean> admin = in.has("admin") ? Optional.of(in.bool("admin", false)) : Optional.empty();
        Optional<io.atrium.server.auth.Grants> grants = in.optionalObject("grants").map(g -> {
            if (g.has("hidden")) {
                throw ApiException.badField("grants.hidden", "grants.hidden cannot change for a live member");
            }
            return TokensApi.grants(g);
        });
        if (admin.isEmpty() && grants.isEmpty()) {
            throw ApiException.badField("admin", "give admin, grants or both");
        }
        rooms.find(uuid).orElseThrow(RoomsApi::noRoom);
        Optional<?> member = live.changePermissions(uuid, identity, admin, grants).get(5, TimeUnit.SECONDS);
        ctx.json(Map.of("member", member.orElseThrow(() -> ApiException.notFound("no live member " + identity + " in the room"))));
    }

    /** {@code POST /v1/rooms}: a native room with its link {@code /r/<slug>} (the one asked for, or made from the name). */
    private void create(Context ctx) {
        JsonInput body = Requests.body(ctx);
        RoomSpec spec = spec(body);
        Optional<String> slug = body.object("room").optionalString("slug", RoomStore.MAX_SLUG);
        if (slug.isPresent() && (!RoomStore.SLUG.matcher(slug.get()).matches() || isUuid(slug.get()))) {
            throw ApiException.badField("room.slug", "room.slug must be lower-case letters and digits in words joined by"
                    + " hyphens, such as team-standup");
        }
        Room created = rooms.create(spec, slug).orElseThrow(() -> new ApiException(409, "slug_taken",
                "another room already has the link /r/" + slug.orElse("") + "; choose another room.slug", "room.slug"));
        ctx.status(201).json(Map.of("room", created));
    }

    private static boolean isUuid(String s) {
        try {
            UUID.fromString(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void update(Context ctx) {
        UUID uuid = Requests.pathUuid(ctx, "uuid");
        JsonInput body = Requests.body(ctx);
        RoomSpec spec = spec(body);
        if (body.object("room").has("slug")) {
            throw ApiException.badField("room.slug", "room.slug is fixed when the room is created: links to it stay valid");
        }
        rooms.find(uuid).filter(r -> r.owner() != null).ifPresent(owned -> keepFacadeRules(owned, spec));
        ctx.json(Map.of("room", rooms.update(uuid, spec).orElseThrow(RoomsApi::noRoom)));
    }

    /**
     * A room made by a contract facade keeps what the facade relies on: its name (a 000 stream's name,
     * a 001 meeting's), open, force_password, force_waiting_room and no password. Its stored members
     * may change; deleting it ends the meeting as for any room. Else 409 {@code owned_by_facade}.
     */
    private static void keepFacadeRules(Room owned, RoomSpec spec) {
        List<String> changed = new java.util.ArrayList<>();
        if (!owned.name().equals(spec.name())) {
            changed.add("name");
        }
        if (owned.open() != spec.open()) {
            changed.add("open");
        }
        if (owned.forcePassword() != spec.forcePassword()) {
            changed.add("force_password");
        }
        if (owned.forceWaitingRoom() != spec.forceWaitingRoom()) {
            changed.add("force_waiting_room");
        }
        if (spec.password() == RoomSpec.PasswordChange.SET) {
            changed.add("password");
        }
        if (!changed.isEmpty()) {
            throw new ApiException(409, "owned_by_facade", "this room belongs to the " + owned.owner() + " API (docs/CONTRACTS.md,"
                    + " facade rooms); it keeps its " + String.join(", ", changed) + "; change it through that API",
                    "room." + changed.get(0));
        }
    }

    /**
     * {@code POST /v1/rooms/{uuid}/end} → 204: ends the meeting going on in the room for everyone (they get
     * {@code room_ended}); the room stays and its link opens a new meeting.
     */
    private void end(Context ctx) throws Exception {
        UUID uuid = Requests.pathUuid(ctx, "uuid");
        rooms.find(uuid).orElseThrow(RoomsApi::noRoom);
        live.end(uuid).get(5, TimeUnit.SECONDS);
        ctx.status(204);
    }

    /** Soft delete; a live meeting in the room ends with it (everyone gets {@code room_ended}). */
    private void delete(Context ctx) throws Exception {
        UUID uuid = Requests.pathUuid(ctx, "uuid");
        if (!rooms.delete(uuid)) {
            throw noRoom();
        }
        live.end(uuid).get(5, TimeUnit.SECONDS);
        ctx.status(204);
    }

    private RoomSpec spec(JsonInput body) {
        JsonInput room = body.only("room").object("room")
                .only("name", "password", "open", "force_password", "force_waiting_room", "members", "slug", "record");
        String name = room.string("name", MAX_NAME);
        RoomSpec.PasswordChange change;
        String hash = null;
        if (!room.has("password")) {
            change = RoomSpec.PasswordChange.KEEP;
        } else if (room.isNull("password")) {
            change = RoomSpec.PasswordChange.CLEAR;
        } else {
            change = RoomSpec.PasswordChange.SET;
            hash = hasher.hash(room.string("password", PasswordHasher.MAX_PASSWORD_LENGTH));
        }
        List<RoomSpec.MemberSpec> members = room.optionalArray("members", MAX_MEMBERS, (v, path) -> {
            JsonInput m = JsonInput.element(v, path).only("user_id", "admin");
            return new RoomSpec.MemberSpec(m.uuid("user_id"), m.bool("admin", false));
        }).orElse(List.of());
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < members.size(); i++) {
            if (!seen.add(members.get(i).userId())) {
                String field = "room.members[" + i + "].user_id";
                throw ApiException.badField(field, field + " lists user " + members.get(i).userId() + " a second time");
            }
        }
        return new RoomSpec(name, change, hash, room.bool("open", false), room.bool("force_password", false),
                room.bool("force_waiting_room", false), members, room.bool("record", false));
    }

    private static int queryInt(String value, String name, int min, int max, int fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiException.badField(name, name + " must be a number from " + min + " to " + max);
    }

    private static ApiException noRoom() {
        return ApiException.notFound("room not found");
    }
}
