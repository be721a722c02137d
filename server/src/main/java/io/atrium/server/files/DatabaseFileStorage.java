package io.atrium.server.files;

import io.atrium.server.store.Jdbc;
import io.atrium.server.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files in the shared database ({@code files.storage: database}, a cluster's default; docs/SCALING.md), so that
 * every node serves every file and none is lost with a node: a row of {@code file_objects} per object (key, size)
 * and its bytes in {@code file_chunks} of {@link #CHUNK_BYTES} each (the last one shorter).
 *
 * <p>A store first copies the content to a temporary file (so that a slow upload holds no database connection,
 * and a refused one never reaches the database), then inserts the object and its chunks in one transaction: after
 * it returns the file is committed whole, and a failure anywhere leaves no row. A read fetches only the chunks
 * its range covers, one at a time as the reader gets to them, each in its own short query; nothing holds a whole
 * file in memory.
 */
public final class DatabaseFileStorage implements FileStorage {

    private static final Logger log = LoggerFactory.getLogger(DatabaseFileStorage.class);
    /** The size of a chunk row: small enough to hold one per reader, large enough that a 100 MB file is 400 rows. */
    static final int CHUNK_BYTES = 256 * 1024;
    private static final Pattern KEY = Pattern.compile("[0-9a-f]{32}");

    private final Jdbc jdbc;
    private final Path tmp;
    private final Clock clock;

    /** Stores in {@code jdbc}'s database, receiving uploads in {@code tmp} (created, emptied of a previous run's leftovers). */
    public DatabaseFileStorage(Jdbc jdbc, Path tmp, Clock clock) throws IOException {
        this.jdbc = jdbc;
        this.tmp = LocalFileStorage.emptyTemporaryDirectory(tmp.toAbsolutePath().normalize());
        this.clock = clock;
    }

    /** The directory of uploads being received. */
    public Path temporaryDirectory() {
        return tmp;
    }

    @Override
    public Stored store(InputStream content) throws IOException {
        String key = LocalFileStorage.randomName();
        Path partial = tmp.resolve(key);
        try {
            long size;
            try (OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                size = content.transferTo(out);
            }
            try (InputStream in = Files.newInputStream(partial)) {
                jdbc.inTransaction(tx -> {
                    tx.update("insert into file_objects (storage_key, size_bytes, created_at) values (?, ?, ?)", key, size,
                            Jdbc.now(clock));
                    byte[] chunk = new byte[CHUNK_BYTES];
                    for (int seq = 0, n; (n = readChunk(in, chunk)) > 0; seq++) {
                        tx.update("insert into file_chunks (storage_key, seq, bytes) values (?, ?, ?)", key, seq,
                                n == CHUNK_BYTES ? chunk : Arrays.copyOf(chunk, n));
                    }
                    return null;
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            } catch (StoreException e) {
                throw new IOException("the database could not store the file: " + e.getMessage(), e);
            }
            return new Stored(key, size);
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException e) {
                log.warn("could not delete the received upload {}: {}", partial, e.toString());
            }
        }
    }

    private static int readChunk(InputStream in, byte[] chunk) {
        try {
            return in.readNBytes(chunk, 0, chunk.length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public InputStream open(String key, long offset, long length) throws IOException {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative offset or length");
        }
        long size = size(key);
        return new ChunkStream(key, offset, offset + Math.max(0, Math.min(length, size - offset)));
    }

    @Override
    public long size(String key) throws IOException {
        String k = checked(key);
        return query(() -> jdbc.inTransaction(tx -> tx.queryOne("select size_bytes from file_objects where storage_key = ?",
                rs -> rs.getLong(1), k))).orElseThrow(() -> new NoSuchFileException(k, null, "no such stored object"));
    }

    @Override
    public boolean delete(String key) throws IOException {
        String k = checked(key);
        // the object's chunks go with it (on delete cascade)
        return query(() -> Optional.of(jdbc.inTransaction(tx -> tx.update("delete from file_objects where storage_key = ?", k) > 0)))
                .orElse(false);
    }

    /**
     * Deletes the objects stored more than {@code age} ago that no video file names: what a node killed between an
     * upload's two commits (its bytes, then its metadata) left. Younger ones may be uploads still being probed and
     * recorded, on any node. Returns how many went.
     */
    public int deleteUnnamed(java.time.Duration age) {
        return jdbc.inTransaction(tx -> tx.update("delete from file_objects where created_at < ? and not exists"
                + " (select 1 from video_files f where f.storage_key = file_objects.storage_key)", Jdbc.now(clock).minus(age)));
    }

    private static String checked(String key) throws NoSuchFileException {
        if (key == null || !KEY.matcher(key).matches()) {
            throw new NoSuchFileException(String.valueOf(key), null, "not a key of this storage");
        }
        return key;
    }

    /** Runs a query, a database failure as an {@link IOException} (what {@link FileStorage} callers handle). */
    private static <T> Optional<T> query(java.util.function.Supplier<Optional<T>> query) throws IOException {
        try {
            return query.get();
        } catch (StoreException e) {
            throw new IOException("the database could not be read: " + e.getMessage(), e);
        }
    }

    /** The bytes {@code [position, end)} of an object, fetched a chunk at a time as they are read. */
    private final class ChunkStream extends InputStream {
        private final String key;
        private final long end;
        private long position;
        private byte[] chunk;
        private long chunkSeq = -1;

        ChunkStream(String key, long position, long end) {
            this.key = key;
            this.position = position;
            this.end = end;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (position >= end) {
                return -1;
            }
            long seq = position / CHUNK_BYTES;
            if (seq != chunkSeq) {
                chunk = query(() -> jdbc.inTransaction(tx -> tx.queryOne("select bytes from file_chunks where storage_key = ? and seq = ?",
                        rs -> rs.getBytes(1), key, (int) seq))).orElseThrow(() ->
                        new IOException("stored object " + key + " has no chunk " + seq + " (deleted while being read?)"));
                chunkSeq = seq;
            }
            int start = (int) (position % CHUNK_BYTES);
            int n = (int) Math.min(Math.min(len, chunk.length - start), end - position);
            if (n <= 0) {
                throw new IOException("chunk " + seq + " of stored object " + key + " is shorter than its object's size says");
            }
            System.arraycopy(chunk, start, b, off, n);
            position += n;
            return n;
        }
    }
}
