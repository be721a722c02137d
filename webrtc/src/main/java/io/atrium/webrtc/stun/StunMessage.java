package io.atrium.webrtc.stun;

import io.atrium.webrtc.util.Bytes;

/**
 * STUN message header constants and the message-type bit layout, RFC 8489 section 5, plus the RFC 7983
 * first-byte demultiplexing test.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0|     STUN Message Type     |         Message Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Magic Cookie                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * |                     Transaction ID (96 bits)                  |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Message type (14 bits), M = method, C = class:
 *   0                 1
 *   2  3  4 5 6 7 8 9 0 1 2 3 4 5
 *  +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |M |M |M|M|M|C|M|M|M|C|M|M|M|M|
 *  |11|10|9|8|7|1|6|5|4|0|3|2|1|0|
 *  +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * The message length counts the bytes after the 20-byte header and is always a multiple of 4.
 */
public final class StunMessage {
    /** Size of the fixed header. */
    public static final int HEADER_LENGTH = 20;
    /** The fixed magic cookie, RFC 8489 section 5. */
    public static final int MAGIC_COOKIE = 0x2112A442;
    /** Offset of the 96-bit transaction id inside the header. */
    public static final int TRANSACTION_ID_OFFSET = 8;
    /** Length of the transaction id. */
    public static final int TRANSACTION_ID_LENGTH = 12;

    /** The Binding method (RFC 8489 section 18.2). */
    public static final int METHOD_BINDING = 0x001;

    /** Class bits: request. */
    public static final int CLASS_REQUEST = 0;
    /** Class bits: indication. */
    public static final int CLASS_INDICATION = 1;
    /** Class bits: success response. */
    public static final int CLASS_SUCCESS_RESPONSE = 2;
    /** Class bits: error response. */
    public static final int CLASS_ERROR_RESPONSE = 3;

    /** Binding request, 0x0001. */
    public static final int BINDING_REQUEST = 0x0001;
    /** Binding indication, 0x0011. */
    public static final int BINDING_INDICATION = 0x0011;
    /** Binding success response, 0x0101. */
    public static final int BINDING_SUCCESS_RESPONSE = 0x0101;
    /** Binding error response, 0x0111. */
    public static final int BINDING_ERROR_RESPONSE = 0x0111;

    private StunMessage() {
    }

    /** Builds a 14-bit message type from a 12-bit method and a 2-bit class. */
    public static int type(int method, int messageClass) {
        return (method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2)
                | ((messageClass & 1) << 4) | ((messageClass & 2) << 7);
    }

    /** The 12-bit method of a message type. */
    public static int method(int type) {
        return (type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2);
    }

    /** The 2-bit class of a message type ({@link #CLASS_REQUEST} ... {@link #CLASS_ERROR_RESPONSE}). */
    public static int messageClass(int type) {
        return ((type >> 4) & 1) | ((type >> 7) & 2);
    }

    /**
     * Cheap test whether a datagram is STUN: RFC 7983 section 7 assigns first bytes 0..3 to STUN, and RFC 8489
     * adds the magic cookie at bytes 4..7. Does not validate the rest; use {@link StunReader#parse} for that.
     */
    public static boolean isStun(byte[] buf, int off, int len) {
        if (buf == null || off < 0 || len < HEADER_LENGTH || len > buf.length - off) {
            return false;
        }
        return (buf[off] & 0xFF) < 4 && Bytes.i32(buf, off + 4) == MAGIC_COOKIE;
    }
}
