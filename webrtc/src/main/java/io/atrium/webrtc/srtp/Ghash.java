package io.atrium.webrtc.srtp;

import io.atrium.webrtc.util.Bytes;

/**
 * GHASH, the GF(2^128) universal hash of GCM (NIST SP 800-38D section 6.4), with 8-bit tables and
 * four blocks per reduction pass.
 *
 * <p>Blocks are held as two longs, {@code hi} = octets 0..7 and {@code lo} = octets 8..15 in network
 * order; GCM's bit 0 is the most significant bit of octet 0. One block is {@code Y = (Y xor X) * H},
 * computed by Horner's rule over the sixteen octets of the operand, last to first:
 * {@code Z = Z * x^8 + M1[octet]} with the per-key table {@code M1[b] = b(x) * H}.
 *
 * <p>Four blocks at once use {@code Y' = (Y xor X1) H^4 + X2 H^3 + X3 H^2 + X4 H}, which Horner's
 * rule evaluates octet position by octet position:
 * <pre>
 *   for k = 15 .. 0:   Z = Z * x^8  +  M4[X1'[k]] + M3[X2[k]] + M2[X3[k]] + M1[X4[k]]
 * </pre>
 * so the shift and reduction ({@code * x^8}) is paid once per octet position for four blocks, not
 * once per block. The eight bits that {@code * x^8} pushes out of {@code lo} are folded back with
 * x^128 = 1 + x + x^2 + x^7: octet {@code r} adds {@code r<<56 ^ r<<55 ^ r<<54 ^ r<<49} to {@code hi}.
 * Tables hold hi/lo interleaved, 256 entries x 16 octets per power: 16 KiB per key.
 *
 * <p>Streaming: {@link #update} may be called with any split of the input; {@link #pad} completes a
 * partial block with zeros (GCM pads A and C separately). Not thread-safe; allocation-free once built.
 */
final class Ghash {
    /** Blocks per reduction pass (and powers of H tabulated). */
    static final int AGGREGATE = 4;
    private static final int BLOCK = 16;
    private static final int STRIDE = AGGREGATE * BLOCK;
    /** The reduction polynomial R = 11100001 || 0^120, as the high long. */
    private static final long R = 0xE100000000000000L;

    /** {@code mK[2b], mK[2b+1]} = hi, lo of {@code b(x) * H^K}. */
    private final long[] m1 = new long[512];
    private final long[] m2 = new long[512];
    private final long[] m3 = new long[512];
    private final long[] m4 = new long[512];
    private final byte[] partial = new byte[BLOCK];
    private int partialLength;
    private long yHi;
    private long yLo;

    /** Builds the tables for hash subkey {@code h} (16 octets, H = E_K(0^128)). */
    Ghash(byte[] h) {
        long hHi = Bytes.i64(h, 0);
        long hLo = Bytes.i64(h, 8);
        long[] power = {hHi, hLo};
        long[][] tables = {m1, m2, m3, m4};
        for (int k = 0; k < AGGREGATE; k++) {
            if (k > 0) {
                power = multiply(power[0], power[1], hHi, hLo);
            }
            fill(tables[k], power[0], power[1]);
        }
    }

    /** Bit-serial product in GF(2^128), SP 800-38D algorithm 1; only used to build the tables. */
    static long[] multiply(long xHi, long xLo, long vHi, long vLo) {
        long zHi = 0;
        long zLo = 0;
        for (int i = 0; i < 128; i++) {
            long bit = i < 64 ? xHi >>> (63 - i) : xLo >>> (127 - i);
            if ((bit & 1) != 0) {
                zHi ^= vHi;
                zLo ^= vLo;
            }
            boolean carry = (vLo & 1) != 0;
            vLo = (vLo >>> 1) | (vHi << 63);
            vHi >>>= 1;
            if (carry) {
                vHi ^= R;
            }
        }
        return new long[] {zHi, zLo};
    }

