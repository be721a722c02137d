package io.atrium.webrtc.rtp;

import io.atrium.webrtc.util.Bytes;

/**
 * RTP retransmission payload format, RFC 4588 section 4: the RTX packet carries the original
 * packet's payload behind a 2-byte original sequence number (OSN), on its own SSRC, payload type
 * and sequence number space. Header extensions, CSRCs and padding stay where they are.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         RTP Header                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            OSN                |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               |
 * |                  Original RTP Packet Payload                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class Rtx {
    /** Size of the original sequence number field. */
    public static final int OSN_LENGTH = 2;

    private Rtx() {
    }

    /** The OSN of a wrapped RTX packet, or -1 when its payload is shorter than 2 bytes. */
    public static int originalSequenceNumber(RtpPacket rtx) {
        if (rtx.payloadLength() < OSN_LENGTH) {
            return -1;
        }
        return Bytes.u16(rtx.buffer(), rtx.payloadOffset());
    }

    /**
     * Turns the wrapped RTX packet back into the original packet in place: sequence number := OSN,
     * the given payload type and SSRC, the OSN removed (the packet shrinks by 2 bytes). The packet
     * is re-wrapped.
     *
     * @return the new length, or -1 (packet unchanged) when the payload holds no OSN
     */
    public static int unwrapInPlace(RtpPacket rtx, int originalPayloadType, int originalSsrc) {
        int osn = originalSequenceNumber(rtx);
        if (osn < 0) {
            return -1;
        }
        byte[] buf = rtx.buffer();
        int off = rtx.offset();
        int end = off + rtx.length();
        int payload = rtx.payloadOffset();
        System.arraycopy(buf, payload + OSN_LENGTH, buf, payload, end - payload - OSN_LENGTH);
        rtx.setSequenceNumber(osn);
        rtx.setPayloadType(originalPayloadType);
        rtx.setSsrc(originalSsrc);
        int newLength = rtx.length() - OSN_LENGTH;
        rtx.wrap(buf, off, newLength);
        return newLength;
    }

    /**
     * Turns the wrapped original packet into an RTX packet in place: inserts its sequence number
     * as OSN before the payload (the packet grows by 2 bytes) and sets the RTX payload type, SSRC
     * and sequence number. The packet is re-wrapped.
     *
     * @param capacity bytes the caller owns from the packet's offset on
     * @return the new length, or -1 (packet unchanged) when it would exceed {@code capacity}
     */
    public static int wrapInPlace(RtpPacket packet, int capacity, int rtxPayloadType, int rtxSsrc,
                                  int rtxSequenceNumber) {
        byte[] buf = packet.buffer();
        int off = packet.offset();
        int newLength = packet.length() + OSN_LENGTH;
        if (newLength > capacity || !Bytes.inBounds(buf, off, newLength)) {
            return -1;
        }
        int payload = packet.payloadOffset();
        int osn = packet.sequenceNumber();
        System.arraycopy(buf, payload, buf, payload + OSN_LENGTH, off + packet.length() - payload);
        Bytes.put16(buf, payload, osn);
        packet.setSequenceNumber(rtxSequenceNumber);
        packet.setPayloadType(rtxPayloadType);
        packet.setSsrc(rtxSsrc);
        packet.wrap(buf, off, newLength);
        return newLength;
    }

    /**
     * Writes an RTX copy of {@code original} into {@code dst[dstOff, dstOff+dstCapacity)}, leaving
     * the original (e.g. in a retransmission cache) untouched.
     *
     * @return the RTX packet length, or -1 when it does not fit
     */
    public static int writeRtx(RtpPacket original, byte[] dst, int dstOff, int dstCapacity,
                               int rtxPayloadType, int rtxSsrc, int rtxSequenceNumber) {
        int headerLength = original.headerLength();
        int rest = original.length() - headerLength;
        int total = original.length() + OSN_LENGTH;
        if (total > dstCapacity || !Bytes.inBounds(dst, dstOff, total)) {
            return -1;
        }
        byte[] src = original.buffer();
        int srcOff = original.offset();
        System.arraycopy(src, srcOff, dst, dstOff, headerLength);
        Bytes.put16(dst, dstOff + headerLength, original.sequenceNumber());
        System.arraycopy(src, srcOff + headerLength, dst, dstOff + headerLength + OSN_LENGTH, rest);
        dst[dstOff + 1] = (byte) ((dst[dstOff + 1] & 0x80) | (rtxPayloadType & 0x7F));
        Bytes.put16(dst, dstOff + 2, rtxSequenceNumber);
        Bytes.put32(dst, dstOff + 8, rtxSsrc);
        return total;
    }
}
