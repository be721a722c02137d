package io.atrium.server.sip.audio;

/**
 * A small fixed jitter buffer for one RTP stream of 20 ms frames: packets are stored by sequence number
 * in {@value #SLOTS} preallocated slots, and playout starts {@code depth} frames behind the newest
 * packet, then takes one frame per tick. Clock drift between sender and engine is absorbed: playout
 * never runs past the newest packet (it conceals and waits) and never falls more than
 * {@value #MAX_BEHIND}×{@code depth} frames behind it (it skips ahead). Late, duplicate and far-out packets are dropped; a missing
 * frame reads as empty (the caller conceals it). A packet far from the playout point (a new source,
 * or a stream resuming after a pause while playout ran on) restarts the buffer at it. No allocation
 * after construction.
 */
public final class JitterBuffer {

    static final int SLOTS = 16;
    /** Playout more than this many times {@code depth} frames behind the newest packet catches up. */
    static final int MAX_BEHIND = 3;
    static final int MAX_PAYLOAD = 1500;

    private final byte[][] payloads = new byte[SLOTS][MAX_PAYLOAD];
    private final int[] lengths = new int[SLOTS];
    private final int[] seqs = new int[SLOTS];
    private final int depth;
    private int next = -1;
    private int newest = -1;

    public JitterBuffer(int depth) {
        this.depth = depth;
        java.util.Arrays.fill(seqs, -1);
    }

    /** Stores one packet's payload; false when it is late, a duplicate or too big. */
    public boolean put(int seq, byte[] buf, int off, int len) {
        seq &= 0xffff;
        if (len > MAX_PAYLOAD || len < 0) {
            return false;
        }
        if (next >= 0) {
            int ahead = (short) (seq - next);
            if (ahead < -SLOTS || ahead >= SLOTS) {
                reset(); // the stream jumped (a new source, or playout ran on through a pause): start over
            } else if (ahead < 0) {
                return false;
            }
        }
        int slot = seq % SLOTS;
        if (seqs[slot] == seq) {
            return false;
        }
        System.arraycopy(buf, off, payloads[slot], 0, len);
        lengths[slot] = len;
        seqs[slot] = seq;
        if (newest < 0 || (short) (seq - newest) > 0) {
            newest = seq;
        }
        if (next < 0) {
            next = (seq - depth) & 0xffff;
        }
        return true;
    }

    private void reset() {
        java.util.Arrays.fill(seqs, -1);
        next = -1;
        newest = -1;
    }

    /**
     * The next frame's payload copied into {@code out}: its length, 0 when that frame is missing, -1
     * before the first packet.
     */
    public int take(byte[] out) {
        if (next < 0) {
            return -1;
        }
        int slot = next % SLOTS;
        if (seqs[slot] != next && (short) (next - newest) > 0) {
            return 0; // nothing that new arrived yet (the sender's clock is slower): conceal and wait for it
        }
        int len = 0;
        if (seqs[slot] == next) {
            len = lengths[slot];
            System.arraycopy(payloads[slot], 0, out, 0, len);
            seqs[slot] = -1;
        }
        next = (next + 1) & 0xffff;
        if ((short) (newest - next) > MAX_BEHIND * depth) {
            next = (newest - depth) & 0xffff; // the sender's clock is faster: drop the oldest, keep the delay bounded
        }
        return len;
    }
}
