package io.atrium.webrtc.peer;

/**
 * What a received datagram is, by its first byte (RFC 7983 section 7) and, for RTP/RTCP, the packet type
 * in its second byte (RFC 5761 section 4: RTCP packet types 192-223 never collide with RTP payload types
 * once the marker bit is included).
 *
 * <pre>
 *                  +----------------+
 *                  |        [0..3] -+--> STUN
 *                  |      [20..63] -+--> DTLS
 *    first byte -->|    [128..191] -+--> RTP/RTCP --> second byte [192..223] -> RTCP, else RTP
 *                  |     otherwise -+--> OTHER (ZRTP, TURN channels, garbage: dropped)
 *                  +----------------+
 * </pre>
 */
enum PacketKind {
    STUN, DTLS, RTP, RTCP, OTHER;

    static PacketKind of(byte[] buf, int off, int len) {
        if (len < 1) {
            return OTHER;
        }
        int first = buf[off] & 0xFF;
        if (first <= 3) {
            return STUN;
        }
        if (first >= 20 && first <= 63) {
            return DTLS;
        }
        if (first >= 128 && first <= 191 && len >= 2) {
            int type = buf[off + 1] & 0xFF;
            return type >= 192 && type <= 223 ? RTCP : RTP;
        }
        return OTHER;
    }
}
