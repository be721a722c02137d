package io.atrium.webrtc.rtp;

import io.atrium.webrtc.util.Bytes;

import java.nio.charset.StandardCharsets;

/**
 * String-valued SDES header extensions: sdes:mid ({@value RtpHeaderExtensionMap#MID}, RFC 8843
 * section 15), sdes:rtp-stream-id and sdes:repaired-rtp-stream-id
 * ({@value RtpHeaderExtensionMap#RID}, {@value RtpHeaderExtensionMap#REPAIRED_RID}, RFC 8852
 * section 3). The element data is the identifier itself, US-ASCII, without a terminator.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-
 * |  identifier bytes (1..16 one-byte form) ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-
 * </pre>
 *
 * <p>{@link #equalsAscii} compares on the hot path without allocating; {@link #read} builds a
 * {@code String} for control-path use.
 */
public final class SdesValueExtension {
    /** Largest identifier length accepted (RFC 8852: at most 255 bytes; two-byte form limit). */
    public static final int MAX_LENGTH = 255;

    private SdesValueExtension() {
    }

    /** True when {@code buf[off, off+len)} equals the US-ASCII bytes of {@code value}. */
    public static boolean equalsAscii(byte[] buf, int off, int len, String value) {
        if (!Bytes.inBounds(buf, off, len) || value == null || value.length() != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if ((buf[off + i] & 0xFF) != value.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Decodes the identifier, or returns {@code null} when the data is empty, longer than
     * {@link #MAX_LENGTH} or holds a byte outside printable US-ASCII.
     */
    public static String read(byte[] buf, int off, int len) {
        if (len < 1 || len > MAX_LENGTH || !Bytes.inBounds(buf, off, len)) {
            return null;
        }
        for (int i = 0; i < len; i++) {
            int c = buf[off + i] & 0xFF;
            if (c < 0x21 || c > 0x7E) {
                return null;
            }
        }
        return new String(buf, off, len, StandardCharsets.US_ASCII);
    }

    /**
     * Writes the identifier's US-ASCII bytes.
     *
     * @return the number of bytes written, or -1 when it does not fit or is not 1..255
     *     printable US-ASCII characters
     */
    public static int write(byte[] buf, int off, String value) {
        int n = value == null ? 0 : value.length();
        if (n < 1 || n > MAX_LENGTH || !Bytes.inBounds(buf, off, n)) {
            return -1;
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                return -1;
            }
        }
        for (int i = 0; i < n; i++) {
            buf[off + i] = (byte) value.charAt(i);
        }
        return n;
    }
}
