package io.atrium.webrtc.stun;

import java.nio.charset.StandardCharsets;

/**
 * ERROR-CODE attribute (0x0009), RFC 8489 section 14.8.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Reserved, should be 0         |Class|     Number    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Reason Phrase (variable)                                ..
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * The code is {@code class * 100 + number} with class 3..6 and number 0..99; the reason phrase is UTF-8 of at
 * most {@link #MAX_REASON_LENGTH} bytes.
 */
public final class ErrorCode {
    /** 400: the request was malformed (RFC 8489 section 14.8). */
    public static final int BAD_REQUEST = 400;
    /** 401: missing or wrong credentials. */
    public static final int UNAUTHORIZED = 401;
    /** 420: the request had comprehension-required attributes the server does not understand. */
    public static final int UNKNOWN_ATTRIBUTE = 420;
    /** 487: ICE role conflict (RFC 8445 section 7.3.1.1). */
    public static final int ROLE_CONFLICT = 487;
    /** 500: temporary server error. */
    public static final int SERVER_ERROR = 500;

    /** Minimum value length: the 4-byte class/number word. */
    public static final int MIN_VALUE_LENGTH = 4;
    /** Largest reason phrase, in bytes. */
    public static final int MAX_REASON_LENGTH = 763;

    private static final byte[] BAD_REQUEST_REASON = ascii("Bad Request");
    private static final byte[] UNAUTHORIZED_REASON = ascii("Unauthorized");
    private static final byte[] UNKNOWN_ATTRIBUTE_REASON = ascii("Unknown Attribute");
    private static final byte[] ROLE_CONFLICT_REASON = ascii("Role Conflict");
    private static final byte[] SERVER_ERROR_REASON = ascii("Server Error");
    private static final byte[] NO_REASON = new byte[0];

    private ErrorCode() {
    }

    /** True if {@code code} is encodable: class 3..6 and number 0..99. */
    public static boolean isValidCode(int code) {
        return code >= 300 && code <= 699;
    }

    /** Writes the value at {@code valueOff}; returns its length. */
    public static int write(byte[] buf, int valueOff, int code, byte[] reason, int reasonOff, int reasonLen) {
        if (!isValidCode(code)) {
            throw new IllegalArgumentException("error code out of range 300..699: " + code);
        }
        if (reasonLen < 0 || reasonLen > MAX_REASON_LENGTH) {
            throw new IllegalArgumentException("reason phrase longer than " + MAX_REASON_LENGTH + " bytes");
        }
        buf[valueOff] = 0;
        buf[valueOff + 1] = 0;
        buf[valueOff + 2] = (byte) (code / 100);
        buf[valueOff + 3] = (byte) (code % 100);
        System.arraycopy(reason, reasonOff, buf, valueOff + 4, reasonLen);
        return MIN_VALUE_LENGTH + reasonLen;
    }

    /** The code ({@code class * 100 + number}) of a value already checked by {@link #isWellFormed}. */
    public static int code(byte[] buf, int valueOff) {
        return (buf[valueOff + 2] & 0x07) * 100 + (buf[valueOff + 3] & 0xFF);
    }

    /** True if the value has a legal length, class and number. */
    public static boolean isWellFormed(byte[] buf, int valueOff, int valueLen) {
        if (valueLen < MIN_VALUE_LENGTH || valueLen > MIN_VALUE_LENGTH + MAX_REASON_LENGTH) {
            return false;
        }
        int cls = buf[valueOff + 2] & 0x07;
        int number = buf[valueOff + 3] & 0xFF;
        return cls >= 3 && cls <= 6 && number <= 99;
    }

    /** The reason phrase this library sends for {@code code}: a shared array the caller must not modify. */
    static byte[] defaultReason(int code) {
        switch (code) {
            case BAD_REQUEST:
                return BAD_REQUEST_REASON;
            case UNAUTHORIZED:
                return UNAUTHORIZED_REASON;
            case UNKNOWN_ATTRIBUTE:
                return UNKNOWN_ATTRIBUTE_REASON;
            case ROLE_CONFLICT:
                return ROLE_CONFLICT_REASON;
            case SERVER_ERROR:
                return SERVER_ERROR_REASON;
            default:
                return NO_REASON;
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
