package io.atrium.server.files;

import java.io.IOException;
import java.io.InputStream;

/**
 * Where the bytes of shared files live, under keys the storage generates (never a client's name).
 * {@link LocalFileStorage} keeps them in a directory, {@link DatabaseFileStorage} in the database (a cluster's
 * default: {@code files.storage}); an S3-compatible store fits the same shape
 * (store = PUT or multipart upload, open = ranged GET, delete = DELETE).
 */
public interface FileStorage {

    /** A stored object: its key and size in bytes. */
    record Stored(String key, long size) {
    }

    /**
     * Copies {@code content} to its end into a new object and returns its key. If reading or writing
     * fails, the exception (as thrown by the stream, or an {@link IOException} from storage) propagates
     * and nothing is left behind: no object, no temporary file.
     */
    Stored store(InputStream content) throws IOException;

    /** Reads {@code length} bytes from {@code offset} of the object. Unknown key: {@link java.nio.file.NoSuchFileException}. */
    InputStream open(String key, long offset, long length) throws IOException;

    /** The size of the object in bytes. Unknown key: {@link java.nio.file.NoSuchFileException}. */
    long size(String key) throws IOException;

    /** Deletes the object; returns false when there was none. */
    boolean delete(String key) throws IOException;
}
