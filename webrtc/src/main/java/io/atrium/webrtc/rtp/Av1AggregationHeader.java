package io.atrium.webrtc.rtp;

import io.atrium.webrtc.util.Bytes;

/**
 * The AV1 RTP aggregation header (AV1 RTP Payload Format specification, section 4.4), used to
 * detect the start of a new coded video sequence, which always begins with a key frame.
 *
 * <pre>
 *  0 1 2 3 4 5 6 7
 * +-+-+-+-+-+-+-+-+
 * |Z|Y| W |N|-|-|-|
 * +-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class Av1AggregationHeader {
    private Av1AggregationHeader() {
    }

    /** True when the N bit is set: the packet is the first of a coded video sequence. */
    public static boolean isKeyframe(byte[] buf, int off, int len) {
        return len >= 2 && Bytes.inBounds(buf, off, len) && (buf[off] & 0x08) != 0;
    }
}
