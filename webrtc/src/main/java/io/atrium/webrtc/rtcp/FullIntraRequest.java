package io.atrium.webrtc.rtcp;

import io.atrium.webrtc.util.Bytes;

/**
 * Full intra request (FIR), RFC 5104 section 4.3.1 (PSFB, FMT=4). The media source SSRC of the
 * common header is unused (0); each FCI entry names a target SSRC and a command sequence number
 * that the sender increments for every new request.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P| FMT=4   |   PT=206      |          length               |
 * |                  SSRC of packet sender                        |
 * |                  SSRC of media source (0)                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                              SSRC                             |  x N
 * | Seq nr.       |    Reserved (0)                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class FullIntraRequest {
    private static final int ENTRY_LENGTH = 8;

    private byte[] buf;
    private int off;
    private int entryCount;

    /** Reads the FIR at {@code buf[off]}; {@code false} unless PSFB/FMT=4 with at least one entry. */
    public boolean wrap(byte[] buf, int off, int len) {
        this.buf = null;
        int content = RtcpHeader.check(buf, off, len, RtcpHeader.PSFB,
                RtcpHeader.FEEDBACK_HEADER_LENGTH + ENTRY_LENGTH);
        if (content < 0 || RtcpHeader.count(buf, off) != RtcpHeader.FMT_FIR) {
            return false;
        }
        this.buf = buf;
        this.off = off;
        this.entryCount = (content - RtcpHeader.FEEDBACK_HEADER_LENGTH) / ENTRY_LENGTH;
        return true;
    }

    public int senderSsrc() {
        return Bytes.i32(buf, off + 4);
    }

    public int entryCount() {
        return entryCount;
    }

    /** Target SSRC of entry {@code i}. */
    public int ssrc(int i) {
        return Bytes.i32(buf, off + RtcpHeader.FEEDBACK_HEADER_LENGTH + ENTRY_LENGTH * i);
    }

    /** Command sequence number of entry {@code i}. */
    public int sequenceNumber(int i) {
        return buf[off + RtcpHeader.FEEDBACK_HEADER_LENGTH + ENTRY_LENGTH * i + 4] & 0xFF;
    }

    /** Writes a FIR with one entry; see {@link #write(byte[], int, int, int, int[], int[], int)}. */
    public static int write(byte[] buf, int off, int capacity, int senderSsrc, int targetSsrc, int seqNr) {
        return write(buf, off, capacity, senderSsrc, new int[] {targetSsrc}, new int[] {seqNr}, 1);
    }

    /**
     * Writes a FIR with {@code count} entries.
     *
     * @return the packet length, or -1 when {@code count < 1} or it does not fit
     */
    public static int write(byte[] buf, int off, int capacity, int senderSsrc, int[] ssrcs,
                            int[] seqNrs, int count) {
        int total = RtcpHeader.FEEDBACK_HEADER_LENGTH + ENTRY_LENGTH * count;
        if (count < 1 || count > ssrcs.length || count > seqNrs.length || total > capacity
                || !Bytes.inBounds(buf, off, total)) {
            return -1;
        }
        RtcpHeader.writeFeedback(buf, off, RtcpHeader.FMT_FIR, RtcpHeader.PSFB, total, senderSsrc, 0);
        for (int i = 0; i < count; i++) {
            int e = off + RtcpHeader.FEEDBACK_HEADER_LENGTH + ENTRY_LENGTH * i;
            Bytes.put32(buf, e, ssrcs[i]);
            Bytes.put32(buf, e + 4, (seqNrs[i] & 0xFF) << 24);
        }
        return total;
    }
}
