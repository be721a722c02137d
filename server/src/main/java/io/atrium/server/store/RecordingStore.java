package io.atrium.server.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Recordings of rooms, oldest first (table {@code recordings}). */
public final class RecordingStore {

    private static final String COLUMNS = "uuid, room_uuid, state, composite, started_at, stopped_at, finished_at, error, node";
    /** A recording given up when its node was gone, its track files still on that node's disk ({@link #abandoned}). */
    private static final String GIVEN_UP = "(state = 'failed' and finished_at is null)";

    private final Jdbc jdbc;

    public RecordingStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public RecordingRow insert(RecordingRow r) {
        return jdbc.inTransaction(tx -> {
            tx.update("insert into recordings (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?)", r.id(), r.room(), r.state(),
                    r.composite(), r.startedAt(), r.stoppedAt(), r.finishedAt(), r.error(), r.node());
            return r;
        });
    }

    /**
     * A recording that was {@code recording}, or given up ({@link #abandoned}), is now {@code finishing} by
     * {@code node} (this node; null alone), stopped at {@code at} unless it already had a stop time; empty when it
     * was neither.
     */
    public Optional<RecordingRow> stopped(UUID id, Instant at, String node) {
        return change(id, "state = 'recording' or " + GIVEN_UP,
                "state = 'finishing', stopped_at = coalesce(stopped_at, ?), node = ?", at, node);
    }

    /** {@link #stopped(UUID, Instant, String)} by itself, with {@code error} saying why (a bound it reached). */
    public Optional<RecordingRow> stopped(UUID id, Instant at, String node, String error) {
        return change(id, "state = 'recording' or " + GIVEN_UP,
                "state = 'finishing', stopped_at = coalesce(stopped_at, ?), node = ?, error = ?", at, node, error);
    }

    /**
     * A recording that was {@code finishing}, or given up, is now {@code ready} or {@code failed} ({@code error} may
     * be null); empty when it was neither.
     */
    public Optional<RecordingRow> finished(UUID id, String state, Instant at, String error) {
        return change(id, "state = 'finishing' or " + GIVEN_UP, "state = ?, finished_at = ?, error = ?", state, at, error);
    }

    /**
     * Gives up the recordings that {@code node} (gone) was making or finishing: {@code failed} with {@code error},
     * stopped at {@code at} unless they had stopped, and no finish time (their track files are on that node's disk).
     * The recordings changed, each once whoever calls.
     */
    public List<RecordingRow> abandoned(String node, Instant at, String error) {
        return jdbc.inTransaction(tx -> {
            List<RecordingRow> given = tx.query("select " + COLUMNS + " from recordings where node = ?"
                    + " and state in ('recording', 'finishing') order by started_at, uuid for update", RecordingStore::row, node);
            for (RecordingRow r : given) {
                tx.update("update recordings set state = 'failed', stopped_at = coalesce(stopped_at, ?), error = ?"
                        + " where uuid = ?", at, error, r.id());
            }
            return given.stream().map(r -> new RecordingRow(r.id(), r.room(), RecordingRow.FAILED, r.composite(), r.startedAt(),
                    r.stoppedAt() != null ? r.stoppedAt() : at, null, error, r.node())).toList();
        });
    }

    private Optional<RecordingRow> change(UUID id, String from, String set, Object... values) {
        Object[] params = java.util.Arrays.copyOf(values, values.length + 1);
        params[values.length] = id;
        return jdbc.inTransaction(tx -> tx.update("update recordings set " + set + " where uuid = ? and (" + from + ")", params) == 0
                ? Optional.empty()
                : tx.queryOne("select " + COLUMNS + " from recordings where uuid = ?", RecordingStore::row, id));
    }

    public List<RecordingRow> list(UUID room) {
        return jdbc.inTransaction(tx -> tx.query("select " + COLUMNS + " from recordings where room_uuid = ?"
                + " order by started_at, uuid", RecordingStore::row, room));
    }

    /**
     * Recordings a node may have left to finish, across rooms: still {@code recording} or {@code finishing}, or
     * given up by another node ({@link #abandoned}); a node finishes at start those whose track files it has.
     */
    public List<RecordingRow> unfinished() {
        return jdbc.inTransaction(tx -> tx.query("select " + COLUMNS + " from recordings where state in ('recording', 'finishing')"
                + " or " + GIVEN_UP + " order by started_at, uuid", RecordingStore::row));
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
                Jdbc.instant(rs, "finished_at"), rs.getString("error"), rs.getString("node"));
    }
}
