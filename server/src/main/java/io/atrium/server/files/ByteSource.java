package io.atrium.server.files;

import java.io.IOException;
import java.io.InputStream;

/**
 * Random-access reads of a file for {@link MediaProbe}: in memory, or from a {@link FileStorage}
 * object through a small window cache (so a probe of an MP4 whose moov follows 100 MB of mdat reads
 * a few KiB, not the whole file).
 */
public interface ByteSource {

    long size();

    /** Reads exactly {@code length} bytes at {@code position}; the range lies within {@link #size()}. */
    void read(long position, byte[] into, int offset, int length) throws IOException;

    /** The bytes of an array. */
    static ByteSource of(byte[] bytes) {
        return new ByteSource() {
            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public void read(long position, byte[] into, int offset, int length) {
                System.arraycopy(bytes, Math.toIntExact(position), into, offset, length);
            }
        };
    }

    /** An object of {@code storage}, read in windows of {@code window} bytes, the last one cached. */
    static ByteSource of(FileStorage storage, String key, long size, int window) {
        return new ByteSource() {
            private long cachedAt = -1;
            private byte[] cache = new byte[0];

            @Override
            public long size() {
                return size;
            }

            @Override
            public void read(long position, byte[] into, int offset, int length) throws IOException {
                while (length > 0) {
                    if (cachedAt < 0 || position < cachedAt || position >= cachedAt + cache.length) {
                        fill(position);
                    }
                    int start = (int) (position - cachedAt);
                    int n = Math.min(length, cache.length - start);
                    System.arraycopy(cache, start, into, offset, n);
                    position += n;
                    offset += n;
                    length -= n;
                }
            }

            private void fill(long position) throws IOException {
                long start = position - position % window;
                int n = (int) Math.min(window, size - start);
                byte[] bytes = new byte[n];
                try (InputStream in = storage.open(key, start, n)) {
                    int read = in.readNBytes(bytes, 0, n);
                    if (read != n) {
                        throw new IOException("stored object " + key + " is shorter than " + size + " bytes");
                    }
                }
                cache = bytes;
                cachedAt = start;
            }
        };
    }
}
