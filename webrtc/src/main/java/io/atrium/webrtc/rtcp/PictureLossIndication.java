package io.atrium.webrtc.rtcp;

import io.atrium.webrtc.util.Bytes;

/**
 * Picture loss indication (PLI), RFC 4585 section 6.3.1 (PSFB, FMT=1, no FCI).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P| FMT=1   |   PT=206      |          length=2             |
 * |                  SSRC of packet sender                        |
 * |                  SSRC of media source                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class PictureLossIndication {
    /** Length of a PLI. */
    public static final int LENGTH = RtcpHeader.FEEDBACK_HEADER_LENGTH;

    private byte[] buf;
    private int off;

    /** Reads the PLI at {@code buf[off]}; {@code false} when it is not PSFB/FMT=1. */
    public boolean wrap(byte[] buf, int off, int len) {
        this.buf = null;
        int content = RtcpHeader.check(buf, off, len, RtcpHeader.PSFB, LENGTH);
        if (content < 0 || RtcpHeader.count(buf, off) != RtcpHeader.FMT_PLI) {
            return false;
        }
        this.buf = buf;
        this.off = off;
        return true;
    }

    public int senderSsrc() {
        return Bytes.i32(buf, off + 4);
    }

    public int mediaSsrc() {
        return Bytes.i32(buf, off + 8);
    }

    /** Writes a PLI; returns {@link #LENGTH} or -1 when it does not fit. */
    public static int write(byte[] buf, int off, int capacity, int senderSsrc, int mediaSsrc) {
        if (LENGTH > capacity || !Bytes.inBounds(buf, off, LENGTH)) {
            return -1;
        }
        RtcpHeader.writeFeedback(buf, off, RtcpHeader.FMT_PLI, RtcpHeader.PSFB, LENGTH, senderSsrc, mediaSsrc);
        return LENGTH;
    }
}
