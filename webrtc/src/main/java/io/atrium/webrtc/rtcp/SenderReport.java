package io.atrium.webrtc.rtcp;

import io.atrium.webrtc.util.Bytes;

import java.util.List;

/**
 * Sender report (SR), RFC 3550 section 6.4.1: flyweight reader and writer.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    RC   |   PT=SR=200   |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         SSRC of sender                        |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |              NTP timestamp, most significant word             |
 * |             NTP timestamp, least significant word             |
 * |                         RTP timestamp                         |
 * |                     sender's packet count                     |
 * |                      sender's octet count                     |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 report blocks (RC x 24 bytes)                 |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                  profile-specific extensions                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class SenderReport {
    /** Header, sender SSRC and sender info. */
    public static final int MIN_LENGTH = 28;

    private byte[] buf;
    private int off;

    /**
     * Reads the SR at {@code buf[off]}, {@code len} bytes available.
     *
     * @return {@code false} when it is not a valid SR or its report blocks run past its length
     */
    public boolean wrap(byte[] buf, int off, int len) {
        this.buf = null;
        int content = RtcpHeader.check(buf, off, len, RtcpHeader.SR, MIN_LENGTH);
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

    /** 64-bit NTP timestamp (32.32 fixed point seconds since 1900). */
    public long ntpTimestamp() {
        return (long) Bytes.i32(buf, off + 8) << 32 | (Bytes.i32(buf, off + 12) & 0xFFFFFFFFL);
    }

    public int rtpTimestamp() {
        return Bytes.i32(buf, off + 16);
    }

    public int packetCount() {
        return Bytes.i32(buf, off + 20);
    }

    public int octetCount() {
        return Bytes.i32(buf, off + 24);
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
     * Writes an SR.
     *
     * @return the packet length, or -1 when it does not fit in {@code buf[off, off+capacity)}
     * @throws IllegalArgumentException with more than 31 report blocks
     */
    public static int write(byte[] buf, int off, int capacity, int senderSsrc, long ntpTimestamp,
                            int rtpTimestamp, int packetCount, int octetCount, List<ReportBlock> blocks) {
        if (blocks.size() > RtcpHeader.MAX_COUNT) {
            throw new IllegalArgumentException("at most 31 report blocks, got " + blocks.size());
        }
        int total = MIN_LENGTH + ReportBlock.LENGTH * blocks.size();
        if (total > capacity || !Bytes.inBounds(buf, off, total)) {
            return -1;
        }
        RtcpHeader.write(buf, off, blocks.size(), RtcpHeader.SR, total);
        Bytes.put32(buf, off + 4, senderSsrc);
        Bytes.put32(buf, off + 8, (int) (ntpTimestamp >>> 32));
        Bytes.put32(buf, off + 12, (int) ntpTimestamp);
        Bytes.put32(buf, off + 16, rtpTimestamp);
        Bytes.put32(buf, off + 20, packetCount);
        Bytes.put32(buf, off + 24, octetCount);
        for (int i = 0; i < blocks.size(); i++) {
            blocks.get(i).writeTo(buf, off + MIN_LENGTH + ReportBlock.LENGTH * i);
        }
        return total;
    }
}
