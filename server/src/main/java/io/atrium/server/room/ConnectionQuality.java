package io.atrium.server.room;

/**
 * A member's connection quality from what Atrium measures (docs/PROTOCOL.md): packet loss (0..1),
 * round-trip time (ms, -1 unknown) and jitter (ms).
 */
final class ConnectionQuality {

    private ConnectionQuality() {
    }

    static String of(double loss, int rttMillis, double jitterMillis) {
        int rtt = Math.max(rttMillis, 0);
        if (loss < 0.01 && rtt < 150 && jitterMillis < 30) {
            return "excellent";
        }
        if (loss < 0.03 && rtt < 300) {
            return "good";
        }
        if (loss < 0.08 && rtt < 500) {
            return "fair";
        }
        return "poor";
    }
}
