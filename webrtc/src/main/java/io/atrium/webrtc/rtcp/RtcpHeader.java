package io.atrium.webrtc.rtcp;

import io.atrium.webrtc.util.Bytes;

/**
 * The common RTCP header, RFC 3550 section 6.4.1 (first word of every RTCP packet), with the
 * packet type values of RFC 3550 section 12.1 and RFC 4585 section 6.1, and the 12-byte common
 * header of feedback messages, RFC 4585 section 6.1.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P| RC/FMT  |      PT       |  length (32-bit words - 1)    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of packet sender (feedback)             |
 * |                  SSRC of media source  (feedback)             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class RtcpHeader {
    /** RTCP version. */
    public static final int VERSION = 2;
    /** Length of the first header word. */
    public static final int HEADER_LENGTH = 4;
    /** Length of the feedback message header: first word plus two SSRCs. */
    public static final int FEEDBACK_HEADER_LENGTH = 12;
    /** Largest value of the 5-bit RC / FMT field. */
    public static final int MAX_COUNT = 31;
    /** Sender report. */
    public static final int SR = 200;
    /** Receiver report. */
    public static final int RR = 201;
    /** Source description. */
    public static final int SDES = 202;
    /** Goodbye. */
    public static final int BYE = 203;
    /** Application-defined. */
    public static final int APP = 204;
    /** Transport-layer feedback (RFC 4585). */
    public static final int RTPFB = 205;
    /** Payload-specific feedback (RFC 4585). */
    public static final int PSFB = 206;
    /** RTPFB FMT: generic NACK (RFC 4585 section 6.2.1). */
    public static final int FMT_NACK = 1;
    /** RTPFB FMT: transport-wide congestion control feedback. */
    public static final int FMT_TRANSPORT_CC = 15;
    /** PSFB FMT: picture loss indication (RFC 4585 section 6.3.1). */
    public static final int FMT_PLI = 1;
    /** PSFB FMT: full intra request (RFC 5104 section 4.3.1). */
    public static final int FMT_FIR = 4;
    /** PSFB FMT: application layer feedback (REMB). */
    public static final int FMT_AFB = 15;

    private RtcpHeader() {
    }

    /** The 5-bit RC / FMT field. */
    public static int count(byte[] buf, int off) {
        return buf[off] & 0x1F;
    }

    /** The packet type. */
    public static int packetType(byte[] buf, int off) {
        return buf[off + 1] & 0xFF;
    }

    /**
     * Validates the header of one RTCP packet at {@code buf[off]} against the {@code len} bytes
     * available and returns the length of its content, i.e. the declared length minus padding.
     *
     * @return the content length in bytes (at least {@link #HEADER_LENGTH}), or -1 when the
     *     version is not 2, the declared length exceeds {@code len}, or the padding count is 0 or
     *     reaches into the header
     */
    public static int contentLength(byte[] buf, int off, int len) {
        if (!Bytes.inBounds(buf, off, len) || len < HEADER_LENGTH) {
            return -1;
        }
        int b0 = buf[off] & 0xFF;
        if (b0 >>> 6 != VERSION) {
            return -1;
        }
        int declared = declaredLength(buf, off);
        if (declared > len) {
            return -1;
        }
        if ((b0 & 0x20) == 0) {
            return declared;
        }
        int padding = buf[off + declared - 1] & 0xFF;
        if (padding == 0 || padding > declared - HEADER_LENGTH) {
            return -1;
        }
        return declared - padding;
    }

    /** The packet length in bytes given by the length field, padding included. */
    public static int declaredLength(byte[] buf, int off) {
        return (Bytes.u16(buf, off + 2) + 1) * 4;
    }

    /**
     * Validates a packet of type {@code packetType} for a reader: header valid, type matching,
     * and content at least {@code minContent} bytes.
     *
     * @return the content length, or -1
     */
    static int check(byte[] buf, int off, int len, int packetType, int minContent) {
        int content = contentLength(buf, off, len);
        if (content < minContent || packetType(buf, off) != packetType) {
            return -1;
        }
        return content;
    }

    /**
     * Writes the first header word (V=2, P=0) for a packet of {@code totalLength} bytes, which
     * must be a positive multiple of 4 and already known to fit.
     */
    static void write(byte[] buf, int off, int count, int packetType, int totalLength) {
        buf[off] = (byte) (VERSION << 6 | (count & 0x1F));
        buf[off + 1] = (byte) packetType;
        Bytes.put16(buf, off + 2, totalLength / 4 - 1);
    }

    /** Writes the 12-byte feedback header. */
    static void writeFeedback(byte[] buf, int off, int fmt, int packetType, int totalLength,
                              int senderSsrc, int mediaSsrc) {
        write(buf, off, fmt, packetType, totalLength);
        Bytes.put32(buf, off + 4, senderSsrc);
        Bytes.put32(buf, off + 8, mediaSsrc);
    }
}
