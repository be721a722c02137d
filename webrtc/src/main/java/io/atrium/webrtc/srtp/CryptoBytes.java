package io.atrium.webrtc.srtp;

import io.atrium.webrtc.util.Bytes;

/**
 * Byte-range operations of the SRTP transforms that are not field access: keystream XOR (RFC 3711
 * section 4.1) and tag comparison in time independent of the data (RFC 3711 section 3.3, step 6).
 */
final class CryptoBytes {
    private CryptoBytes() {
    }

    /** XORs {@code len} octets of {@code src} into {@code dst}, eight at a time where possible. */
    static void xor(byte[] src, int srcOff, byte[] dst, int dstOff, int len) {
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            Bytes.put64(dst, dstOff + i, Bytes.i64(dst, dstOff + i) ^ Bytes.i64(src, srcOff + i));
        }
        for (; i < len; i++) {
            dst[dstOff + i] ^= src[srcOff + i];
        }
    }

    /** Compares two ranges in time independent of where they differ. */
    static boolean constantTimeEquals(byte[] a, int aOff, byte[] b, int bOff, int len) {
        int diff = 0;
        for (int i = 0; i < len; i++) {
            diff |= a[aOff + i] ^ b[bOff + i];
        }
        return diff == 0;
    }
}
