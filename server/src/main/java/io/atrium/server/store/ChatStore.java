package io.atrium.server.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Chat messages per room, in order (a per-room sequence number), for history on join. Each room keeps its
 * newest {@link #KEPT_PER_ROOM} messages: adding one deletes what falls beyond, in the same transaction.
 */
public final class ChatStore {

    /** Messages kept per room: ten times the 100 the web app shows on joining (at most about 16 MB of text). */
    public static final int KEPT_PER_ROOM = 1000;

    /** A stored message, as the protocol and the REST API show it. */
    public record Message(UUID id, String member, UUID user, String name, String text, Instant sentAt) {
    }

    private final Jdbc jdbc;
    private final Clock clock;

    public ChatStore(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public Message add(UUID room, String callId, UUID user, String name, String text) {
        return jdbc.inTransaction(tx -> {
            long seq = tx.queryOne("select coalesce(max(seq), 0) + 1 from chat_messages where room_uuid = ?",
                    rs -> rs.getLong(1), room).orElse(1L);
            Message m = new Message(UUID.randomUUID(), callId, user, name, text, Jdbc.now(clock));
            tx.update("insert into chat_messages (uuid, room_uuid, seq, call_id, user_uuid, name, text, sent_at)"
                    + " values (?, ?, ?, ?, ?, ?, ?, ?)", m.id(), room, seq, callId, user, name, text, m.sentAt());
            tx.update("delete from chat_messages where room_uuid = ? and seq <= ?", room, seq - KEPT_PER_ROOM);
            return m;
        });
    }

    /** Up to {@code limit} messages older than {@code before} (or the newest), oldest first. */
    public List<Message> history(UUID room, Optional<UUID> before, int limit) {
        return jdbc.inTransaction(tx -> {
            long upTo = before.isEmpty() ? Long.MAX_VALUE : tx.queryOne(
                    "select seq from chat_messages where room_uuid = ? and uuid = ?", rs -> rs.getLong(1), room, before.get())
                    .orElse(Long.MAX_VALUE);
            List<Message> newestFirst = new ArrayList<>(tx.query("select uuid, call_id, user_uuid, name, text, sent_at"
                    + " from chat_messages where room_uuid = ? and seq < ? order by seq desc limit " + limit,
                    ChatStore::message, room, upTo));
            Collections.reverse(newestFirst);
            return newestFirst;
        });
    }

    private static Message message(ResultSet rs) throws SQLException {
        return new Message(Jdbc.uuid(rs, "uuid"), rs.getString("call_id"), Jdbc.uuid(rs, "user_uuid"), rs.getString("name"),
                rs.getString("text"), Jdbc.instant(rs, "sent_at"));
    }
}
