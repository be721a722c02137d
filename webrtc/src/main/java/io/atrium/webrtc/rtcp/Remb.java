package io.atrium.webrtc.rtcp;

import io.atrium.webrtc.util.Bytes;

/**
 * Receiver estimated maximum bitrate (REMB), draft-alvestrand-rmcat-remb-03 section 2.2: an
 * application layer feedback message (PSFB, FMT=15) with the identifier 'REMB', a bitrate as
 * 18-bit mantissa times 2^exp bits per second, and the SSRCs it applies to.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P| FMT=15  |   PT=206      |             length            |
 * |                  SSRC of packet sender                        |
 * |                  SSRC of media source (0)                     |
 * |  Unique identifier 'R' 'E' 'M' 'B'                            |
 * |  Num SSRC     | BR Exp    |  BR Mantissa                      |
 * |   SSRC feedback                                               |  x Num SSRC
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class Remb {
    /** Length without SSRC entries. */
    public static final int MIN_LENGTH = 20;
    /** Largest mantissa (18 bits). */
    public static final int MAX_MANTISSA = (1 << 18) - 1;
    /** Largest number of SSRC entries (8-bit field). */
    public static final int MAX_SSRCS = 255;
    private static final int IDENTIFIER = 'R' << 24 | 'E' << 16 | 'M' << 8 | 'B';
    private static final int MAX_EXP = 63;

    private byte[] buf;
    private int off;

    /**
     * Reads the REMB at {@code buf[off]}.
     *
     * @return {@code false} unless PSFB/FMT=15 with the 'REMB' identifier and all SSRCs present
     */
    public boolean wrap(byte[] buf, int off, int len) {
        this.buf = null;
        int content = RtcpHeader.check(buf, off, len, RtcpHeader.PSFB, MIN_LENGTH);
        if (content < 0 || RtcpHeader.count(buf, off) != RtcpHeader.FMT_AFB
                || Bytes.i32(buf, off + 12) != IDENTIFIER
                || content < MIN_LENGTH + 4 * (buf[off + 16] & 0xFF)) {
            return false;
        }
        this.buf = buf;
        this.off = off;
        return true;
    }

    /** True when the PSFB/AFB packet at {@code buf[off]} carries the 'REMB' identifier. */
    public static boolean isRemb(byte[] buf, int off, int len) {
        return Bytes.inBounds(buf, off, len) && len >= MIN_LENGTH && Bytes.i32(buf, off + 12) == IDENTIFIER;
    }

    public int senderSsrc() {
        return Bytes.i32(buf, off + 4);
    }

    /** Bitrate in bits per second, saturating at {@link Long#MAX_VALUE}. */
    public long bitrate() {
        int exp = (buf[off + 17] & 0xFF) >>> 2;
        long mantissa = Bytes.u24(buf, off + 17) & MAX_MANTISSA;
        if (mantissa != 0 && exp > Long.numberOfLeadingZeros(mantissa) - 1) {
            return Long.MAX_VALUE;
        }
        return mantissa << exp;
    }

    public int ssrcCount() {
        return buf[off + 16] & 0xFF;
    }

    public int ssrc(int i) {
        return Bytes.i32(buf, off + MIN_LENGTH + 4 * i);
    }

    /**
     * Writes a REMB. Bitrates needing more than 18 bits of mantissa are rounded down.
     *
     * @return the packet length, or -1 when {@code bitrate < 0}, there are more than 255 SSRCs
     *     or it does not fit in {@code buf[off, off+capacity)}
     */
    public static int write(byte[] buf, int off, int capacity, int senderSsrc, long bitrate,
                            int[] ssrcs, int count) {
        int total = MIN_LENGTH + 4 * count;
        if (bitrate < 0 || count < 0 || count > MAX_SSRCS || count > ssrcs.length || total > capacity
                || !Bytes.inBounds(buf, off, total)) {
            return -1;
        }
        int exp = 0;
        long mantissa = bitrate;
        while (mantissa > MAX_MANTISSA && exp < MAX_EXP) {
            mantissa >>>= 1;
            exp++;
        }
        RtcpHeader.writeFeedback(buf, off, RtcpHeader.FMT_AFB, RtcpHeader.PSFB, total, senderSsrc, 0);
        Bytes.put32(buf, off + 12, IDENTIFIER);
        buf[off + 16] = (byte) count;
        Bytes.put24(buf, off + 17, exp << 18 | (int) mantissa);
        for (int i = 0; i < count; i++) {
            Bytes.put32(buf, off + MIN_LENGTH + 4 * i, ssrcs[i]);
        }
        return total;
    }
}
