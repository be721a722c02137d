package io.atrium.webrtc.rtp;

import io.atrium.webrtc.util.Bytes;

/**
 * Key frame detection on the VP9 payload descriptor, RFC 9628 section 4.2. A packet starts a key
 * frame when it begins a frame (B=1) that is not inter-picture predicted (P=0) in spatial layer 0.
 *
 * <pre>
 *       0 1 2 3 4 5 6 7
 *      +-+-+-+-+-+-+-+-+
 *      |I|P|L|F|B|E|V|Z| (REQUIRED)
 *      +-+-+-+-+-+-+-+-+
 * I:   |M| PICTURE ID  | (RECOMMENDED)
 *      +-+-+-+-+-+-+-+-+
 * M:   | EXTENDED PID  | (RECOMMENDED)
 *      +-+-+-+-+-+-+-+-+
 * L:   | TID |U| SID |D| (Conditionally RECOMMENDED)
 *      +-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class Vp9PayloadDescriptor {
    private Vp9PayloadDescriptor() {
    }

    /** True when payload {@code buf[off, off+len)} starts a VP9 key frame; false when malformed. */
    public static boolean isKeyframe(byte[] buf, int off, int len) {
        if (len < 1 || !Bytes.inBounds(buf, off, len)) {
            return false;
        }
        int b0 = buf[off] & 0xFF;
        boolean interPredicted = (b0 & 0x40) != 0;
        boolean beginning = (b0 & 0x08) != 0;
        if (interPredicted || !beginning) {
            return false;
        }
        int pos = 1;
        if ((b0 & 0x80) != 0) {
            if (pos >= len) {
                return false;
            }
            pos += (buf[off + pos] & 0x80) != 0 ? 2 : 1;
        }
        if ((b0 & 0x20) != 0) {
            if (pos >= len) {
                return false;
            }
            return ((buf[off + pos] >>> 1) & 0x07) == 0;
        }
        return pos < len;
    }
}
