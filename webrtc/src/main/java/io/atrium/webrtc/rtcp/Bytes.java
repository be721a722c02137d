package io.atrium.webrtc.rtcp;

/** Big-endian (network order) field access on caller-owned arrays; callers check bounds first. */
final class Bytes {
    private Bytes() {
    }

    static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    static int u16(byte[] b, int i) {
        return (b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF);
    }

    static int u24(byte[] b, int i) {
        return (b[i] & 0xFF) << 16 | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF);
    }

    /** Reads 32 bits as a Java int; use {@code Integer.toUnsignedLong} for the unsigned value. */
    static int i32(byte[] b, int i) {
        return (b[i] & 0xFF) << 24 | (b[i + 1] & 0xFF) << 16 | (b[i + 2] & 0xFF) << 8 | (b[i + 3] & 0xFF);
    }

    static void put16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }

    static void put24(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 16);
        b[i + 1] = (byte) (v >>> 8);
        b[i + 2] = (byte) v;
    }

    static void put32(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }

    /** True when {@code [off, off+len)} is a valid range of {@code b}. */
    static boolean inBounds(byte[] b, int off, int len) {
        return b != null && off >= 0 && len >= 0 && off <= b.length - len;
    }
}
