package io.atrium.bench;

/** Deterministic test bytes for benchmark set-up (never used inside a measured method). */
final class Fixtures {
    private Fixtures() {
    }

    /** {@code n} pseudo-random octets from a fixed xorshift seed, so every run sees the same packets. */
    static byte[] bytes(int n, int seed) {
        byte[] out = new byte[n];
        long x = 0x9E3779B97F4A7C15L * seed + 1;
        for (int i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            out[i] = (byte) x;
        }
        return out;
    }
}
