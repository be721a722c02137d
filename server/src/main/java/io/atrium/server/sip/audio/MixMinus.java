package io.atrium.server.sip.audio;

/**
 * The mix of one 20 ms frame: every active input is added once into a 32-bit sum; each output is that
 * sum minus its own input (so nobody hears themselves), clipped to 16 bits. N legs cost N decodes,
 * N·960 additions for the sum and N·960 subtractions for the outputs — never N² mixing.
 */
public final class MixMinus {

    private final int[] sum = new int[AudioCodec.FRAME];

    /** Starts a frame. */
    public void clear() {
        java.util.Arrays.fill(sum, 0);
    }

    /** Adds one decoded input to the frame's sum. */
    public void add(short[] pcm) {
        for (int i = 0; i < AudioCodec.FRAME; i++) {
            sum[i] += pcm[i];
        }
    }

    /** Everything but {@code own} (null: everything) into {@code out}. */
    public void minus(short[] own, short[] out) {
        for (int i = 0; i < AudioCodec.FRAME; i++) {
            int v = own == null ? sum[i] : sum[i] - own[i];
            out[i] = (short) (v > 32767 ? 32767 : v < -32768 ? -32768 : v);
        }
    }
}
