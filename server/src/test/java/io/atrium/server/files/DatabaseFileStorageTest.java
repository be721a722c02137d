package io.atrium.server.files;

import static io.atrium.server.files.DatabaseFileStorage.CHUNK_BYTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atrium.server.config.AtriumConfig;
import io.atrium.server.store.Database;
import io.atrium.server.testing.Closer;
import io.atrium.server.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * File bytes in the database (files.storage: database) on embedded H2 and on a real PostgreSQL: whole and ranged
 * reads byte-identical, a range reads only the chunks it covers, unknown keys, deletion, the sweep of objects no
 * video file names, and a store that fails midway (the content's stream, or the database itself) leaves no row and
 * no temporary file.
 */
class DatabaseFileStorageTest {

    @TempDir
    Path dataDir;
    @RegisterExtension
    final Closer open = new Closer();
    private Database db;

    private DatabaseFileStorage storage(TestServer.Db kind) throws IOException {
        db = open.track(Database.open(TestServer.config(kind, dataDir).database(), dataDir));
        return new DatabaseFileStorage(db.jdbc(), dataDir.resolve("files/tmp"), Clock.systemUTC());
    }

    /**
     * Nodes may share {@code files.dir} (older local files, docs/SCALING.md): each receives uploads to the database in
     * its own data directory, so one node's start (which empties its temporary folder) leaves another's uploads alone.
     */
    @Test
    void aNodeStartingLeavesTheUploadsInProgressOfAnotherNodeSharingTheFilesDirectory() throws IOException {
        AtriumConfig.Files shared = new AtriumConfig.Files(
                dataDir.resolve("shared-files").toString(), null, null, null, null, null, "database");
        AtriumConfig one = TestServer.config(TestServer.Db.H2, dataDir.resolve("one")).withFiles(shared);
        AtriumConfig two = TestServer.config(TestServer.Db.H2, dataDir.resolve("two")).withFiles(shared);
        db = open.track(Database.open(one.database(), dataDir));
        DatabaseFileStorage first = new DatabaseFileStorage(db.jdbc(), one.uploadTempPath(), Clock.systemUTC());
        Path inProgress = Files.write(first.temporaryDirectory().resolve("upload-in-progress"), random(100));

        new DatabaseFileStorage(db.jdbc(), two.uploadTempPath(), Clock.systemUTC()); // the other node starts
        assertThat(inProgress).exists();
        assertThat(first.temporaryDirectory().startsWith(one.filesPath().toAbsolutePath())).as("not under the shared files.dir").isFalse();
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static byte[] read(FileStorage storage, String key, long offset, long length) throws IOException {
        try (InputStream in = storage.open(key, offset, length)) {
            return in.readAllBytes();
        }
    }

    private long rows(String table) {
        return db.jdbc().inTransaction(tx -> tx.queryOne("select count(*) from " + table, rs -> rs.getLong(1)).orElseThrow());
    }

    @ParameterizedTest
    @EnumSource(TestServer.Db.class)
    void storesInChunksAndReadsWholeAndByRangeByteIdentical(TestServer.Db kind) throws IOException {
        DatabaseFileStorage storage = storage(kind);
        byte[] content = random(3 * CHUNK_BYTES + 1234);

        FileStorage.Stored stored = storage.store(new ByteArrayInputStream(content));

        assertThat(stored.size()).isEqualTo(content.length);
        assertThat(storage.size(stored.key())).isEqualTo(content.length);
        assertThat(rows("file_chunks")).isEqualTo(4);
        assertThat(read(storage, stored.key(), 0, content.length)).isEqualTo(content);
        long[][] ranges = {{0, 1}, {CHUNK_BYTES - 10, 20}, {CHUNK_BYTES, CHUNK_BYTES}, {5, 2L * CHUNK_BYTES + 100},
                {content.length - 1, 1}, {3L * CHUNK_BYTES, 1234}};
        for (long[] r : ranges) {
            assertThat(read(storage, stored.key(), r[0], r[1])).as("range %d+%d", r[0], r[1])
                    .isEqualTo(Arrays.copyOfRange(content, (int) r[0], (int) (r[0] + r[1])));
        }
        // a range past the end reads what there is, as a file would
        assertThat(read(storage, stored.key(), content.length - 4, 100)).isEqualTo(Arrays.copyOfRange(content, content.length - 4,
                content.length));
        try (InputStream in = storage.open(stored.key(), 7, 3)) {
            assertThat(in.read()).isEqualTo(content[7] & 0xff);
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(content, 8, 10));
            assertThat(in.read()).isEqualTo(-1);
        }
        assertThat(Files.list(storage.temporaryDirectory())).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(TestServer.Db.class)
    void aRangedReadFetchesOnlyTheChunksItCovers(TestServer.Db kind) throws IOException {
        DatabaseFileStorage storage = storage(kind);
        byte[] content = random(4 * CHUNK_BYTES);
        String key = storage.store(new ByteArrayInputStream(content)).key();
        // without chunks 0 and 3, a range within chunks 1 and 2 still reads; one that needs chunk 3 does not
        db.jdbc().inTransaction(tx -> tx.update("delete from file_chunks where storage_key = ? and seq in (0, 3)", key));

        assertThat(read(storage, key, CHUNK_BYTES + 3, CHUNK_BYTES + 5))
                .isEqualTo(Arrays.copyOfRange(content, CHUNK_BYTES + 3, 2 * CHUNK_BYTES + 8));
        assertThatThrownBy(() -> read(storage, key, 2L * CHUNK_BYTES, CHUNK_BYTES + 1)).isInstanceOf(IOException.class)
                .hasMessageContaining("no chunk 3");
    }

    @ParameterizedTest
    @EnumSource(TestServer.Db.class)
    void unknownKeysAreNoSuchFileAndDeleteRemovesEveryRow(TestServer.Db kind) throws IOException {
        DatabaseFileStorage storage = storage(kind);
        String unknown = "0123456789abcdef0123456789abcdef";
        for (String key : new String[] {unknown, "../etc/passwd", "ab/0123456789abcdef0123456789abcdef"}) {
            assertThatThrownBy(() -> storage.open(key, 0, 1)).isInstanceOf(NoSuchFileException.class);
            assertThatThrownBy(() -> storage.size(key)).isInstanceOf(NoSuchFileException.class);
        }
        assertThat(storage.delete(unknown)).isFalse();

        String key = storage.store(new ByteArrayInputStream(random(CHUNK_BYTES + 1))).key();
        String other = storage.store(new ByteArrayInputStream(random(10))).key();
        assertThat(storage.delete(key)).isTrue();

        assertThat(storage.delete(key)).isFalse();
        assertThatThrownBy(() -> storage.open(key, 0, 1)).isInstanceOf(NoSuchFileException.class);
        assertThat(rows("file_objects")).isEqualTo(1);
        assertThat(rows("file_chunks")).isEqualTo(1);
        assertThat(read(storage, other, 0, 10)).isEqualTo(random(10));
    }

    @ParameterizedTest
    @EnumSource(TestServer.Db.class)
    void objectsNoVideoFileNamesAreDeletedOnceOldEnough(TestServer.Db kind) throws IOException {
        DatabaseFileStorage storage = storage(kind);
        String named = storage.store(new ByteArrayInputStream(random(CHUNK_BYTES + 5))).key();
        String unnamed = storage.store(new ByteArrayInputStream(random(CHUNK_BYTES + 6))).key();
        UUID room = UUID.randomUUID();
        db.jdbc().inTransaction(tx -> tx.update("insert into rooms (uuid, name, is_open, force_password, force_waiting_room,"
                + " created_at, updated_at) values (?, 'r', true, false, false, ?, ?)", room, java.time.Instant.now(), java.time.Instant.now()));
        db.jdbc().inTransaction(tx -> tx.update("insert into video_files (uuid, room_uuid, filename, storage_key, size_bytes,"
                + " duration_seconds, content_type, uploaded_by, uploaded_at) values (?, ?, 'a.mp4', ?, 1, 1, 'video/mp4', 'me', ?)",
                UUID.randomUUID(), room, named, java.time.Instant.now()));

        assertThat(storage.deleteUnnamed(Duration.ofMinutes(1))).as("both younger than a minute").isZero();
        assertThat(storage.deleteUnnamed(Duration.ofMinutes(-1))).isEqualTo(1);

        assertThat(storage.size(named)).isEqualTo(CHUNK_BYTES + 5);
        assertThatThrownBy(() -> storage.size(unnamed)).isInstanceOf(NoSuchFileException.class);
        assertThat(rows("file_chunks")).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(TestServer.Db.class)
    void aContentStreamFailingMidwayLeavesNothing(TestServer.Db kind) throws IOException {
        DatabaseFileStorage storage = storage(kind);
        InputStream failing = new FilterInputStream(new ByteArrayInputStream(random(3 * CHUNK_BYTES))) {
            private int read;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (read > 2 * CHUNK_BYTES) {
                    throw new IOException("the client went away");
                }
                int n = super.read(b, off, len);
                read += Math.max(n, 0);
                return n;
            }
        };

        assertThatThrownBy(() -> storage.store(failing)).isInstanceOf(IOException.class).hasMessage("the client went away");

        assertThat(rows("file_objects")).isZero();
        assertThat(rows("file_chunks")).isZero();
        assertThat(Files.list(storage.temporaryDirectory())).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(TestServer.Db.class)
    void aDatabaseFailingMidwayLeavesNoRow(TestServer.Db kind) throws IOException {
        DatabaseFileStorage storage = storage(kind);
        // the database refuses the third chunk, after the object and two chunks were inserted in the transaction
        db.jdbc().inTransaction(tx -> tx.update("alter table file_chunks add constraint two_chunks_at_most check (seq < 2)"));

        assertThatThrownBy(() -> storage.store(new ByteArrayInputStream(random(3 * CHUNK_BYTES))))
                .isInstanceOf(IOException.class).hasMessageContaining("could not store");

        assertThat(rows("file_objects")).isZero();
        assertThat(rows("file_chunks")).isZero();
        assertThat(Files.list(storage.temporaryDirectory())).isEmpty();
        FileStorage.Stored small = storage.store(new ByteArrayInputStream(random(2 * CHUNK_BYTES)));
        assertThat(read(storage, small.key(), 0, small.size())).isEqualTo(random(2 * CHUNK_BYTES));
    }
}
