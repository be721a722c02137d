package io.atrium.server.sip.audio;

/**
 * RFC 4733 telephone events (DTMF) in RTP: the 4-byte payload
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     event     |E|R| volume    |          duration             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Events 0–9 are the digits, 10 {@code *}, 11 {@code #}, 12–15 A–D. A digit is reported once, at its
 * first end packet (the end packet is sent three times).
 */
public final class Dtmf {

    /** The DTMF keys, in the order of their RFC 4733 event codes (0–15). */
    public static final String DIGITS = "0123456789*#ABCD";

    private int lastEndTimestamp = -1;
    private boolean seenEnd;

    /** The digit this payload ends, or 0 (not an end, a repeat of the last end, or malformed). */
    public char receive(byte[] buf, int off, int len, int rtpTimestamp) {
        if (len < 4) {
            return 0;
        }
        int event = buf[off] & 0xff;
        boolean end = (buf[off + 1] & 0x80) != 0;
        if (!end || event >= DIGITS.length() || seenEnd && rtpTimestamp == lastEndTimestamp) {
            return 0;
        }
        seenEnd = true;
        lastEndTimestamp = rtpTimestamp;
        return DIGITS.charAt(event);
    }

    /** Writes the payload for {@code digit} into {@code out} at {@code off}; false for no DTMF digit. */
    public static boolean write(char digit, boolean end, int durationSamples, byte[] out, int off) {
        int event = DIGITS.indexOf(Character.toUpperCase(digit));
        if (event < 0) {
            return false;
        }
        out[off] = (byte) event;
        out[off + 1] = (byte) ((end ? 0x80 : 0) | 10); // volume -10 dBm0
        out[off + 2] = (byte) (durationSamples >> 8);
        out[off + 3] = (byte) durationSamples;
        return true;
    }
}
