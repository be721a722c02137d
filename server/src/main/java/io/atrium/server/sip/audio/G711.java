package io.atrium.server.sip.audio;

/**
 * G.711 (ITU-T G.711) μ-law (PCMU, RTP payload type 0) and A-law (PCMA, 8) by table: decoding is one
 * lookup per byte, encoding one lookup per sample in a 64 KiB table over the 16-bit input. Both tables
 * are built once at class load from the standard segment formulas.
 */
public final class G711 {

    private static final short[] ULAW_DECODE = new short[256];
    private static final short[] ALAW_DECODE = new short[256];
    private static final byte[] ULAW_ENCODE = new byte[65536];
    private static final byte[] ALAW_ENCODE = new byte[65536];
    private static final int BIAS = 0x84;
    private static final int CLIP = 32635;

    static {
        for (int i = 0; i < 256; i++) {
            ULAW_DECODE[i] = ulawToLinear((byte) i);
            ALAW_DECODE[i] = alawToLinear((byte) i);
        }
        for (int i = 0; i < 65536; i++) {
            ULAW_ENCODE[i] = linearToUlaw((short) i);
            ALAW_ENCODE[i] = linearToAlaw((short) i);
        }
    }

    private G711() {
    }

    public static short decodeUlaw(byte b) {
        return ULAW_DECODE[b & 0xff];
    }

    public static short decodeAlaw(byte b) {
        return ALAW_DECODE[b & 0xff];
    }

    public static byte encodeUlaw(short sample) {
        return ULAW_ENCODE[sample & 0xffff];
    }

    public static byte encodeAlaw(short sample) {
        return ALAW_ENCODE[sample & 0xffff];
    }

    /** Decodes {@code n} bytes of {@code in} from {@code off} into {@code out} (μ-law when {@code ulaw}). */
    public static void decode(boolean ulaw, byte[] in, int off, int n, short[] out) {
        short[] table = ulaw ? ULAW_DECODE : ALAW_DECODE;
        for (int i = 0; i < n; i++) {
            out[i] = table[in[off + i] & 0xff];
        }
    }

    /** Encodes {@code n} samples of {@code in} into {@code out} from {@code off}. */
    public static void encode(boolean ulaw, short[] in, int n, byte[] out, int off) {
        byte[] table = ulaw ? ULAW_ENCODE : ALAW_ENCODE;
        for (int i = 0; i < n; i++) {
            out[off + i] = table[in[i] & 0xffff];
        }
    }

    private static short ulawToLinear(byte b) {
        int u = ~b & 0xff;
        int t = ((u & 0x0f) << 3) + BIAS;
        t <<= (u & 0x70) >> 4;
        return (short) ((u & 0x80) != 0 ? BIAS - t : t - BIAS);
    }

    private static byte linearToUlaw(short sample) {
        int s = sample;
        int sign = (s >> 8) & 0x80;
        if (sign != 0) {
            s = -s;
        }
        s = Math.min(s, CLIP) + BIAS;
        int exponent = 7;
        for (int mask = 0x4000; (s & mask) == 0 && exponent > 0; mask >>= 1) {
            exponent--;
        }
        int mantissa = (s >> (exponent + 3)) & 0x0f;
        return (byte) ~(sign | (exponent << 4) | mantissa);
    }

    private static short alawToLinear(byte b) {
        int a = (b & 0xff) ^ 0x55;
        int t = (a & 0x0f) << 4;
        int seg = (a & 0x70) >> 4;
        t = seg == 0 ? t + 8 : seg == 1 ? t + 0x108 : (t + 0x108) << (seg - 1);
        return (short) ((a & 0x80) != 0 ? t : -t);
    }

    private static byte linearToAlaw(short sample) {
        int s = sample;
        int mask;
        if (s >= 0) {
            mask = 0xd5;
        } else {
            mask = 0x55;
            s = -s - 1;
        }
        s = Math.min(s, 32767);
        int seg = 0;
        for (int end = 0xff; s > end && seg < 8; end = (end << 1) | 1) {
            seg++;
        }
        if (seg >= 8) {
            return (byte) (0x7f ^ mask);
        }
        int aval = seg << 4;
        aval |= seg < 2 ? (s >> 4) & 0x0f : (s >> (seg + 3)) & 0x0f;
        return (byte) (aval ^ mask);
    }
}
