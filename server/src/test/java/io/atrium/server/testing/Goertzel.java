package io.atrium.server.testing;

/** The Goertzel filter: the relative power of one frequency in a block of PCM samples. */
public final class Goertzel {

    private Goertzel() {
    }

    /** Power of {@code frequency} in {@code samples} at {@code rate}, normalised by the block's energy (0..1). */
    public static double power(short[] samples, int n, int rate, double frequency) {
        double coeff = 2 * Math.cos(2 * Math.PI * frequency / rate);
        double s1 = 0;
        double s2 = 0;
        double energy = 0;
        for (int i = 0; i < n; i++) {
            double x = samples[i];
            double s = x + coeff * s1 - s2;
            s2 = s1;
            s1 = s;
            energy += x * x;
        }
        double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
        return energy == 0 ? 0 : power / (energy * n / 2);
    }
}
