package io.atrium.webrtc.rtp;

/**
 * Extends 16-bit RTP sequence numbers to a monotonic {@code long} (RFC 3550 appendix A.1 "cycles"):
 * each value is placed at the unwrapped position closest to the newest one seen so far, so
 * 65535 followed by 0 yields 65535 then 65536. Not thread-safe; one per stream.
 *
 * <p>The first value unwraps to itself; a packet reordered to before the first one may unwrap to a
 * negative number.
 */
public final class SequenceNumberUnwrapper {
    private long newest;
    private boolean started;

    /** Unwraps {@code seq} (low 16 bits used) and remembers it if it is the newest so far. */
    public long unwrap(int seq) {
        int s = seq & 0xFFFF;
        if (!started) {
            started = true;
            newest = s;
            return s;
        }
        long value = newest + SequenceNumbers.distance(s, (int) newest);
        if (value > newest) {
            newest = value;
        }
        return value;
    }

    /** Like {@link #unwrap} but without remembering the value. */
    public long peek(int seq) {
        int s = seq & 0xFFFF;
        return started ? newest + SequenceNumbers.distance(s, (int) newest) : s;
    }

    /** Forgets all history. */
    public void reset() {
        started = false;
        newest = 0;
    }
}
