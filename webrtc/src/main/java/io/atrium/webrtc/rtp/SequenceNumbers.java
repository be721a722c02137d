package io.atrium.webrtc.rtp;

/**
 * Serial-number arithmetic on 16-bit RTP sequence numbers and 32-bit RTP timestamps
 * (RFC 3550 section 5.1 and appendix A.1, comparisons in the sense of RFC 1982).
 *
 * <p>When two values are exactly half the number space apart, the numerically larger one counts as
 * newer, so {@code isNewer(a, b) != isNewer(b, a)} for all {@code a != b}.
 */
public final class SequenceNumbers {
    /** Size of the 16-bit sequence number space. */
    public static final int SEQ_MODULUS = 1 << 16;
    private static final int SEQ_HALF = 1 << 15;

    private SequenceNumbers() {
    }

    /** True when 16-bit sequence number {@code a} comes after {@code b}. */
    public static boolean isNewer(int a, int b) {
        int d = (a - b) & 0xFFFF;
        if (d == SEQ_HALF) {
            return (a & 0xFFFF) > (b & 0xFFFF);
        }
        return d != 0 && d < SEQ_HALF;
    }

    /** Signed forward distance from {@code b} to {@code a}, in {@code [-32768, 32767]}. */
    public static int distance(int a, int b) {
        return (short) (a - b);
    }

    /** {@code (seq + delta) mod 2^16}. */
    public static int add(int seq, int delta) {
        return (seq + delta) & 0xFFFF;
    }

    /** True when 32-bit RTP timestamp {@code a} comes after {@code b}. */
    public static boolean isNewerTimestamp(int a, int b) {
        int d = a - b;
        if (d == Integer.MIN_VALUE) {
            return Integer.compareUnsigned(a, b) > 0;
        }
        return d > 0;
    }
}
