package io.atrium.webrtc.rtp;

import io.atrium.webrtc.util.Bytes;

/**
 * Flyweight reader and in-place editor of an RTP packet, RFC 3550 section 5.1 (fixed header),
 * 5.3.1 (header extension) and 5.1 "P" (padding).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers  (CC x 32)  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      defined by profile       |  length (32-bit words)  (X=1) |
 * |                        header extension                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                            payload                            |
 * |                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               | padding ...   | pad count (P) |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>One instance is reused per thread: {@link #wrap} validates the packet without throwing or
 * allocating and returns {@code false} for anything malformed. 32-bit fields (timestamp, SSRC,
 * CSRC) are returned as the raw bits in an {@code int}; use {@link Integer#toUnsignedLong} for the
 * unsigned value. The setters rewrite the bytes of the wrapped buffer.
 */
public final class RtpPacket {
    /** RTP version carried in the two top bits of the first octet. */
    public static final int VERSION = 2;
    /** Size of the fixed header without CSRCs or extension. */
    public static final int FIXED_HEADER_LENGTH = 12;
    /** Maximum number of CSRC identifiers (4-bit CC field). */
    public static final int MAX_CSRC_COUNT = 15;

    private byte[] buf;
    private int off;
    private int len;
    private int extensionHeaderOffset = -1;
    private int extensionDataLength;
    private int payloadOffset;
    private int payloadLength;
    private int paddingLength;

    /**
     * Points this reader at {@code buf[off, off+len)} and validates it.
     *
     * @return {@code false} when the bytes are not a well-formed RTP packet (wrong version,
     *     truncated header, CSRC list or extension past the end, padding count of zero or larger
     *     than what follows the header); the reader is then unusable until the next wrap
     */
    public boolean wrap(byte[] buf, int off, int len) {
        this.buf = null;
        if (!Bytes.inBounds(buf, off, len) || len < FIXED_HEADER_LENGTH) {
            return false;
        }
        int b0 = buf[off] & 0xFF;
        if (b0 >>> 6 != VERSION) {
            return false;
        }
        int pos = FIXED_HEADER_LENGTH + 4 * (b0 & 0x0F);
        if (pos > len) {
            return false;
        }
        int extHeader = -1;
        int extLength = 0;
        if ((b0 & 0x10) != 0) {
            if (pos + 4 > len) {
                return false;
            }
            extHeader = pos;
            extLength = 4 * Bytes.u16(buf, off + pos + 2);
            pos += 4 + extLength;
            if (pos > len) {
                return false;
            }
        }
        int padding = 0;
        if ((b0 & 0x20) != 0) {
            padding = buf[off + len - 1] & 0xFF;
            if (padding == 0 || padding > len - pos) {
                return false;
            }
        }
        this.buf = buf;
        this.off = off;
        this.len = len;
        this.extensionHeaderOffset = extHeader;
        this.extensionDataLength = extLength;
        this.payloadOffset = pos;
        this.paddingLength = padding;
        this.payloadLength = len - pos - padding;
        return true;
    }

    /** The wrapped array. */
    public byte[] buffer() {
        return buf;
    }

    /** Offset of the first packet byte in {@link #buffer()}. */
    public int offset() {
        return off;
    }

    /** Total packet length in bytes, padding included. */
    public int length() {
        return len;
    }

    public boolean hasPadding() {
        return (buf[off] & 0x20) != 0;
    }

    public boolean hasExtension() {
        return (buf[off] & 0x10) != 0;
    }

    public int csrcCount() {
        return buf[off] & 0x0F;
    }

    public boolean marker() {
        return (buf[off + 1] & 0x80) != 0;
    }

    public int payloadType() {
        return buf[off + 1] & 0x7F;
    }

    public int sequenceNumber() {
        return Bytes.u16(buf, off + 2);
    }

    public int timestamp() {
        return Bytes.i32(buf, off + 4);
    }

    public int ssrc() {
        return Bytes.i32(buf, off + 8);
    }

    /** CSRC number {@code index}, {@code 0 <= index < csrcCount()}. */
    public int csrc(int index) {
        return Bytes.i32(buf, off + FIXED_HEADER_LENGTH + 4 * index);
    }

    /** The 16-bit "defined by profile" field of the header extension, or -1 when X=0. */
    public int extensionProfile() {
        return extensionHeaderOffset < 0 ? -1 : Bytes.u16(buf, off + extensionHeaderOffset);
    }

    /** Absolute index in {@link #buffer()} of the extension data (after its 4-byte header), or -1. */
    public int extensionDataOffset() {
        return extensionHeaderOffset < 0 ? -1 : off + extensionHeaderOffset + 4;
    }

    /** Length in bytes of the extension data, excluding its 4-byte header; 0 when X=0. */
    public int extensionDataLength() {
        return extensionDataLength;
    }

    /** Header length: fixed header, CSRCs and the whole extension block. */
    public int headerLength() {
        return payloadOffset;
    }

    /** Absolute index in {@link #buffer()} of the first payload byte. */
    public int payloadOffset() {
        return off + payloadOffset;
    }

    /** Payload length, excluding padding. */
    public int payloadLength() {
        return payloadLength;
    }

    /** Number of padding octets at the end, the count octet included; 0 when P=0. */
    public int paddingLength() {
        return paddingLength;
    }

    public void setMarker(boolean marker) {
        buf[off + 1] = (byte) (marker ? buf[off + 1] | 0x80 : buf[off + 1] & 0x7F);
    }

    /** Rewrites the 7-bit payload type, keeping the marker bit. */
    public void setPayloadType(int payloadType) {
        buf[off + 1] = (byte) ((buf[off + 1] & 0x80) | (payloadType & 0x7F));
    }

    public void setSequenceNumber(int sequenceNumber) {
        Bytes.put16(buf, off + 2, sequenceNumber);
    }

    public void setTimestamp(int timestamp) {
        Bytes.put32(buf, off + 4, timestamp);
    }

    public void setSsrc(int ssrc) {
        Bytes.put32(buf, off + 8, ssrc);
    }

    /**
     * Writes a 12-byte fixed header with V=2, P=0, X=0, CC=0.
     *
     * @return {@link #FIXED_HEADER_LENGTH}, or -1 when the buffer has no room
     */
    public static int writeHeader(byte[] buf, int off, boolean marker, int payloadType,
                                  int sequenceNumber, int timestamp, int ssrc) {
        if (!Bytes.inBounds(buf, off, FIXED_HEADER_LENGTH)) {
            return -1;
        }
        buf[off] = (byte) (VERSION << 6);
        buf[off + 1] = (byte) ((marker ? 0x80 : 0) | (payloadType & 0x7F));
        Bytes.put16(buf, off + 2, sequenceNumber);
        Bytes.put32(buf, off + 4, timestamp);
        Bytes.put32(buf, off + 8, ssrc);
        return FIXED_HEADER_LENGTH;
    }
}
