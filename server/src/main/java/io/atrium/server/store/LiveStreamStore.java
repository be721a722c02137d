package io.atrium.server.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

/**
 * Contract 000's live streams: name → room and host. The name is the primary key, so the database decides
 * which of two creations of one name wins, on one node or many (docs/SCALING.md).
 */
public final class LiveStreamStore {

    /** A stored stream: its name, its room, who created it. */
    public record Row(String name, UUID room, String host) {
    }

    private final Jdbc jdbc;
    private final Clock clock;

    public LiveStreamStore(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Stores a stream; {@link StoreException.Duplicate} when the name is taken. */
    public Row create(String name, UUID room, String host) {
        return jdbc.inTransaction(tx -> {
            tx.update("insert into live_streams (name, room_uuid, host, created_at) values (?, ?, ?, ?)",
                    name, room, host, Jdbc.now(clock));
            return new Row(name, room, host);
        });
    }

    public Optional<Row> find(String name) {
        return jdbc.inTransaction(tx -> tx.queryOne("select name, room_uuid, host from live_streams where name = ?", LiveStreamStore::row, name));
    }

    public Optional<Row> find(UUID room) {
        return jdbc.inTransaction(tx -> tx.queryOne("select name, room_uuid, host from live_streams where room_uuid = ?",
                LiveStreamStore::row, room));
    }

    /** Every stored stream. */
    public java.util.List<Row> all() {
        return jdbc.inTransaction(tx -> tx.query("select name, room_uuid, host from live_streams", LiveStreamStore::row));
    }

    /** Removes stream {@code name} if it is still the one of {@code room}. */
    public void delete(String name, UUID room) {
        jdbc.inTransaction(tx -> tx.update("delete from live_streams where name = ? and room_uuid = ?", name, room));
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString("name"), Jdbc.uuid(rs, "room_uuid"), rs.getString("host"));
    }
}
