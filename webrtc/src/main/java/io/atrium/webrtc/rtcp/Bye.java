package io.atrium.webrtc.rtcp;

import io.atrium.webrtc.util.Bytes;

import java.nio.charset.StandardCharsets;

/**
 * Goodbye (BYE), RFC 3550 section 6.6: flyweight reader and writer.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    SC   |   PT=BYE=203  |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           SSRC/CSRC                           |
 * :                              ...                              :
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |     length    |               reason for leaving            ... (opt)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class Bye {
    /** Largest reason length (8-bit length field). */
    public static final int MAX_REASON_LENGTH = 255;

    private byte[] buf;
    private int off;
    private int reasonOffset;
    private int reasonLength;

    /**
     * Reads the BYE at {@code buf[off]}, {@code len} bytes available.
     *
     * @return {@code false} when the SSRC list or the reason runs past the packet
     */
    public boolean wrap(byte[] buf, int off, int len) {
        this.buf = null;
        int content = RtcpHeader.check(buf, off, len, RtcpHeader.BYE, RtcpHeader.HEADER_LENGTH);
        if (content < 0) {
            return false;
        }
        int pos = RtcpHeader.HEADER_LENGTH + 4 * RtcpHeader.count(buf, off);
        if (pos > content) {
            return false;
        }
        int reason = -1;
        int reasonLen = 0;
        if (pos < content) {
            reasonLen = buf[off + pos] & 0xFF;
            if (pos + 1 + reasonLen > content) {
                return false;
            }
            reason = off + pos + 1;
        }
        this.buf = buf;
        this.off = off;
        this.reasonOffset = reason;
        this.reasonLength = reasonLen;
        return true;
    }

    /** Number of SSRC/CSRC identifiers (SC). */
    public int sourceCount() {
        return RtcpHeader.count(buf, off);
    }

    public int ssrc(int i) {
        return Bytes.i32(buf, off + RtcpHeader.HEADER_LENGTH + 4 * i);
    }

    /** Absolute index of the reason text, or -1 when absent. */
    public int reasonOffset() {
        return reasonOffset;
    }

    public int reasonLength() {
        return reasonLength;
    }

    /** The reason decoded as UTF-8, or {@code null} when absent (allocates). */
    public String reason() {
        return reasonOffset < 0 ? null : new String(buf, reasonOffset, reasonLength, StandardCharsets.UTF_8);
    }

    /**
     * Writes a BYE for {@code ssrcs} with an optional reason.
     *
     * @return the packet length, or -1 when it does not fit in {@code buf[off, off+capacity)}
     * @throws IllegalArgumentException with more than 31 sources or a reason over 255 UTF-8 bytes
     */
    public static int write(byte[] buf, int off, int capacity, int[] ssrcs, String reason) {
        if (ssrcs.length > RtcpHeader.MAX_COUNT) {
            throw new IllegalArgumentException("at most 31 sources, got " + ssrcs.length);
        }
        byte[] text = reason == null ? null : reason.getBytes(StandardCharsets.UTF_8);
        if (text != null && text.length > MAX_REASON_LENGTH) {
            throw new IllegalArgumentException("BYE reason longer than 255 bytes: " + text.length);
        }
        int body = RtcpHeader.HEADER_LENGTH + 4 * ssrcs.length;
        int total = text == null ? body : (body + 1 + text.length + 3) & ~3;
        if (total > capacity || !Bytes.inBounds(buf, off, total)) {
            return -1;
        }
        RtcpHeader.write(buf, off, ssrcs.length, RtcpHeader.BYE, total);
        for (int i = 0; i < ssrcs.length; i++) {
            Bytes.put32(buf, off + RtcpHeader.HEADER_LENGTH + 4 * i, ssrcs[i]);
        }
        if (text != null) {
            buf[off + body] = (byte) text.length;
            System.arraycopy(text, 0, buf, off + body + 1, text.length);
            for (int i = body + 1 + text.length; i < total; i++) {
                buf[off + i] = 0;
            }
        }
        return total;
    }
}
