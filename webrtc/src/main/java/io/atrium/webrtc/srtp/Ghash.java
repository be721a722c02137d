package io.atrium.webrtc.srtp;

import io.atrium.webrtc.util.Bytes;

/**
 * GHASH, the GF(2^128) universal hash of GCM (NIST SP 800-38D section 6.4), with 8-bit tables.
 *
 * <p>Blocks are held as two longs, {@code hi} = octets 0..7 and {@code lo} = octets 8..15 in network
 * order; GCM's bit 0 is the most significant bit of octet 0. Multiplying by H walks the sixteen
 * octets of the operand from last to first (Horner's rule): {@code Z = Z * x^8 + M[octet]}, where
 * {@code M[b] = b(x) * H} is a 256-entry per-key table (4 KiB) and the eight bits shifted out by
 * {@code * x^8} are folded back with the key-independent table {@link #REDUCE}.
 *
 * <p>Streaming: {@link #update} may be called with any split of the input; {@link #pad} completes a
 * partial block with zeros (GCM pads A and C separately). Not thread-safe; allocation-free once built.
 */
final class Ghash {
    /** The reduction polynomial R = 11100001 || 0^120, as the high long. */
    private static final long R = 0xE100000000000000L;
    /** {@code REDUCE[b]} is the high long of {@code b * x^8 mod P} for the 8 bits that leave {@code lo}. */
    private static final long[] REDUCE = new long[256];

    static {
        for (int b = 0; b < 256; b++) {
            long hi = 0;
            long lo = b;
            for (int i = 0; i < 8; i++) {
                boolean carry = (lo & 1) != 0;
                lo = (lo >>> 1) | (hi << 63);
                hi >>>= 1;
                if (carry) {
                    hi ^= R;
                }
            }
            REDUCE[b] = hi;
        }
    }

    private final long[] tableHi = new long[256];
    private final long[] tableLo = new long[256];
    private final byte[] partial = new byte[16];
    private int partialLength;
    private long yHi;
    private long yLo;

    /** Builds the tables for hash subkey {@code h} (16 octets, H = E_K(0^128)). */
    Ghash(byte[] h) {
        long vHi = Bytes.i64(h, 0);
        long vLo = Bytes.i64(h, 8);
        for (int bit = 0x80; bit != 0; bit >>>= 1) {
            tableHi[bit] = vHi;
            tableLo[bit] = vLo;
            boolean carry = (vLo & 1) != 0;
            vLo = (vLo >>> 1) | (vHi << 63);
            vHi >>>= 1;
            if (carry) {
                vHi ^= R;
            }
        }
        for (int b = 2; b < 256; b <<= 1) {
            for (int j = 1; j < b; j++) {
                tableHi[b | j] = tableHi[b] ^ tableHi[j];
                tableLo[b | j] = tableLo[b] ^ tableLo[j];
            }
        }
    }

    /** Starts a new hash: Y = 0. */
    void reset() {
        yHi = 0;
        yLo = 0;
        partialLength = 0;
    }

    /** Absorbs {@code len} octets. */
    void update(byte[] b, int off, int len) {
        if (partialLength > 0) {
            int n = Math.min(len, 16 - partialLength);
            System.arraycopy(b, off, partial, partialLength, n);
            partialLength += n;
            off += n;
            len -= n;
            if (partialLength < 16) {
                return;
            }
            block(Bytes.i64(partial, 0), Bytes.i64(partial, 8));
            partialLength = 0;
        }
        while (len >= 16) {
            block(Bytes.i64(b, off), Bytes.i64(b, off + 8));
            off += 16;
            len -= 16;
        }
        if (len > 0) {
            System.arraycopy(b, off, partial, 0, len);
            partialLength = len;
        }
    }

    /** Zero-pads and absorbs a pending partial block, if any. */
    void pad() {
        if (partialLength > 0) {
            java.util.Arrays.fill(partial, partialLength, 16, (byte) 0);
            block(Bytes.i64(partial, 0), Bytes.i64(partial, 8));
            partialLength = 0;
        }
    }

    /** Pads, absorbs the length block {@code [len(A)]64 || [len(C)]64} (in bits) and writes Y to {@code out}. */
    void finish(long aadOctets, long textOctets, byte[] out, int outOff) {
        pad();
        block(aadOctets << 3, textOctets << 3);
        Bytes.put64(out, outOff, yHi);
        Bytes.put64(out, outOff + 8, yLo);
    }

    /** Y = (Y xor X) * H. */
    private void block(long xHi, long xLo) {
        long hi = yHi ^ xHi;
        long lo = yLo ^ xLo;
        int b = (int) lo & 0xFF;
        long zHi = tableHi[b];
        long zLo = tableLo[b];
        for (int shift = 8; shift < 64; shift += 8) {
            b = (int) (lo >>> shift) & 0xFF;
            int rem = (int) zLo & 0xFF;
            zLo = (zLo >>> 8) | (zHi << 56);
            zHi = (zHi >>> 8) ^ REDUCE[rem] ^ tableHi[b];
            zLo ^= tableLo[b];
        }
        for (int shift = 0; shift < 64; shift += 8) {
            b = (int) (hi >>> shift) & 0xFF;
            int rem = (int) zLo & 0xFF;
            zLo = (zLo >>> 8) | (zHi << 56);
            zHi = (zHi >>> 8) ^ REDUCE[rem] ^ tableHi[b];
            zLo ^= tableLo[b];
        }
        yHi = zHi;
        yLo = zLo;
    }
}
