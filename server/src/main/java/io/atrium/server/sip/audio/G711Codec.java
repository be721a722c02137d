package io.atrium.server.sip.audio;

/** PCMU or PCMA at 8 kHz, resampled to and from the engine's 48 kHz by {@link Resampler}. */
public final class G711Codec implements AudioCodec {

    private static final int SAMPLES = 160;

    private final boolean ulaw;
    private final Resampler up = new Resampler();
    private final Resampler down = new Resampler();
    private final short[] narrow = new short[SAMPLES];

    /** {@code ulaw}: PCMU (payload type 0), else PCMA (8). */
    public G711Codec(boolean ulaw) {
        this.ulaw = ulaw;
    }

    @Override
    public void decode(byte[] in, int off, int len, short[] pcm) {
        int n = Math.min(len, SAMPLES);
        G711.decode(ulaw, in, off, n, narrow);
        java.util.Arrays.fill(narrow, n, SAMPLES, (short) 0);
        up.up(narrow, SAMPLES, pcm);
    }

    @Override
    public int encode(short[] pcm, byte[] out, int off) {
        down.down(pcm, FRAME, narrow);
        G711.encode(ulaw, narrow, SAMPLES, out, off);
        return SAMPLES;
    }

    @Override
    public int timestampStep() {
        return SAMPLES;
    }
}
