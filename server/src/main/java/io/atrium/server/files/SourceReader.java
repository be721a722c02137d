package io.atrium.server.files;

import java.io.IOException;

/**
 * Bounds-checked big-endian reads over a {@link ByteSource} for the container parsers: any read past
 * the end is a {@link MediaFormatException} ("truncated"), never an index exception. Counts the
 * structures visited so a hostile file cannot make a probe run long.
 */
final class SourceReader {

    private final ByteSource source;
    private final long size;
    private final int maxSteps;
    private final byte[] scratch = new byte[16];
    private int steps;

    SourceReader(ByteSource source, int maxSteps) {
        this.source = source;
        this.size = source.size();
        this.maxSteps = maxSteps;
    }

    long size() {
        return size;
    }

    /** Counts one box or element; too many means a pathological file. */
    void step() throws MediaFormatException {
        if (++steps > maxSteps) {
            throw new MediaFormatException("too many boxes or elements (more than " + maxSteps + ")");
        }
    }

    /** Up to {@code max} bytes at {@code position}, fewer near the end of the file; a fresh array. */
    byte[] upTo(long position, int max) throws IOException {
        int n = (int) Math.max(0, Math.min(max, size - position));
        byte[] out = new byte[n];
        if (n > 0) {
            source.read(position, out, 0, n);
        }
        return out;
    }

    byte[] bytes(long position, int length) throws IOException, MediaFormatException {
        check(position, length);
        byte[] out = new byte[length];
        source.read(position, out, 0, length);
        return out;
    }

    int u8(long position) throws IOException, MediaFormatException {
        return (int) uint(position, 1);
    }

    long u32(long position) throws IOException, MediaFormatException {
        return uint(position, 4);
    }

    /** An unsigned integer of 1 to 8 bytes; 8-byte values above {@link Long#MAX_VALUE} come back negative. */
    long uint(long position, int length) throws IOException, MediaFormatException {
        if (length < 1 || length > 8) {
            throw new IllegalArgumentException("length " + length);
        }
        check(position, length);
        source.read(position, scratch, 0, length);
        long v = 0;
        for (int i = 0; i < length; i++) {
            v = v << 8 | (scratch[i] & 0xFF);
        }
        return v;
    }

    private void check(long position, int length) throws MediaFormatException {
        if (position < 0 || length < 0 || position > size - length) {
            throw new MediaFormatException("the file is truncated (a structure at byte " + position + " ends past its end)");
        }
    }
}
