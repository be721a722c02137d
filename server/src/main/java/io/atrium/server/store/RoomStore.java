package io.atrium.server.store;

import io.atrium.server.store.Jdbc.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Rooms and their stored members. Every write is one transaction; deletes are soft. */
public final class RoomStore {

    private static final String ROOM_COLUMNS =
            "uuid, name, password_hash, is_open, force_password, force_waiting_room, created_at, updated_at, owner, slug, record";
    /** A slug: lower-case words of letters and digits joined by single hyphens, at most {@link #MAX_SLUG} characters. */
    public static final java.util.regex.Pattern SLUG = java.util.regex.Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    public static final int MAX_SLUG = 48;
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final Jdbc jdbc;
    private final Clock clock;

    public RoomStore(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Creates a native room whose link is {@code /r/<slug>}: the slug asked for (empty when it is taken),
     * or, when {@code slug} is null, one made from the name and unique (a number appended if need be).
     */
    public Optional<Room> create(RoomSpec spec, Optional<String> slug) {
        return jdbc.inTransaction(tx -> {
            String chosen = slug.isPresent() ? slug.get() : freeSlug(tx, slugOf(spec.name()));
            if (tx.exists("select 1 from rooms where slug = ?", chosen)) {
                return Optional.empty();
            }
            return Optional.of(insert(tx, spec, null, chosen));
        });
    }

    /** Creates a room owned by a contract facade ({@link Room#LIVE}, ...), without a slug. */
    public Room create(RoomSpec spec, String owner) {
        return jdbc.inTransaction(tx -> insert(tx, spec, owner, null));
    }

    private Room insert(Tx tx, RoomSpec spec, String owner, String slug) throws SQLException {
        UUID uuid = UUID.randomUUID();
        Instant now = Jdbc.now(clock);
        String hash = spec.password() == RoomSpec.PasswordChange.SET ? spec.passwordHash() : null;
        tx.update("insert into rooms (" + ROOM_COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                uuid, spec.name(), hash, spec.open(), spec.forcePassword(), spec.forceWaitingRoom(), now, now, owner, slug,
                spec.record());
        writeMembers(tx, uuid, spec.members());
        return load(tx, uuid).orElseThrow();
    }

    /** The room a link names: its uuid or its slug; empty when unknown or deleted. */
    public Optional<Room> findByLink(String ref) {
        try {
            return find(UUID.fromString(ref));
        } catch (IllegalArgumentException notUuid) {
            return jdbc.inTransaction(tx -> rooms(tx, "slug = ? and deleted_at is null", ref).stream().findFirst());
        }
    }

    /** A slug made from a room's name: "Team stand-up!" → "team-stand-up"; "meeting" when nothing is left. */
    public static String slugOf(String name) {
        String ascii = java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        String slug = ascii.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        if (slug.length() > MAX_SLUG - 5) {
            slug = slug.substring(0, MAX_SLUG - 5).replaceAll("-$", "");
        }
        return slug.isEmpty() ? "meeting" : slug;
    }

    /** {@code base}, or {@code base-<n>} with a random number when it is taken. */
    private static String freeSlug(Tx tx, String base) throws SQLException {
        String slug = base;
        while (tx.exists("select 1 from rooms where slug = ?", slug)) {
            slug = base + "-" + (1000 + RANDOM.nextInt(9000));
        }
        return slug;
    }

    /** Replaces the room's fields and member list; empty when the room is unknown or deleted. */
    public Optional<Room> update(UUID uuid, RoomSpec spec) {
        return jdbc.inTransaction(tx -> {
            if (!tx.exists("select 1 from rooms where uuid = ? and deleted_at is null for update", uuid)) {
                return Optional.empty();
            }
            String passwordSql = switch (spec.password()) {
                case KEEP -> "";
                case CLEAR, SET -> ", password_hash = ?";
            };
            Object[] params = spec.password() == RoomSpec.PasswordChange.KEEP
                    ? new Object[] {spec.name(), spec.open(), spec.forcePassword(), spec.forceWaitingRoom(), spec.record(),
                            Jdbc.now(clock), uuid}
                    : new Object[] {spec.name(), spec.open(), spec.forcePassword(), spec.forceWaitingRoom(), spec.record(),
                            Jdbc.now(clock),
                            spec.password() == RoomSpec.PasswordChange.SET ? spec.passwordHash() : null, uuid};
            tx.update("update rooms set name = ?, is_open = ?, force_password = ?, force_waiting_room = ?, record = ?, updated_at = ?"
                    + passwordSql + " where uuid = ?", params);
            tx.update("delete from room_members where room_uuid = ?", uuid);
            writeMembers(tx, uuid, spec.members());
            return load(tx, uuid);
        });
    }

    public Optional<Room> find(UUID uuid) {
        return jdbc.inTransaction(tx -> load(tx, uuid));
    }

    /** The newest room that facade {@code owner} ({@link Room#LIVE}, ...) keeps under {@code name}; empty when none. */
    public Optional<Room> findOwned(String owner, String name) {
        List<Room> found = jdbc.inTransaction(tx -> rooms(tx, "owner = ? and name = ? and deleted_at is null", owner, name));
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(found.size() - 1));
    }

