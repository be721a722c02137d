package io.atrium.server.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files in one local directory: {@code <dir>/<2 hex>/<32 hex>} under random 128-bit names. A store
 * writes to {@code <dir>/tmp/} first and moves the complete file into place atomically, so a crash
 * or failure never leaves a partial object under a key; temporary files left by a crash are removed
 * at start.
 */
public final class LocalFileStorage implements FileStorage {

    private static final Logger log = LoggerFactory.getLogger(LocalFileStorage.class);
    private static final Pattern KEY = Pattern.compile("[0-9a-f]{2}/[0-9a-f]{32}");
    static final int BUFFER_BYTES = 64 * 1024;

    private final Path dir;
    private final Path tmp;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Uses (and creates) {@code dir}; removes temporary files a previous run left behind. */
    public LocalFileStorage(Path dir) throws IOException {
        this.dir = dir.toAbsolutePath().normalize();
        this.tmp = emptyTemporaryDirectory(this.dir.resolve("tmp"));
    }

    /** A new random 128-bit name, 32 lowercase hex digits. */
    static String randomName() {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    /** Creates {@code tmp} if needed and removes what a previous run left in it; returns it. */
    static Path emptyTemporaryDirectory(Path tmp) throws IOException {
        Files.createDirectories(tmp);
        try (var leftovers = Files.list(tmp)) {
            for (Path p : (Iterable<Path>) leftovers::iterator) {
                Files.deleteIfExists(p);
            }
        }
        return tmp;
    }

    public Path directory() {
        return dir;
    }

    /** The directory of files being written. */
    public Path temporaryDirectory() {
        return tmp;
    }

    @Override
    public Stored store(InputStream content) throws IOException {
        String name = randomName();
        String key = name.substring(0, 2) + "/" + name;
        Path partial = tmp.resolve(name);
        boolean done = false;
        try {
            long size = 0;
            try (OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                byte[] buffer = new byte[BUFFER_BYTES];
                for (int n; (n = content.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                    size += n;
                }
            }
            Path target = path(key);
            Files.createDirectories(target.getParent());
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, target);
            }
            done = true;
            return new Stored(key, size);
        } finally {
            if (!done) {
                try {
                    Files.deleteIfExists(partial);
                } catch (IOException e) {
                    log.warn("could not delete partial upload {}: {}", partial, e.toString());
                }
            }
        }
    }

    @Override
    public InputStream open(String key, long offset, long length) throws IOException {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative offset or length");
        }
        FileChannel channel = FileChannel.open(path(key), StandardOpenOption.READ);
        try {
            channel.position(offset);
            InputStream in = Channels.newInputStream(channel);
            return new BoundedInputStream(in, length);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public long size(String key) throws IOException {
        return Files.size(path(key));
    }

    @Override
    public boolean delete(String key) throws IOException {
        return Files.deleteIfExists(path(key));
    }

    private Path path(String key) throws NoSuchFileException {
        if (key == null || !KEY.matcher(key).matches()) {
            throw new NoSuchFileException(String.valueOf(key), null, "not a key of this storage");
        }
        return dir.resolve(key);
    }

    /** At most {@code remaining} bytes of an underlying stream, which it closes. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedInputStream(InputStream in, long remaining) {
            this.in = in;
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return len == 0 ? 0 : -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
