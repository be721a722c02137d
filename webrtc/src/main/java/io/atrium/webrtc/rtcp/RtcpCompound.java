package io.atrium.webrtc.rtcp;

import io.atrium.webrtc.util.Bytes;

/**
 * Flyweight iterator over a compound RTCP packet, RFC 3550 section 6.1, with the validity checks
 * of appendix A.2: every packet has version 2, the length fields add up exactly to the datagram
 * length, and only the last packet may be padded. The "first packet is SR or RR" rule is exposed
 * separately ({@link #startsWithReport()}) because reduced-size RTCP (RFC 5506) drops it.
 *
 * <pre>
 * [ SR or RR ][ SDES ][ BYE ][ RTPFB ][ PSFB ] ...   each: |V=2|P|RC|PT|length| body |
 * </pre>
 */
public final class RtcpCompound {
    private byte[] buf;
    private int start;
    private int end;
    private int next;
    private int packetOffset;
    private int packetLength;
    private int contentLength;

    /**
     * Validates the whole compound packet {@code buf[off, off+len)} and positions before its first
     * packet.
     *
     * @return {@code false} when it is empty or any packet fails the checks above
     */
    public boolean wrap(byte[] buf, int off, int len) {
        this.buf = null;
        if (!Bytes.inBounds(buf, off, len) || len < RtcpHeader.HEADER_LENGTH) {
            return false;
        }
        int pos = off;
        int end = off + len;
        while (pos < end) {
            int content = RtcpHeader.contentLength(buf, pos, end - pos);
            if (content < 0) {
                return false;
            }
            int declared = RtcpHeader.declaredLength(buf, pos);
            if (content != declared && pos + declared != end) {
                return false; // padding only in the last packet
            }
            pos += declared;
        }
        this.buf = buf;
        this.start = off;
        this.end = end;
        rewind();
        return true;
    }

    /** Moves back before the first packet. */
    public void rewind() {
        next = start;
        packetOffset = -1;
    }

    /** True when the first packet is an SR or RR, as RFC 3550 requires of full compound RTCP. */
    public boolean startsWithReport() {
        int type = RtcpHeader.packetType(buf, start);
        return type == RtcpHeader.SR || type == RtcpHeader.RR;
    }

    /** Advances to the next packet; {@code false} after the last. */
    public boolean next() {
        if (buf == null || next >= end) {
            packetOffset = -1;
            return false;
        }
        packetOffset = next;
        packetLength = RtcpHeader.declaredLength(buf, next);
        contentLength = RtcpHeader.contentLength(buf, next, end - next);
        next += packetLength;
        return true;
    }

    /** The wrapped buffer. */
    public byte[] buffer() {
        return buf;
    }

    /** Absolute index of the current packet's first byte. */
    public int packetOffset() {
        return packetOffset;
    }

    /** Length of the current packet, padding included; pass it with the offset to a reader. */
    public int packetLength() {
        return packetLength;
    }

    /** Length of the current packet without padding. */
    public int contentLength() {
        return contentLength;
    }

    /** Packet type of the current packet. */
    public int packetType() {
        return RtcpHeader.packetType(buf, packetOffset);
    }

    /** RC / FMT field of the current packet. */
    public int count() {
        return RtcpHeader.count(buf, packetOffset);
    }
}
