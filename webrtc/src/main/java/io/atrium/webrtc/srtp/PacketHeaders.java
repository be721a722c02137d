package io.atrium.webrtc.srtp;

import io.atrium.webrtc.util.Bytes;

/**
 * The few header fields SRTP needs, read without trusting declared lengths.
 *
 * <pre>
 * RTP fixed header (RFC 3550 section 5.1), then CC CSRCs and, if X, one extension (section 5.3.1):
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                             SSRC                              |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                  CSRC list (CC x 32 bits)                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      profile-defined          |  extension length (words)     |  (X = 1)
 * |                 extension (length x 32 bits)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * First RTCP header of a compound packet (RFC 3550 section 6.4.1):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|   RC    |      PT       |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         SSRC of sender                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
final class PacketHeaders {
    static final int RTP_FIXED_HEADER = 12;
    static final int RTCP_HEADER = 8;

    private PacketHeaders() {
    }

    /** The RTP header length including CSRCs and extension, or a negative {@link SrtpError}. */
    static int rtpHeaderLength(byte[] buf, int off, int len) {
        if (len < RTP_FIXED_HEADER) {
            return SrtpError.TOO_SHORT;
        }
        int first = buf[off] & 0xFF;
        if ((first >>> 6) != 2) {
            return SrtpError.MALFORMED;
        }
        int length = RTP_FIXED_HEADER + 4 * (first & 0x0F);
        if ((first & 0x10) != 0) {
            if (len < length + 4) {
                return SrtpError.TOO_SHORT;
            }
            length += 4 + 4 * Bytes.u16(buf, off + length + 2);
        }
        return length <= len ? length : SrtpError.TOO_SHORT;
    }

    /** 0 if an RTCP header can be read, else a negative {@link SrtpError}. */
    static int checkRtcpHeader(byte[] buf, int off, int len) {
        if (len < RTCP_HEADER) {
            return SrtpError.TOO_SHORT;
        }
        return ((buf[off] & 0xFF) >>> 6) == 2 ? 0 : SrtpError.MALFORMED;
    }
}
