package io.atrium.webrtc.rtp;

import io.atrium.webrtc.util.Bytes;

/**
 * The abs-send-time header extension ({@value RtpHeaderExtensionMap#ABS_SEND_TIME}), defined in
 * the WebRTC "abs-send-time" experiment: 24-bit send time in seconds, 6.18 unsigned fixed point,
 * wrapping every 64 seconds.
 *
 * <pre>
 *  0                   1                   2
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  seconds  |        fraction (1/2^18 s)        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class AbsSendTimeExtension {
    /** Element data length. */
    public static final int LENGTH = 3;
    /** Number of fraction bits. */
    public static final int FRACTION_BITS = 18;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final int SECONDS_MODULUS = 64;

    private AbsSendTimeExtension() {
    }

    /** The 24-bit value of element data {@code buf[off, off+len)}, or -1 when it is not 3 bytes. */
    public static int read(byte[] buf, int off, int len) {
        if (len != LENGTH || !Bytes.inBounds(buf, off, len)) {
            return -1;
        }
        return Bytes.u24(buf, off);
    }

    /** Writes the low 24 bits of {@code value}; returns {@link #LENGTH} or -1 without room. */
    public static int write(byte[] buf, int off, int value) {
        if (!Bytes.inBounds(buf, off, LENGTH)) {
            return -1;
        }
        Bytes.put24(buf, off, value);
        return LENGTH;
    }

    /** Converts a monotonic time in nanoseconds to the 6.18 wire value (seconds modulo 64). */
    public static int fromNanos(long nanos) {
        long seconds = Math.floorMod(Math.floorDiv(nanos, NANOS_PER_SECOND), SECONDS_MODULUS);
        long fraction = (Math.floorMod(nanos, NANOS_PER_SECOND) << FRACTION_BITS) / NANOS_PER_SECOND;
        return (int) (seconds << FRACTION_BITS | fraction);
    }

    /** Converts a 24-bit wire value to microseconds within the 64-second wrap period. */
    public static long toMicros(int value) {
        return ((value & 0xFFFFFFL) * 1_000_000L) >>> FRACTION_BITS;
    }
}
