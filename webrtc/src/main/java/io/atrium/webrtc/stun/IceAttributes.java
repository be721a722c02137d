package io.atrium.webrtc.stun;

import io.atrium.webrtc.util.Bytes;

/**
 * The STUN attributes ICE adds, RFC 8445 section 16.1.
 *
 * <pre>
 * PRIORITY (0x0024), value length 4:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Priority (32-bit unsigned)                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * USE-CANDIDATE (0x0025), value length 0: a flag.
 *
 * ICE-CONTROLLED (0x8029) and ICE-CONTROLLING (0x802A), value length 8:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Tie-breaker (64-bit unsigned)                |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class IceAttributes {
    /** Value length of PRIORITY. */
    public static final int PRIORITY_LENGTH = 4;
    /** Value length of USE-CANDIDATE. */
    public static final int USE_CANDIDATE_LENGTH = 0;
    /** Value length of ICE-CONTROLLED and ICE-CONTROLLING. */
    public static final int TIE_BREAKER_LENGTH = 8;

    private IceAttributes() {
    }

    /** The priority as an unsigned value. */
    public static long priority(byte[] buf, int valueOff) {
        return Bytes.i32(buf, valueOff) & 0xFFFF_FFFFL;
    }

    /** The tie-breaker bits (treat as unsigned when comparing: {@link Long#compareUnsigned}). */
    public static long tieBreaker(byte[] buf, int valueOff) {
        return Bytes.i64(buf, valueOff);
    }
}