    /** {@code table[b] = b(x) * v}: the eight single-bit entries are v * x^i, the rest their sums. */
    private static void fill(long[] table, long vHi, long vLo) {
        for (int bit = 0x80; bit != 0; bit >>>= 1) {
            table[2 * bit] = vHi;
            table[2 * bit + 1] = vLo;
            boolean carry = (vLo & 1) != 0;
            vLo = (vLo >>> 1) | (vHi << 63);
            vHi >>>= 1;
            if (carry) {
                vHi ^= R;
            }
        }
        for (int b = 2; b < 256; b <<= 1) {
            for (int j = 1; j < b; j++) {
                table[2 * (b | j)] = table[2 * b] ^ table[2 * j];
                table[2 * (b | j) + 1] = table[2 * b + 1] ^ table[2 * j + 1];
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
            int n = Math.min(len, BLOCK - partialLength);
            System.arraycopy(b, off, partial, partialLength, n);
            partialLength += n;
            off += n;
            len -= n;
            if (partialLength < BLOCK) {
                return;
            }
            block(Bytes.i64(partial, 0), Bytes.i64(partial, 8));
            partialLength = 0;
        }
        while (len >= STRIDE) {
            fourBlocks(b, off);
            off += STRIDE;
            len -= STRIDE;
        }
        while (len >= BLOCK) {
            block(Bytes.i64(b, off), Bytes.i64(b, off + 8));
            off += BLOCK;
            len -= BLOCK;
        }
        if (len > 0) {
            System.arraycopy(b, off, partial, 0, len);
            partialLength = len;
        }
    }

    /** Zero-pads and absorbs a pending partial block, if any. */
    void pad() {
        if (partialLength > 0) {
            java.util.Arrays.fill(partial, partialLength, BLOCK, (byte) 0);
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
        long[] t = m1;
        long zHi = 0;
        long zLo = 0;
        for (int k = 15; k >= 0; k--) {
            long r = zLo & 0xFF;
            zLo = (zLo >>> 8) | (zHi << 56);
            zHi = (zHi >>> 8) ^ (r << 56) ^ (r << 55) ^ (r << 54) ^ (r << 49);
            int i = octet(hi, lo, k) << 1;
            zHi ^= t[i];
            zLo ^= t[i + 1];
        }
        yHi = zHi;
        yLo = zLo;
    }

    /** Y = (Y xor X1) H^4 + X2 H^3 + X3 H^2 + X4 H for the four blocks at {@code b[off, off+64)}. */
    private void fourBlocks(byte[] b, int off) {
        long hi = yHi ^ Bytes.i64(b, off);
        long lo = yLo ^ Bytes.i64(b, off + 8);
        long[] t1 = m1;
        long[] t2 = m2;
        long[] t3 = m3;
        long[] t4 = m4;
        long zHi = 0;
        long zLo = 0;
        for (int k = 15; k >= 0; k--) {
            long r = zLo & 0xFF;
            zLo = (zLo >>> 8) | (zHi << 56);
            zHi = (zHi >>> 8) ^ (r << 56) ^ (r << 55) ^ (r << 54) ^ (r << 49);
            int i1 = octet(hi, lo, k) << 1;
            int i2 = (b[off + BLOCK + k] & 0xFF) << 1;
            int i3 = (b[off + 2 * BLOCK + k] & 0xFF) << 1;
            int i4 = (b[off + 3 * BLOCK + k] & 0xFF) << 1;
            zHi ^= t4[i1] ^ t3[i2] ^ t2[i3] ^ t1[i4];
            zLo ^= t4[i1 + 1] ^ t3[i2 + 1] ^ t2[i3 + 1] ^ t1[i4 + 1];
        }
        yHi = zHi;
        yLo = zLo;
    }

    /** Octet {@code k} (0..15, network order) of the block {@code hi || lo}. */
    private static int octet(long hi, long lo, int k) {
        return (int) (k >= 8 ? lo >>> ((15 - k) << 3) : hi >>> ((7 - k) << 3)) & 0xFF;
    }
}
