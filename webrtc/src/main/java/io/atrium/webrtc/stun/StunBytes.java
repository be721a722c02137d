package io.atrium.webrtc.stun;

/** Big-endian (network order) field access shared by the STUN codecs. */
final class StunBytes {
    private StunBytes() {
    }

    static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    static int i32(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    static long i64(byte[] b, int off) {
        return ((long) i32(b, off) << 32) | (i32(b, off + 4) & 0xFFFF_FFFFL);
    }

    static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    static void put32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static void put64(byte[] b, int off, long v) {
        put32(b, off, (int) (v >>> 32));
        put32(b, off + 4, (int) v);
    }

    /** Length of a value of {@code len} bytes once padded to the 32-bit boundary (RFC 8489 section 14). */
    static int padded(int len) {
        return (len + 3) & ~3;
    }
}
