package io.atrium.server.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Directory users and their devices. Deleting a user removes its devices and room memberships. */
public final class UserStore {

    private static final String USER_COLUMNS = "uuid, username, display_name, sip_extension, created_at, updated_at";

    private final Jdbc jdbc;
    private final Clock clock;

    public UserStore(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** A user together with the stored password hash, for authentication. */
    public record Credentials(User user, String passwordHash) {
    }

    public User create(String username, String displayName, String passwordHash, String sipExtension) {
        return create(username, displayName, passwordHash, sipExtension, List.of());
    }

    /** Creates a user with the SIP digests of their password. */
    public User create(String username, String displayName, String passwordHash, String sipExtension, List<SipDigest> digests) {
        return jdbc.inTransaction(tx -> {
            UUID uuid = UUID.randomUUID();
            Instant now = Jdbc.now(clock);
            tx.update("insert into users (uuid, username, display_name, password_hash, sip_extension, created_at, updated_at)"
                    + " values (?, ?, ?, ?, ?, ?, ?)", uuid, username, displayName, passwordHash, sipExtension, now, now);
            insertDigests(tx, uuid, digests);
            return new User(uuid, username, displayName, sipExtension, now, now);
        });
    }

    /**
     * Updates the given fields; a null argument leaves that field unchanged, except
     * {@code sipExtension}, which {@code clearSip} removes. Empty when the user is unknown.
     */
    public Optional<User> update(UUID uuid, String username, String displayName, String passwordHash,
                                 String sipExtension, boolean clearSip) {
        return update(uuid, username, displayName, passwordHash, null, sipExtension, clearSip);
    }

    /**
     * As above, and {@code digests} (with a new password) replace the user's SIP digests. A new username
     * without new digests removes them, since each HA1 covers the username.
     */
    public Optional<User> update(UUID uuid, String username, String displayName, String passwordHash,
                                 List<SipDigest> digests, String sipExtension, boolean clearSip) {
        return jdbc.inTransaction(tx -> {
            Optional<User> current = tx.queryOne("select " + USER_COLUMNS + " from users where uuid = ? for update",
                    UserStore::user, uuid);
            if (current.isEmpty()) {
                return current;
            }
            User u = current.get();
            String sip = clearSip ? null : sipExtension != null ? sipExtension : u.sipExtension();
            Instant now = Jdbc.now(clock);
            tx.update("update users set username = ?, display_name = ?, sip_extension = ?, updated_at = ? where uuid = ?",
                    username != null ? username : u.username(), displayName != null ? displayName : u.displayName(),
                    sip, now, uuid);
            if (passwordHash != null) {
                tx.update("update users set password_hash = ? where uuid = ?", passwordHash, uuid);
            }
            if (digests != null || username != null && !username.equals(u.username())) {
                tx.update("delete from sip_digests where user_uuid = ?", uuid);
                insertDigests(tx, uuid, digests != null ? digests : List.of());
            }
            return tx.queryOne("select " + USER_COLUMNS + " from users where uuid = ?", UserStore::user, uuid);
        });
    }

    public Optional<User> find(UUID uuid) {
        return jdbc.inTransaction(tx -> tx.queryOne("select " + USER_COLUMNS + " from users where uuid = ?",
                UserStore::user, uuid));
    }

    public List<User> list() {
        return jdbc.inTransaction(tx -> tx.query("select " + USER_COLUMNS + " from users order by username",
                UserStore::user));
    }

    public boolean delete(UUID uuid) {
        return jdbc.inTransaction(tx -> tx.update("delete from users where uuid = ?", uuid) == 1);
    }

    public Optional<Credentials> credentials(String username) {
        return jdbc.inTransaction(tx -> tx.queryOne("select " + USER_COLUMNS + ", password_hash from users where username = ?",
                rs -> new Credentials(user(rs), rs.getString("password_hash")), username));
    }

    /** The user who owns this SIP extension. */
    public Optional<User> findByExtension(String extension) {
        return jdbc.inTransaction(tx -> tx.queryOne("select " + USER_COLUMNS + " from users where sip_extension = ?",
                UserStore::user, extension));
    }

    /** The user with this username and their HA1s for {@code realm}, for SIP digest authentication. */
    public Optional<SipAccount> sipAccount(String username, String realm) {
        return jdbc.inTransaction(tx -> {
            Optional<User> user = tx.queryOne("select " + USER_COLUMNS + " from users where username = ?",
                    UserStore::user, username);
            if (user.isEmpty()) {
                return Optional.empty();
            }
            Map<String, String> ha1 = new HashMap<>();
            for (String[] row : tx.query("select algorithm, ha1 from sip_digests where user_uuid = ? and realm = ?",
                    rs -> new String[] {rs.getString("algorithm"), rs.getString("ha1")}, user.get().uuid(), realm)) {
                ha1.put(row[0], row[1]);
            }
            return Optional.of(new SipAccount(user.get(), Map.copyOf(ha1)));
        });
    }

    private static void insertDigests(Jdbc.Tx tx, UUID user, List<SipDigest> digests) throws SQLException {
        for (SipDigest d : digests) {
            tx.update("insert into sip_digests (user_uuid, realm, algorithm, ha1) values (?, ?, ?, ?)",
                    user, d.realm(), d.algorithm(), d.ha1());
        }
    }

    /** Registers a device; empty when the user is unknown. */
    public Optional<Device> addDevice(UUID userId, String name, String tokenHash) {
        return jdbc.inTransaction(tx -> {
            if (!tx.exists("select 1 from users where uuid = ?", userId)) {
                return Optional.empty();
            }
            UUID uuid = UUID.randomUUID();
            Instant now = Jdbc.now(clock);
            tx.update("insert into devices (uuid, user_uuid, name, token_hash, created_at) values (?, ?, ?, ?, ?)",
                    uuid, userId, name, tokenHash, now);
            return Optional.of(new Device(uuid, userId, name, now));
        });
    }

    public List<Device> devices(UUID userId) {
        return jdbc.inTransaction(tx -> tx.query(
                "select uuid, user_uuid, name, created_at from devices where user_uuid = ? order by created_at, name",
                UserStore::device, userId));
    }

    public boolean deleteDevice(UUID userId, UUID deviceId) {
        return jdbc.inTransaction(tx -> tx.update("delete from devices where uuid = ? and user_uuid = ?", deviceId, userId) == 1);
    }

    /** The user owning the device with this name and token hash. */
    public Optional<User> findByDevice(String deviceName, String tokenHash) {
        return jdbc.inTransaction(tx -> tx.queryOne("select u.uuid, u.username, u.display_name, u.sip_extension,"
                        + " u.created_at, u.updated_at from devices d join users u on u.uuid = d.user_uuid"
                        + " where d.name = ? and d.token_hash = ?", UserStore::user, deviceName, tokenHash));
    }

    private static User user(ResultSet rs) throws SQLException {
        return new User(Jdbc.uuid(rs, "uuid"), rs.getString("username"), rs.getString("display_name"),
                rs.getString("sip_extension"), Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "updated_at"));
    }

    private static Device device(ResultSet rs) throws SQLException {
        return new Device(Jdbc.uuid(rs, "uuid"), Jdbc.uuid(rs, "user_uuid"), rs.getString("name"), Jdbc.instant(rs, "created_at"));
    }
}
