package io.atrium.server.sip.audio;

/**
 * 8 kHz ↔ 48 kHz for one stream (factor 6), with a windowed-sinc low-pass (cut-off 3.6 kHz) so neither
 * direction aliases: up inserts five zeros per sample and filters (polyphase), down filters and keeps
 * every sixth sample. The filter history is kept between frames; nothing is allocated per frame.
 */
public final class Resampler {

    static final int FACTOR = 6;
    private static final int TAPS = 72; // 12 per phase
    private static final float[] FIR = design();

    private final float[] history = new float[TAPS];
    private int pos;

    private static float[] design() {
        float[] h = new float[TAPS];
        double cutoff = 3600.0 / 48000;
        double sum = 0;
        for (int i = 0; i < TAPS; i++) {
            double m = i - (TAPS - 1) / 2.0;
            double sinc = m == 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * m) / (Math.PI * m);
            double window = 0.54 - 0.46 * Math.cos(2 * Math.PI * i / (TAPS - 1));
            h[i] = (float) (sinc * window);
            sum += h[i];
        }
        for (int i = 0; i < TAPS; i++) {
            h[i] /= (float) sum;
        }
        return h;
    }

    /** {@code n} samples at 8 kHz into {@code 6n} at 48 kHz. */
    public void up(short[] in, int n, short[] out) {
        for (int i = 0; i < n; i++) {
            for (int phase = 0; phase < FACTOR; phase++) {
                push(phase == 0 ? in[i] * (float) FACTOR : 0f);
                out[i * FACTOR + phase] = clip(filter());
            }
        }
    }

    /** {@code n} samples at 48 kHz (a multiple of 6) into {@code n/6} at 8 kHz. */
    public void down(short[] in, int n, short[] out) {
        for (int i = 0; i < n; i++) {
            push(in[i]);
            if (i % FACTOR == FACTOR - 1) {
                out[i / FACTOR] = clip(filter());
            }
        }
    }

    private void push(float sample) {
        history[pos] = sample;
        pos = pos + 1 == TAPS ? 0 : pos + 1;
    }

    private float filter() {
        float acc = 0;
        int p = pos;
        for (int k = 0; k < TAPS; k++) {
            p = p == 0 ? TAPS - 1 : p - 1;
            float x = history[p];
            if (x != 0f) {
                acc += FIR[k] * x;
            }
        }
        return acc;
    }

    static short clip(float v) {
        return (short) Math.max(-32768, Math.min(32767, Math.round(v)));
    }
}
