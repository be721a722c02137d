package io.atrium.webrtc.rtp;

import io.atrium.webrtc.util.Bytes;

/**
 * Key frame detection in H.264 RTP payloads, RFC 6184 section 5: single NAL unit packets (types
 * 1-23), STAP-A aggregation (type 24, section 5.7.1) and FU-A fragments (type 28, section 5.8).
 * A packet starts a key frame when it carries, or begins, an IDR slice (NAL type 5).
 *
 * <pre>
 * NAL header:  +-+-+-+-+-+-+-+-+      STAP-A: | hdr type=24 | NALU 1 size (16) | NALU 1 | size | ...
 *              |F|NRI|  Type   |
 *              +-+-+-+-+-+-+-+-+      FU-A:   | indicator type=28 | S|E|R| Type | fragment ...
 * </pre>
 */
public final class H264Payload {
    /** NAL unit type of an IDR slice. */
    public static final int NAL_IDR = 5;
    /** NAL unit type of a sequence parameter set. */
    public static final int NAL_SPS = 7;
    /** NAL unit type of a picture parameter set. */
    public static final int NAL_PPS = 8;
    /** Single-time aggregation packet. */
    public static final int NAL_STAP_A = 24;
    /** Fragmentation unit A. */
    public static final int NAL_FU_A = 28;
    private static final int TYPE_MASK = 0x1F;
    private static final int STAP_A_SIZE_LENGTH = 2;

    private H264Payload() {
    }

    /** NAL unit type (low 5 bits) of the payload's first byte, or -1 for an empty payload. */
    public static int nalType(byte[] buf, int off, int len) {
        if (len < 1 || !Bytes.inBounds(buf, off, len)) {
            return -1;
        }
        return buf[off] & TYPE_MASK;
    }

    /**
     * True when the payload {@code buf[off, off+len)} holds an IDR NAL unit (single or inside a
     * STAP-A) or is the first FU-A fragment of one. Malformed payloads are not key frames.
     */
    public static boolean isKeyframe(byte[] buf, int off, int len) {
        int type = nalType(buf, off, len);
        if (type == NAL_IDR) {
            return true;
        }
        if (type == NAL_FU_A) {
            return len >= 2 && (buf[off + 1] & 0x80) != 0 && (buf[off + 1] & TYPE_MASK) == NAL_IDR;
        }
        if (type == NAL_STAP_A) {
            return stapAContainsIdr(buf, off, len);
        }
        return false;
    }

    private static boolean stapAContainsIdr(byte[] buf, int off, int len) {
        int pos = 1;
        while (pos + STAP_A_SIZE_LENGTH < len) {
            int size = Bytes.u16(buf, off + pos);
            pos += STAP_A_SIZE_LENGTH;
            if (size == 0 || pos + size > len) {
                return false;
            }
            if ((buf[off + pos] & TYPE_MASK) == NAL_IDR) {
                return true;
            }
            pos += size;
        }
        return false;
    }
}
