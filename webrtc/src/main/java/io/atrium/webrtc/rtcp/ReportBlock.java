package io.atrium.webrtc.rtcp;

import io.atrium.webrtc.util.Bytes;

/**
 * One reception report block of an SR or RR, RFC 3550 section 6.4.1. The record is for the control
 * path; the static getters read a block in place without allocating.
 *
 * <pre>
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 SSRC_n (SSRC of source n)                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | fraction lost |       cumulative number of packets lost       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           extended highest sequence number received           |
 * |                      interarrival jitter                      |
 * |                         last SR (LSR)                         |
 * |                   delay since last SR (DLSR)                  |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * </pre>
 *
 * @param ssrc source this block reports on
 * @param fractionLost fraction lost since the last report, 8-bit fixed point (0..255)
 * @param cumulativeLost cumulative packets lost, signed 24-bit
 * @param extendedHighestSequence cycles (high 16 bits) and highest sequence number received
 * @param jitter interarrival jitter in timestamp units
 * @param lastSr middle 32 bits of the NTP timestamp of the last SR received
 * @param delaySinceLastSr delay since that SR, in 1/65536 seconds
 */
public record ReportBlock(int ssrc, int fractionLost, int cumulativeLost, int extendedHighestSequence,
                          int jitter, int lastSr, int delaySinceLastSr) {
    /** Size of a report block. */
    public static final int LENGTH = 24;
    private static final int MAX_CUMULATIVE_LOST = 0x7FFFFF;
    private static final int MIN_CUMULATIVE_LOST = -0x800000;

    /** Reads the block at {@code buf[off]}; the caller checked that 24 bytes are there. */
    public static ReportBlock read(byte[] buf, int off) {
        return new ReportBlock(ssrc(buf, off), fractionLost(buf, off), cumulativeLost(buf, off),
                extendedHighestSequence(buf, off), jitter(buf, off), lastSr(buf, off),
                delaySinceLastSr(buf, off));
    }

    public static int ssrc(byte[] buf, int off) {
        return Bytes.i32(buf, off);
    }

    public static int fractionLost(byte[] buf, int off) {
        return buf[off + 4] & 0xFF;
    }

    /** Cumulative packets lost, sign-extended from 24 bits. */
    public static int cumulativeLost(byte[] buf, int off) {
        return Bytes.u24(buf, off + 5) << 8 >> 8;
    }

    public static int extendedHighestSequence(byte[] buf, int off) {
        return Bytes.i32(buf, off + 8);
    }

    public static int jitter(byte[] buf, int off) {
        return Bytes.i32(buf, off + 12);
    }

    public static int lastSr(byte[] buf, int off) {
        return Bytes.i32(buf, off + 16);
    }

    public static int delaySinceLastSr(byte[] buf, int off) {
        return Bytes.i32(buf, off + 20);
    }

    /**
     * Writes this block at {@code buf[off]}, clamping the cumulative loss to the 24-bit signed
     * range (RFC 3550 section 6.4.1); the caller checked that 24 bytes fit.
     */
    public void writeTo(byte[] buf, int off) {
        Bytes.put32(buf, off, ssrc);
        buf[off + 4] = (byte) fractionLost;
        int lost = Math.max(MIN_CUMULATIVE_LOST, Math.min(MAX_CUMULATIVE_LOST, cumulativeLost));
        Bytes.put24(buf, off + 5, lost);
        Bytes.put32(buf, off + 8, extendedHighestSequence);
        Bytes.put32(buf, off + 12, jitter);
        Bytes.put32(buf, off + 16, lastSr);
        Bytes.put32(buf, off + 20, delaySinceLastSr);
    }
}
