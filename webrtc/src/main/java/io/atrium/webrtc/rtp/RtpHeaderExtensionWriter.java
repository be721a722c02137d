package io.atrium.webrtc.rtp;

import io.atrium.webrtc.util.Bytes;

import static io.atrium.webrtc.rtp.RtpHeaderExtensions.ONE_BYTE_MAX_ID;
import static io.atrium.webrtc.rtp.RtpHeaderExtensions.ONE_BYTE_MAX_LENGTH;
import static io.atrium.webrtc.rtp.RtpHeaderExtensions.ONE_BYTE_PROFILE;
import static io.atrium.webrtc.rtp.RtpHeaderExtensions.TWO_BYTE_MAX_ID;
import static io.atrium.webrtc.rtp.RtpHeaderExtensions.TWO_BYTE_MAX_LENGTH;
import static io.atrium.webrtc.rtp.RtpHeaderExtensions.TWO_BYTE_PROFILE;

/**
 * Reusable writer of an RTP header extension block, RFC 3550 section 5.3.1 framing with RFC 8285
 * section 4.2 (one-byte) or 4.3 (two-byte) elements, placed right after the fixed header and CSRCs
 * of a packet the caller already wrote (for example with {@link RtpPacket#writeHeader}).
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  0xBEDE or 0x1000            |     length in 32-bit words     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  elements ...                                 | zero padding  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Usage: {@link #begin}, any number of {@link #add} / {@link #reserve}, then {@link #finish},
 * which pads the block, writes its length, sets the X bit and returns where the payload starts.
 */
public final class RtpHeaderExtensionWriter {
    private byte[] buf;
    private int packetOff;
    private int blockOff;
    private int pos;
    private int limit;
    private boolean twoByte;
    private boolean failed;

    /**
     * Starts a block for the packet whose fixed header is at {@code buf[packetOff]}.
     *
     * @param limit exclusive end index of the room the caller owns in {@code buf}
     * @return {@code false} when not even the 4-byte block header fits
     */
    public boolean begin(byte[] buf, int packetOff, int limit, boolean twoByte) {
        this.buf = null;
        if (buf == null || packetOff < 0 || limit > buf.length
                || packetOff + RtpPacket.FIXED_HEADER_LENGTH > limit) {
            return false;
        }
        int blockStart = packetOff + RtpPacket.FIXED_HEADER_LENGTH + 4 * (buf[packetOff] & 0x0F);
        if (blockStart + 4 > limit) {
            return false;
        }
        this.buf = buf;
        this.packetOff = packetOff;
        this.blockOff = blockStart;
        this.pos = blockStart + 4;
        this.limit = limit;
        this.twoByte = twoByte;
        this.failed = false;
        return true;
    }

    /**
     * Appends an element header for {@code n} data bytes and returns the absolute index where the
     * caller writes them.
     *
     * @return the data index, or -1 when the ID or length is out of range for the form or the
     *     element does not fit (the writer then refuses to finish)
     */
    public int reserve(int id, int n) {
        if (buf == null || failed) {
            return -1;
        }
        int headerSize = twoByte ? 2 : 1;
        boolean valid = twoByte
                ? id >= 1 && id <= TWO_BYTE_MAX_ID && n >= 0 && n <= TWO_BYTE_MAX_LENGTH
                : id >= 1 && id <= ONE_BYTE_MAX_ID && n >= 1 && n <= ONE_BYTE_MAX_LENGTH;
        if (!valid || pos + headerSize + n > limit) {
            failed = true;
            return -1;
        }
        if (twoByte) {
            buf[pos] = (byte) id;
            buf[pos + 1] = (byte) n;
        } else {
            buf[pos] = (byte) (id << 4 | (n - 1));
        }
        int data = pos + headerSize;
        pos = data + n;
        return data;
    }

    /** Appends an element holding {@code src[srcOff, srcOff+n)}; see {@link #reserve}. */
    public boolean add(int id, byte[] src, int srcOff, int n) {
        if (!Bytes.inBounds(src, srcOff, n)) {
            failed = true;
            return false;
        }
        int data = reserve(id, n);
        if (data < 0) {
            return false;
        }
        System.arraycopy(src, srcOff, buf, data, n);
        return true;
    }

    /**
     * Pads the block to a 32-bit boundary, writes its header, sets X=1 in the packet.
     *
     * @return the packet's header length (offset of the payload from the packet start), or -1
     *     when an element did not fit or {@link #begin} failed
     */
    public int finish() {
        if (buf == null || failed) {
            return -1;
        }
        while ((pos - blockOff) % 4 != 0) {
            if (pos >= limit) {
                return -1;
            }
            buf[pos++] = 0;
        }
        Bytes.put16(buf, blockOff, twoByte ? TWO_BYTE_PROFILE : ONE_BYTE_PROFILE);
        Bytes.put16(buf, blockOff + 2, (pos - blockOff - 4) / 4);
        buf[packetOff] |= 0x10;
        buf = null;
        return pos - packetOff;
    }
}
