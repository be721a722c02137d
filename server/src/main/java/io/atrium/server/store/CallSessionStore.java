package io.atrium.server.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Sessions of the call API (contracts 003/004): each is a room (closed, no password, no stored
 * members; participants enter with tokens) plus the session's own name and end time. Creating and
 * ending are one transaction each.
 */
public final class CallSessionStore {

    /** A stored session; {@code id} is its room's uuid. */
    public record CallSession(UUID id, String name, Instant createdAt, Instant endedAt) {
        public boolean ended() {
            return endedAt != null;
        }
    }

    private final Jdbc jdbc;
    private final Clock clock;

    public CallSessionStore(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Creates the room and the session; {@code roomName} names the room, {@code name} (nullable) the session. */
    public CallSession create(String roomName, String name) {
        return jdbc.inTransaction(tx -> {
            UUID id = UUID.randomUUID();
            Instant now = Jdbc.now(clock);
            tx.update("insert into rooms (uuid, name, password_hash, is_open, force_password, force_waiting_room, created_at,"
                    + " updated_at, owner) values (?, ?, null, false, false, false, ?, ?, ?)", id, roomName, now, now, Room.VIDEO_CALL);
            tx.update("insert into video_call_sessions (room_uuid, name, created_at) values (?, ?, ?)", id, name, now);
            return new CallSession(id, name, now, null);
        });
    }

    public Optional<CallSession> find(UUID id) {
        return jdbc.inTransaction(tx -> tx.queryOne(
                "select room_uuid, name, created_at, ended_at from video_call_sessions where room_uuid = ?",
                CallSessionStore::session, id));
    }

    /** Marks the session ended and soft-deletes its room; empty when unknown, unchanged when already ended. */
    public Optional<CallSession> end(UUID id) {
        return jdbc.inTransaction(tx -> {
            Optional<CallSession> s = tx.queryOne("select room_uuid, name, created_at, ended_at from video_call_sessions"
                    + " where room_uuid = ? for update", CallSessionStore::session, id);
            if (s.isEmpty() || s.get().ended()) {
                return s;
            }
            Instant now = Jdbc.now(clock);
            tx.update("update video_call_sessions set ended_at = ? where room_uuid = ?", now, id);
            tx.update("update rooms set deleted_at = ? where uuid = ? and deleted_at is null", now, id);
            return Optional.of(new CallSession(id, s.get().name(), s.get().createdAt(), now));
        });
    }

    private static CallSession session(ResultSet rs) throws SQLException {
        return new CallSession(Jdbc.uuid(rs, "room_uuid"), rs.getString("name"), Jdbc.instant(rs, "created_at"),
                Jdbc.instant(rs, "ended_at"));
    }
}
