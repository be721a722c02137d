package io.atrium.server.sip.audio;

/**
 * A call-progress tone played to a phone instead of the mix: one or two frequencies, on for
 * {@code onMillis}, off for {@code offMillis}, repeated. Each leg plays its own instance (it keeps the
 * phase). {@link #pin()} asks for a PIN (two short 1 kHz beeps every 3 s); {@link #waiting()} says
 * "wait to be admitted" (425 Hz, 1 s on, 4 s off).
 */
public final class Tone {

    private static final int RATE = 48_000;

    private final double step1;
    private final double step2;
    private final int period;
    private final int[] on;
    private double phase1;
    private double phase2;
    private int position;

    /** {@code f2} 0: a single frequency; {@code bursts} on-times (ms) each followed by {@code gapMillis}, then {@code pauseMillis}. */
    Tone(double f1, double f2, int burstMillis, int bursts, int gapMillis, int pauseMillis) {
        this.step1 = 2 * Math.PI * f1 / RATE;
        this.step2 = f2 == 0 ? 0 : 2 * Math.PI * f2 / RATE;
        this.on = new int[bursts * 2];
        int t = 0;
        for (int i = 0; i < bursts; i++) {
            on[2 * i] = t;
            on[2 * i + 1] = t + burstMillis * RATE / 1000;
            t = on[2 * i + 1] + gapMillis * RATE / 1000;
        }
        this.period = t - gapMillis * RATE / 1000 + pauseMillis * RATE / 1000;
    }

    public static Tone pin() {
        return new Tone(1000, 0, 150, 2, 100, 2650);
    }

    public static Tone waiting() {
        return new Tone(425, 0, 1000, 1, 0, 4000);
    }

    /** The next 20 ms of the tone. */
    void fill(short[] out) {
        for (int i = 0; i < AudioCodec.FRAME; i++) {
            boolean sounding = false;
            for (int b = 0; b < on.length; b += 2) {
                sounding |= position >= on[b] && position < on[b + 1];
            }
            double v = 0;
            if (sounding) {
                v = Math.sin(phase1) + (step2 == 0 ? 0 : Math.sin(phase2));
            }
            out[i] = (short) (v * (step2 == 0 ? 6000 : 3000));
            phase1 += step1;
            phase2 += step2;
            if (phase1 > 2 * Math.PI) {
                phase1 -= 2 * Math.PI;
            }
            if (phase2 > 2 * Math.PI) {
                phase2 -= 2 * Math.PI;
            }
            position = (position + 1) % period;
        }
    }
}
