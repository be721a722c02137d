package io.atrium.server.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Recordings of rooms, oldest first (table {@code recordings}). */
public final class RecordingStore {

    private static final String COLUMNS = "uuid, room_uuid, state, composite, started_at, stopped_at, finished_at, error";

    private final Jdbc jdbc;

    public RecordingStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public RecordingRow insert(RecordingRow r) {
        return jdbc.inTransaction(tx -> {
            tx.update("insert into recordings (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?)", r.id(), r.room(), r.state(),
                    r.composite(), r.startedAt(), r.stoppedAt(), r.finishedAt(), r.error());
            return r;
        });
    }

    /** A recording that was {@code recording} is now {@code finishing}; empty when it was not recording. */
    public Optional<RecordingRow> stopped(UUID id, Instant at) {
        return change(id, RecordingRow.RECORDING, "state = ?, stopped_at = ?", RecordingRow.FINISHING, at);
    }

    /** A recording that was {@code finishing} is now {@code ready} or {@code failed} ({@code error} may be null). */
    public Optional<RecordingRow> finished(UUID id, String state, Instant at, String error) {
        return change(id, RecordingRow.FINISHING, "state = ?, finished_at = ?, error = ?", state, at, error);
    }

    private Optional<RecordingRow> change(UUID id, String from, String set, Object... values) {
        Object[] params = java.util.Arrays.copyOf(values, values.length + 2);
        params[values.length] = id;
        params[values.length + 1] = from;
        return jdbc.inTransaction(tx -> tx.update("update recordings set " + set + " where uuid = ? and state = ?", params) == 0
                ? Optional.empty()
                : tx.queryOne("select " + COLUMNS + " from recordings where uuid = ?", RecordingStore::row, id));
    }

    public List<RecordingRow> list(UUID room) {
        return jdbc.inTransaction(tx -> tx.query("select " + COLUMNS + " from recordings where room_uuid = ?"
                + " order by started_at, uuid", RecordingStore::row, room));
    }

    /** Recordings in {@code state}, across rooms (a restart finishes those left recording or finishing). */
    public List<RecordingRow> inState(String state) {
        return jdbc.inTransaction(tx -> tx.query("select " + COLUMNS + " from recordings where state = ?"
                + " order by started_at, uuid", RecordingStore::row, state));
    }

    public Optional<RecordingRow> find(UUID id) {
        return jdbc.inTransaction(tx -> tx.queryOne("select " + COLUMNS + " from recordings where uuid = ?",
                RecordingStore::row, id));
    }

    public boolean delete(UUID id) {
        return jdbc.inTransaction(tx -> tx.update("delete from recordings where uuid = ?", id) > 0);
    }

    private static RecordingRow row(ResultSet rs) throws SQLException {
        return new RecordingRow(Jdbc.uuid(rs, "uuid"), Jdbc.uuid(rs, "room_uuid"), rs.getString("state"),
                rs.getBoolean("composite"), Jdbc.instant(rs, "started_at"), Jdbc.instant(rs, "stopped_at"),
                Jdbc.instant(rs, "finished_at"), rs.getString("error"));
    }
}
