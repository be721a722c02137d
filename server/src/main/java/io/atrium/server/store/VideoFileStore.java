package io.atrium.server.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Metadata of shared video files, per room, oldest first. */
public final class VideoFileStore {

    private static final String COLUMNS = "uuid, room_uuid, filename, storage_key, size_bytes, duration_seconds,"
            + " content_type, uploaded_by, uploaded_at";

    private final Jdbc jdbc;

    public VideoFileStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public VideoFile insert(VideoFile f) {
        return jdbc.inTransaction(tx -> {
            tx.update("insert into video_files (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?)", f.id(), f.room(),
                    f.filename(), f.storageKey(), f.size(), f.durationSeconds(), f.contentType(), f.uploadedBy(), f.uploadedAt());
            return f;
        });
    }

    public List<VideoFile> list(UUID room) {
        return jdbc.inTransaction(tx -> tx.query("select " + COLUMNS + " from video_files where room_uuid = ?"
                + " order by uploaded_at, uuid", VideoFileStore::file, room));
    }

    public Optional<VideoFile> find(UUID id) {
        return jdbc.inTransaction(tx -> tx.queryOne("select " + COLUMNS + " from video_files where uuid = ?",
                VideoFileStore::file, id));
    }

    /** Bytes of the files of {@code room}. */
    public long usedBytes(UUID room) {
        return jdbc.inTransaction(tx -> tx.queryOne("select coalesce(sum(size_bytes), 0) from video_files where room_uuid = ?",
                rs -> rs.getLong(1), room).orElse(0L));
    }

    /** Bytes of every stored file. */
    public long usedBytes() {
        return jdbc.inTransaction(tx -> tx.queryOne("select coalesce(sum(size_bytes), 0) from video_files",
                rs -> rs.getLong(1)).orElse(0L));
    }

    /** Deletes the row; returns it, or empty when there was none in that room. */
    public Optional<VideoFile> delete(UUID room, UUID id) {
        return jdbc.inTransaction(tx -> {
            Optional<VideoFile> f = tx.queryOne("select " + COLUMNS + " from video_files where uuid = ? and room_uuid = ?",
                    VideoFileStore::file, id, room);
            if (f.isPresent()) {
                tx.update("delete from video_files where uuid = ?", id);
            }
            return f;
        });
    }

    private static VideoFile file(ResultSet rs) throws SQLException {
        return new VideoFile(Jdbc.uuid(rs, "uuid"), Jdbc.uuid(rs, "room_uuid"), rs.getString("filename"),
                rs.getString("storage_key"), rs.getLong("size_bytes"), rs.getDouble("duration_seconds"),
                rs.getString("content_type"), rs.getString("uploaded_by"), Jdbc.instant(rs, "uploaded_at"));
    }
}
