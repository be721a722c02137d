package io.atrium.webrtc.rtp;

import io.atrium.webrtc.util.Bytes;

/**
 * The client-to-mixer audio level header extension ({@value RtpHeaderExtensionMap#AUDIO_LEVEL}),
 * RFC 6464 section 3: voice activity flag and the level in -dBov (0 loudest, 127 silence).
 *
 * <pre>
 *  0 1 2 3 4 5 6 7
 * +-+-+-+-+-+-+-+-+
 * |V|    level    |
 * +-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>RFC 6464 lets the element carry trailing bytes (e.g. two-byte form padding); only the first
 * byte is read.
 */
public final class AudioLevelExtension {
    /** Element data length written by {@link #write}. */
    public static final int LENGTH = 1;
    /** Level value for digital silence, -127 dBov. */
    public static final int SILENCE = 127;

    private AudioLevelExtension() {
    }

    /** The 7-bit level of element data {@code buf[off, off+len)}, or -1 when it is empty. */
    public static int level(byte[] buf, int off, int len) {
        if (len < LENGTH || !Bytes.inBounds(buf, off, len)) {
            return -1;
        }
        return buf[off] & 0x7F;
    }

    /** The V bit of element data {@code buf[off, off+len)}; {@code false} when empty. */
    public static boolean voiceActivity(byte[] buf, int off, int len) {
        return len >= LENGTH && Bytes.inBounds(buf, off, len) && (buf[off] & 0x80) != 0;
    }

    /** Writes the V bit and the 7-bit level; returns {@link #LENGTH} or -1 without room. */
    public static int write(byte[] buf, int off, boolean voiceActivity, int level) {
        if (!Bytes.inBounds(buf, off, LENGTH)) {
            return -1;
        }
        buf[off] = (byte) ((voiceActivity ? 0x80 : 0) | (level & 0x7F));
        return LENGTH;
    }
}
