package io.atrium.webrtc.rtp;

/**
 * Reads a bitstream most significant bit first from {@code buf[off, off+len)}, as H.264 (ITU-T H.264
 * section 7.2), VP9 and AV1 headers are written: fixed-width fields, Exp-Golomb codes (H.264 section 9.1)
 * and AV1's {@code uvlc()}. For an H.264 NAL unit it drops emulation prevention bytes (the {@code 03} of
 * {@code 00 00 03}, section 7.4.1) as it goes, so the raw payload needs no copy. Reading past the end
 * never throws: it yields zero bits and {@link #overrun()} turns true, which callers check once at the end.
 */
final class BitReader {
    /** Longer Exp-Golomb prefixes than this are refused (a 32-bit code has at most 31 leading zeros). */
    private static final int MAX_LEADING_ZEROS = 31;

    private final byte[] buf;
    private final int end;
    private final boolean h264;
    private int pos;
    private int bit;
    private int zeros;
    private boolean overrun;

    private BitReader(byte[] buf, int off, int len, boolean h264) {
        this.buf = buf;
        this.pos = off;
        this.end = off + len;
        this.h264 = h264;
    }

    /** A reader of plain bits (VP9, AV1). */
    static BitReader of(byte[] buf, int off, int len) {
        return new BitReader(buf, off, len, false);
    }

    /** A reader of an H.264 NAL unit's payload that skips emulation prevention bytes. */
    static BitReader rbsp(byte[] buf, int off, int len) {
        return new BitReader(buf, off, len, true);
    }

    /** True once a read went past the end (or a code was malformed); every value read since is garbage. */
    boolean overrun() {
        return overrun;
    }

    /** The next bit, 0 past the end. */
    int bit() {
        if (pos >= end) {
            overrun = true;
            return 0;
        }
        if (bit == 0 && h264 && zeros >= 2 && buf[pos] == 3) {
            zeros = 0;
            if (++pos >= end) {
                overrun = true;
                return 0;
            }
        }
        int b = buf[pos] & 0xFF;
        int v = (b >>> (7 - bit)) & 1;
        if (++bit == 8) {
            bit = 0;
            pos++;
            zeros = b == 0 ? zeros + 1 : 0;
        }
        return v;
    }

    /** The next {@code n} bits (0..32) as an unsigned value. */
    long bits(int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = v << 1 | bit();
        }
        return v;
    }

    /** The next {@code n} bits (0..31) as an int. */
    int u(int n) {
        return (int) bits(n);
    }

    /** An unsigned Exp-Golomb code {@code ue(v)}; -1 (and {@link #overrun()}) when malformed. */
    long ue() {
        int leading = 0;
        while (bit() == 0) {
            if (overrun || ++leading > MAX_LEADING_ZEROS) {
                overrun = true;
                return -1;
            }
        }
        return (1L << leading) - 1 + bits(leading);
    }

    /** A signed Exp-Golomb code {@code se(v)}. */
    long se() {
        long k = ue();
        return (k & 1) != 0 ? (k + 1) / 2 : -(k / 2);
    }

    /** AV1's {@code uvlc()} (AV1 specification section 4.10.3); the value is not needed, only skipped. */
    void skipUvlc() {
        int leading = 0;
        while (bit() == 0) {
            if (overrun || ++leading > MAX_LEADING_ZEROS) {
                overrun = true;
                return;
            }
        }
        bits(leading);
    }
}
