package io.atrium.webrtc.rtcp;

import io.atrium.webrtc.util.Bytes;

/**
 * Generic NACK, RFC 4585 section 6.2.1 (RTPFB, FMT=1): flyweight reader, writer, and conversion
 * between lists of lost sequence numbers and FCI entries. Each FCI entry names a lost packet ID
 * (PID) and a bitmask (BLP) whose bit i marks PID+i+1 as lost as well, modulo 2^16.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P| FMT=1   |   PT=205      |          length               |
 * |                  SSRC of packet sender                        |
 * |                  SSRC of media source                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            PID                |             BLP               |  x N
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class GenericNack {
    /** Sequence numbers one FCI entry can name: the PID and 16 BLP bits. */
    public static final int SEQUENCES_PER_ENTRY = 17;
    private static final int ENTRY_LENGTH = 4;

    private byte[] buf;
    private int off;
    private int entryCount;

    /**
     * Reads the NACK at {@code buf[off]}, {@code len} bytes available.
     *
     * @return {@code false} when it is not an RTPFB/FMT=1 packet with at least one FCI entry
     */
    public boolean wrap(byte[] buf, int off, int len) {
        this.buf = null;
        int content = RtcpHeader.check(buf, off, len, RtcpHeader.RTPFB,
                RtcpHeader.FEEDBACK_HEADER_LENGTH + ENTRY_LENGTH);
        if (content < 0 || RtcpHeader.count(buf, off) != RtcpHeader.FMT_NACK) {
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

    public int mediaSsrc() {
        return Bytes.i32(buf, off + 8);
    }

    public int entryCount() {
        return entryCount;
    }

    public int pid(int i) {
        return Bytes.u16(buf, off + RtcpHeader.FEEDBACK_HEADER_LENGTH + ENTRY_LENGTH * i);
    }

    public int blp(int i) {
        return Bytes.u16(buf, off + RtcpHeader.FEEDBACK_HEADER_LENGTH + ENTRY_LENGTH * i + 2);
    }

    /**
     * Writes every lost sequence number named by this NACK into {@code out}, in FCI order.
     *
     * @return how many were written; stops early when {@code out} is full
     */
    public int lostSequenceNumbers(int[] out) {
        int n = 0;
        for (int i = 0; i < entryCount && n < out.length; i++) {
            n += fromFci(pid(i), blp(i), out, n);
        }
        return n;
    }

    /**
     * Expands one FCI entry into {@code out[outOff..]}: the PID, then PID+i+1 for each set bit i.
     *
     * @return how many sequence numbers were written (stops when {@code out} is full)
     */
    public static int fromFci(int pid, int blp, int[] out, int outOff) {
        int n = 0;
        if (outOff < out.length) {
            out[outOff + n++] = pid & 0xFFFF;
        }
        for (int bit = 0; bit < 16 && outOff + n < out.length; bit++) {
            if ((blp & (1 << bit)) != 0) {
                out[outOff + n++] = (pid + bit + 1) & 0xFFFF;
            }
        }
        return n;
    }

    /**
     * Packs lost sequence numbers into FCI entries, {@code (PID << 16) | BLP} per int. Input in
     * ascending order modulo 2^16 (e.g. 65534, 65535, 0, 1) packs densest; any order is correct.
     * Duplicates of the current PID are dropped.
     *
     * @return the number of entries written to {@code fciOut} (stops when it is full)
     */
    public static int toFci(int[] seqs, int count, int[] fciOut) {
        int entries = 0;
        int pid = -1;
        int blp = 0;
        for (int i = 0; i < count; i++) {
            int seq = seqs[i] & 0xFFFF;
            int d = (seq - pid) & 0xFFFF;
            if (pid >= 0 && d == 0) {
                continue;
            }
            if (pid >= 0 && d <= 16) {
                blp |= 1 << (d - 1);
                continue;
            }
            if (pid >= 0) {
                if (entries == fciOut.length) {
                    return entries;
                }
                fciOut[entries++] = pid << 16 | blp;
            }
            pid = seq;
            blp = 0;
        }
        if (pid >= 0 && entries < fciOut.length) {
            fciOut[entries++] = pid << 16 | blp;
        }
        return entries;
    }

    /**
     * Writes a NACK with the given FCI entries ({@code (PID << 16) | BLP} each, as produced by
     * {@link #toFci}).
     *
     * @return the packet length, or -1 when there is no entry or it does not fit in
     *     {@code buf[off, off+capacity)}
     */
    public static int write(byte[] buf, int off, int capacity, int senderSsrc, int mediaSsrc,
                            int[] fci, int entryCount) {
        int total = RtcpHeader.FEEDBACK_HEADER_LENGTH + ENTRY_LENGTH * entryCount;
        if (entryCount < 1 || entryCount > fci.length || total > capacity
                || !Bytes.inBounds(buf, off, total)) {
            return -1;
        }
        RtcpHeader.writeFeedback(buf, off, RtcpHeader.FMT_NACK, RtcpHeader.RTPFB, total, senderSsrc, mediaSsrc);
        for (int i = 0; i < entryCount; i++) {
            Bytes.put32(buf, off + RtcpHeader.FEEDBACK_HEADER_LENGTH + ENTRY_LENGTH * i, fci[i]);
        }
        return total;
    }
}
