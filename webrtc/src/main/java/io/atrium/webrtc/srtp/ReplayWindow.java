package io.atrium.webrtc.srtp;

import java.util.Arrays;

/**
 * Sliding-window replay list (RFC 3711 section 3.3.2) over packet indices, as a ring bitmap.
 *
 * <pre>
 *   top - size + 1                                   top
 *        |&lt;----------------- size bits -----------------&gt;|   ahead of top: accepted
 *        bit (index mod size) set = index already seen
 *   behind the window: {@link SrtpError#TOO_OLD}
 * </pre>
 * {@link #check} does not modify the window; {@link #accept} is called only after the packet
 * authenticated, so forged packets cannot move it. Not thread-safe.
 */
final class ReplayWindow {
    private final long[] bits;
    private final int mask;
    private long top = -1;

    /** @param size window size in packets: a power of two, at least 64 */
    ReplayWindow(int size) {
        if (size < 64 || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("replay window must be a power of two >= 64: " + size);
        }
        bits = new long[size >>> 6];
        mask = size - 1;
    }

    /** The highest accepted index, or -1 before the first. */
    long top() {
        return top;
    }

    /** 0 if {@code index} may be accepted, else {@link SrtpError#REPLAYED} or {@link SrtpError#TOO_OLD}. */
    int check(long index) {
        if (index > top) {
            return 0;
        }
        if (top - index > mask) {
            return SrtpError.TOO_OLD;
        }
        int bit = (int) index & mask;
        return (bits[bit >>> 6] & (1L << bit)) != 0 ? SrtpError.REPLAYED : 0;
    }

    /** Records {@code index} as seen, sliding the window forward if it is ahead of the top. */
    void accept(long index) {
        if (index > top) {
            if (top < 0 || index - top > mask) {
                Arrays.fill(bits, 0L);
            } else {
                for (long i = top + 1; i < index; i++) {
                    int bit = (int) i & mask;
                    bits[bit >>> 6] &= ~(1L << bit);
                }
            }
            top = index;
        }
        int bit = (int) index & mask;
        bits[bit >>> 6] |= 1L << bit;
    }
}