    public List<Room> list() {
        return jdbc.inTransaction(tx -> rooms(tx, "deleted_at is null"));
    }

    /** The rooms facade or feature {@code owner} keeps, oldest first (index {@code rooms_owner_name}: not a scan of all rooms). */
    public List<Room> listOwned(String owner) {
        return jdbc.inTransaction(tx -> rooms(tx, "owner = ? and deleted_at is null", owner));
    }

    /** Soft delete: the row stays with {@code deleted_at} set. False when unknown or already deleted. */
    public boolean delete(UUID uuid) {
        return jdbc.inTransaction(tx ->
                tx.update("update rooms set deleted_at = ? where uuid = ? and deleted_at is null", Jdbc.now(clock), uuid) == 1);
    }

    /** The stored members of a live room with their users' names; empty when the room is unknown. */
    public Optional<List<Room.MemberDetail>> memberDetails(UUID uuid) {
        return jdbc.inTransaction(tx -> {
            if (!tx.exists("select 1 from rooms where uuid = ? and deleted_at is null", uuid)) {
                return Optional.empty();
            }
            return Optional.of(tx.query("select m.uuid, m.user_uuid, m.admin, u.username, u.display_name, u.sip_extension"
                            + " from room_members m join users u on u.uuid = m.user_uuid where m.room_uuid = ? order by m.position",
                    rs -> new Room.MemberDetail(Jdbc.uuid(rs, "uuid"), Jdbc.uuid(rs, "user_uuid"), rs.getBoolean("admin"),
                            rs.getString("username"), rs.getString("display_name"), rs.getString("sip_extension")), uuid));
        });
    }

    /** The room's password hash, for authentication; empty when none is set or the room is unknown. */
    public Optional<String> passwordHash(UUID uuid) {
        return jdbc.inTransaction(tx -> tx.queryOne(
                "select password_hash from rooms where uuid = ? and deleted_at is null and password_hash is not null",
                rs -> rs.getString(1), uuid));
    }

    private static void writeMembers(Tx tx, UUID room, List<RoomSpec.MemberSpec> members) throws SQLException {
        for (int i = 0; i < members.size(); i++) {
            RoomSpec.MemberSpec m = members.get(i);
            if (!tx.exists("select 1 from users where uuid = ?", m.userId())) {
                throw new StoreException.MissingReference("room.members[" + i + "].user_id",
                        "room.members[" + i + "].user_id: no user " + m.userId());
            }
            tx.update("insert into room_members (uuid, room_uuid, user_uuid, admin, position) values (?, ?, ?, ?, ?)",
                    UUID.randomUUID(), room, m.userId(), m.admin(), i);
        }
    }

    private static Optional<Room> load(Tx tx, UUID uuid) throws SQLException {
        return rooms(tx, "uuid = ? and deleted_at is null", uuid).stream().findFirst();
    }

    /** Live rooms matching {@code where} (over table rooms), with their members: two queries. */
    private static List<Room> rooms(Tx tx, String where, Object... params) throws SQLException {
        Map<UUID, List<Room.RoomMember>> members = new HashMap<>();
        tx.query("select room_uuid, uuid, user_uuid, admin from room_members where room_uuid in"
                        + " (select uuid from rooms where " + where + ") order by position",
                rs -> members.computeIfAbsent(Jdbc.uuid(rs, "room_uuid"), k -> new ArrayList<>())
                        .add(new Room.RoomMember(Jdbc.uuid(rs, "uuid"), Jdbc.uuid(rs, "user_uuid"), rs.getBoolean("admin"))),
                params);
        return tx.query("select " + ROOM_COLUMNS + " from rooms where " + where + " order by created_at, uuid",
                rs -> room(rs, members.getOrDefault(Jdbc.uuid(rs, "uuid"), List.of())), params);
    }

    private static Room room(ResultSet rs, List<Room.RoomMember> members) throws SQLException {
        return new Room(Jdbc.uuid(rs, "uuid"), rs.getString("name"), rs.getBoolean("is_open"),
                rs.getBoolean("force_password"), rs.getBoolean("force_waiting_room"),
                rs.getString("password_hash") != null, List.copyOf(members),
                Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "updated_at"), rs.getString("owner"),
                rs.getString("slug"), rs.getBoolean("record"));
    }
}
