package io.atrium.webrtc.stun;

import io.atrium.webrtc.util.Bytes;

/**
 * UNKNOWN-ATTRIBUTES attribute (0x000A), RFC 8489 section 14.9: the comprehension-required attribute types a
 * server did not understand, sent in a 420 error response.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Attribute 1 Type         |       Attribute 2 Type        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Attribute 3 Type         |       Attribute 4 Type    ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class UnknownAttributes {
    /** How many unknown types a {@link StunReader} remembers and a response reports. */
    public static final int MAX_REPORTED = 8;

    private UnknownAttributes() {
    }

    /** Writes {@code count} types at {@code valueOff}; returns the value length. */
    public static int write(byte[] buf, int valueOff, int[] types, int count) {
        if (count < 0 || count > types.length) {
            throw new IllegalArgumentException("count out of range: " + count);
        }
        for (int i = 0; i < count; i++) {
            Bytes.put16(buf, valueOff + 2 * i, types[i]);
        }
        return 2 * count;
    }

    /** Number of types in a value of {@code valueLen} bytes. */
    public static int count(int valueLen) {
        return valueLen / 2;
    }

    /** The {@code index}-th type of the value at {@code valueOff}. */
    public static int type(byte[] buf, int valueOff, int index) {
        return Bytes.u16(buf, valueOff + 2 * index);
    }
}
