package io.atrium.webrtc.rtp;

import io.atrium.webrtc.util.Bytes;

/**
 * The transport-wide sequence number header extension ({@value RtpHeaderExtensionMap#TRANSPORT_CC}),
 * draft-holmer-rmcat-transport-wide-cc-extensions-01 section 2: a 16-bit sequence number shared
 * by all media streams of one transport, echoed back in transport-cc feedback.
 *
 * <pre>
 *  0                   1
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  transport-wide sequence nr   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class TransportSequenceExtension {
    /** Element data length. */
    public static final int LENGTH = 2;

    private TransportSequenceExtension() {
    }

    /** The sequence number in element data {@code buf[off, off+len)}, or -1 when not 2 bytes. */
    public static int read(byte[] buf, int off, int len) {
        if (len != LENGTH || !Bytes.inBounds(buf, off, len)) {
            return -1;
        }
        return Bytes.u16(buf, off);
    }

    /** Writes the low 16 bits of {@code sequenceNumber}; returns {@link #LENGTH} or -1 without room. */
    public static int write(byte[] buf, int off, int sequenceNumber) {
        if (!Bytes.inBounds(buf, off, LENGTH)) {
            return -1;
        }
        Bytes.put16(buf, off, sequenceNumber);
        return LENGTH;
    }
}
