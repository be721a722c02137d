package io.atrium.webrtc.rtcp;

import io.atrium.webrtc.util.Bytes;

import java.util.List;

/**
 * Receiver report (RR), RFC 3550 section 6.4.2: flyweight reader and writer.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    RC   |   PT=RR=201   |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     SSRC of packet sender                     |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 report blocks (RC x 24 bytes)                 |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                  profile-specific extensions                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class ReceiverReport {
    /** Header and sender SSRC. */
    public static final int MIN_LENGTH = 8;

    private byte[] buf;
    private int off;

    /**
     * Reads the RR at {@code buf[off]}, {@code len} bytes available.
     *
     * @return {@code false} when it is not a valid RR or its report blocks run past its length
     */
    public boolean wrap(byte[] buf, int off, int len) {
        this.buf = null;
        int content = RtcpHeader.check(buf, off, len, RtcpHeader.RR, MIN_LENGTH);
        if (content < 0 || content < MIN_LENGTH + ReportBlock.LENGTH * RtcpHeader.count(buf, off)) {
            return false;
        }
        this.buf = buf;
        this.off = off;
        return true;
    }

    public int senderSsrc() {
        return Bytes.i32(buf, off + 4);
    }

    public int reportCount() {
        return RtcpHeader.count(buf, off);
    }

    /** Absolute index of report block {@code i}, for the static getters of {@link ReportBlock}. */
    public int reportBlockOffset(int i) {
        return off + MIN_LENGTH + ReportBlock.LENGTH * i;
    }

    /** Report block {@code i} as a record (allocates). */
    public ReportBlock reportBlock(int i) {
        return ReportBlock.read(buf, reportBlockOffset(i));
    }

    /**
     * Writes an RR.
     *
     * @return the packet length, or -1 when it does not fit in {@code buf[off, off+capacity)}
     * @throws IllegalArgumentException with more than 31 report blocks
     */
    public static int write(byte[] buf, int off, int capacity, int senderSsrc, List<ReportBlock> blocks) {
        if (blocks.size() > RtcpHeader.MAX_COUNT) {
            throw new IllegalArgumentException("at most 31 report blocks, got " + blocks.size());
        }
        int total = MIN_LENGTH + ReportBlock.LENGTH * blocks.size();
        if (total > capacity || !Bytes.inBounds(buf, off, total)) {
            return -1;
        }
        RtcpHeader.write(buf, off, blocks.size(), RtcpHeader.RR, total);
        Bytes.put32(buf, off + 4, senderSsrc);
        for (int i = 0; i < blocks.size(); i++) {
            blocks.get(i).writeTo(buf, off + MIN_LENGTH + ReportBlock.LENGTH * i);
        }
        return total;
    }
}
