package io.atrium.server.sfu;

/** NTP timestamps (RFC 5905 §6: seconds since 1900 in the high 32 bits, fraction in the low 32). */
final class Ntp {

    private static final long SECONDS_1900_TO_1970 = 2_208_988_800L;

    private Ntp() {
    }

    static long fromMillis(long unixMillis) {
        long seconds = unixMillis / 1000 + SECONDS_1900_TO_1970;
        long fraction = ((unixMillis % 1000) << 32) / 1000;
        return seconds << 32 | fraction;
    }

    /** The middle 32 bits, as LSR in a report block carries them (RFC 3550 §6.4.1). */
    static int middle(long ntp) {
        return (int) (ntp >>> 16);
    }
}
