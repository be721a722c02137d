package io.atrium.server.store;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Meetings of contract 001 (an n-digit id naming a stored room) and the identities admitted to
 * their waiting rooms. Every write is one transaction.
 */
public final class MeetingStore {

    /** A meeting: its id and its room. */
    public record Meeting(String meetingId, UUID room, Instant createdAt) {
    }

    private final Jdbc jdbc;
    private final Clock clock;

    public MeetingStore(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Stores a meeting; {@link StoreException.Duplicate} when the id is taken. */
    public Meeting create(String meetingId, UUID room) {
        return jdbc.inTransaction(tx -> {
            Instant now = Jdbc.now(clock);
            tx.update("insert into meetings (meeting_id, room_uuid, created_at) values (?, ?, ?)", meetingId, room, now);
            return new Meeting(meetingId, room, now);
        });
    }

    public Optional<Meeting> find(String meetingId) {
        return jdbc.inTransaction(tx -> tx.queryOne("select meeting_id, room_uuid, created_at from meetings where meeting_id = ?",
                rs -> new Meeting(rs.getString("meeting_id"), Jdbc.uuid(rs, "room_uuid"), Jdbc.instant(rs, "created_at")),
                meetingId));
    }

    /** The meeting whose room is {@code room}. */
    public Optional<Meeting> find(UUID room) {
        return jdbc.inTransaction(tx -> tx.queryOne("select meeting_id, room_uuid, created_at from meetings where room_uuid = ?",
                rs -> new Meeting(rs.getString("meeting_id"), Jdbc.uuid(rs, "room_uuid"), Jdbc.instant(rs, "created_at")),
                room));
    }

    /** Records that {@code identity} entered the waiting room, until {@code expiresAt}; drops expired entries. */
    public void addGuest(String meetingId, String identity, Instant expiresAt) {
        jdbc.inTransaction(tx -> {
            tx.update("delete from meeting_guests where expires_at < ?", Jdbc.now(clock));
            tx.update("insert into meeting_guests (meeting_id, identity, expires_at) values (?, ?, ?)", meetingId, identity, expiresAt);
            return null;
        });
    }

    /** Whether {@code identity} entered this meeting's waiting room and its grant has not expired. */
    public boolean isGuest(String meetingId, String identity) {
        return jdbc.inTransaction(tx -> tx.exists("select 1 from meeting_guests where meeting_id = ? and identity = ? and expires_at > ?",
                meetingId, identity, Jdbc.now(clock)));
    }
}
