package io.atrium.webrtc.stun;

/**
 * STUN attribute type registry values used by ICE (RFC 8489 section 18.3, RFC 8445 section 16.1) and the
 * generic attribute TLV layout of RFC 8489 section 14.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Type                  |            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Value (variable)                ....
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Length is the value length before padding; the value is padded to a 32-bit boundary. Types below 0x8000
 * are comprehension-required, the rest comprehension-optional.
 *
 * <p>USERNAME (RFC 8489 section 14.3) and SOFTWARE (section 14.14) are plain UTF-8 strings with no further
 * structure; their limits are {@link #MAX_USERNAME_LENGTH} and {@link #MAX_SOFTWARE_LENGTH}.
 */
public final class StunAttributeType {
    /** Size of the type + length prefix of every attribute. */
    public static final int TLV_HEADER_LENGTH = 4;

    public static final int MAPPED_ADDRESS = 0x0001;
    public static final int USERNAME = 0x0006;
    public static final int MESSAGE_INTEGRITY = 0x0008;
    public static final int ERROR_CODE = 0x0009;
    public static final int UNKNOWN_ATTRIBUTES = 0x000A;
    public static final int MESSAGE_INTEGRITY_SHA256 = 0x001C;
    public static final int XOR_MAPPED_ADDRESS = 0x0020;
    /** RFC 8445 section 16.1. */
    public static final int PRIORITY = 0x0024;
    /** RFC 8445 section 16.1. */
    public static final int USE_CANDIDATE = 0x0025;
    public static final int SOFTWARE = 0x8022;
    public static final int FINGERPRINT = 0x8028;
    /** RFC 8445 section 16.1. */
    public static final int ICE_CONTROLLED = 0x8029;
    /** RFC 8445 section 16.1. */
    public static final int ICE_CONTROLLING = 0x802A;

    /**
     * Largest USERNAME value accepted: RFC 5389 allowed fewer than 513 bytes (RFC 8489 tightened it to 509); the
     * reader accepts the older, larger bound so that it never rejects a message an older peer may send.
     */
    public static final int MAX_USERNAME_LENGTH = 512;
    /** Largest SOFTWARE value: fewer than 128 characters, up to 763 bytes (RFC 8489 section 14.14). */
    public static final int MAX_SOFTWARE_LENGTH = 763;

    private StunAttributeType() {
    }

    /** True for types 0x0000-0x7FFF, which a receiver must understand or reject (RFC 8489 section 14). */
    public static boolean isComprehensionRequired(int type) {
        return type < 0x8000;
    }

    /** True for the comprehension-required types this codec implements. */
    public static boolean isUnderstood(int type) {
        switch (type) {
            case MAPPED_ADDRESS:
            case USERNAME:
            case MESSAGE_INTEGRITY:
            case ERROR_CODE:
            case UNKNOWN_ATTRIBUTES:
            case XOR_MAPPED_ADDRESS:
            case PRIORITY:
            case USE_CANDIDATE:
                return true;
            default:
                return !isComprehensionRequired(type);
        }
    }

    /** Length of a value of {@code len} bytes once padded to the 32-bit boundary (RFC 8489 section 14). */
    static int padded(int len) {
        return (len + 3) & ~3;
    }
}
