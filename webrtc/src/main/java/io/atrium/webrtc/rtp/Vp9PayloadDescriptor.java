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
 *      |   TL0PICIDX   | (when F=0)
 *      +-+-+-+-+-+-+-+-+
 * P,F: | P_DIFF      |N| (1..3 bytes, when F=1 and P=1)
 *      +-+-+-+-+-+-+-+-+
 * V:   | SS            | scalability structure (section 4.2.1):
 *      |N_S|Y|G|-|-|-| + if Y, (N_S+1) x WIDTH (16) HEIGHT (16) + if G, N_G + N_G x (TID|U|R|-|- + R P_DIFF)
 *      +-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>{@link #frameSize} reads the frame size from the scalability structure (the largest spatial layer) or,
 * without one, from the key frame's uncompressed header (VP9 bitstream specification section 6.2):
 * <pre>
 * frame_marker(2)=2 profile_low(1) profile_high(1) [profile 3: reserved(1)] show_existing_frame(1)=0
 * frame_type(1)=0 show_frame(1) error_resilient_mode(1) sync_code(24)=49 83 42
 * color_config: [profile >= 2: ten_or_twelve_bit(1)] color_space(3) [!= RGB: color_range(1)]
 *               [profile 1 or 3: subsampling_x(1) subsampling_y(1) reserved(1) | RGB: reserved(1)]
 * frame_width_minus_1(16) frame_height_minus_1(16)
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

    /**
     * The frame size this packet announces: the largest spatial layer of its scalability structure, else the
     * uncompressed header of a key frame it begins (spatial layer 0); {@link FrameSize#NONE} when neither.
     */
    public static long frameSize(byte[] buf, int off, int len) {
        if (len < 1 || !Bytes.inBounds(buf, off, len)) {
            return FrameSize.NONE;
        }
        int b0 = buf[off] & 0xFF;
        boolean predicted = (b0 & 0x40) != 0;
        boolean flexible = (b0 & 0x10) != 0;
        int pos = 1;
        if ((b0 & 0x80) != 0) {
            if (pos >= len) {
                return FrameSize.NONE;
            }
            pos += (buf[off + pos] & 0x80) != 0 ? 2 : 1;
        }
        int spatialId = 0;
        if ((b0 & 0x20) != 0) {
            if (pos >= len) {
                return FrameSize.NONE;
            }
            spatialId = (buf[off + pos] >>> 1) & 0x07;
            pos += flexible ? 1 : 2;
        }
        if (flexible && predicted) {
            for (int i = 0; i < 3; i++) {
                if (pos >= len) {
                    return FrameSize.NONE;
                }
                if ((buf[off + pos++] & 0x01) == 0) {
                    break;
                }
            }
        }
        if ((b0 & 0x02) != 0) {
            if (pos >= len) {
                return FrameSize.NONE;
            }
            int ss = buf[off + pos] & 0xFF;
            int layers = (ss >>> 5) + 1;
            if ((ss & 0x10) != 0) {
                int last = pos + 1 + 4 * (layers - 1);
                return last + 4 > len ? FrameSize.NONE
                        : FrameSize.of(Bytes.u16(buf, off + last), Bytes.u16(buf, off + last + 2));
            }
            pos = skipGroups(buf, off, len, pos + 1, (ss & 0x08) != 0);
            if (pos < 0) {
                return FrameSize.NONE;
            }
        }
        boolean beginsKeyframe = (b0 & 0x08) != 0 && !predicted && spatialId == 0;
        return beginsKeyframe && pos < len ? uncompressedHeaderSize(buf, off + pos, len - pos) : FrameSize.NONE;
    }

    /**
     * The length of the payload descriptor at {@code buf[off, off+len)}, scalability structure included: where
     * the VP9 bitstream starts; -1 when the descriptor is cut.
     */
    public static int length(byte[] buf, int off, int len) {
        if (len < 1 || !Bytes.inBounds(buf, off, len)) {
            return -1;
        }
        int b0 = buf[off] & 0xFF;
        boolean flexible = (b0 & 0x10) != 0;
        int pos = 1;
        if ((b0 & 0x80) != 0) {
            if (pos >= len) {
                return -1;
            }
            pos += (buf[off + pos] & 0x80) != 0 ? 2 : 1;
        }
        if ((b0 & 0x20) != 0) {
            pos += flexible ? 1 : 2;
        }
        if (flexible && (b0 & 0x40) != 0) {
            for (int i = 0; i < 3; i++) {
                if (pos >= len) {
                    return -1;
                }
                if ((buf[off + pos++] & 0x01) == 0) {
                    break;
                }
            }
        }
        if ((b0 & 0x02) != 0) {
            if (pos >= len) {
                return -1;
            }
            int ss = buf[off + pos] & 0xFF;
            pos = skipGroups(buf, off, len, pos + 1 + ((ss & 0x10) != 0 ? 4 * ((ss >>> 5) + 1) : 0), (ss & 0x08) != 0);
        }
        return pos <= len ? pos : -1;
    }

    /** Skips the picture group description of a scalability structure without sizes; -1 when cut. */
    private static int skipGroups(byte[] buf, int off, int len, int pos, boolean hasGroups) {
        if (!hasGroups) {
            return pos;
        }
        if (pos >= len) {
            return -1;
        }
        int groups = buf[off + pos++] & 0xFF;
        for (int g = 0; g < groups; g++) {
            if (pos >= len) {
                return -1;
            }
            pos += 1 + ((buf[off + pos] >>> 2) & 0x03);
        }
        return pos <= len ? pos : -1;
    }

    private static long uncompressedHeaderSize(byte[] buf, int off, int len) {
        BitReader r = BitReader.of(buf, off, len);
        if (r.u(2) != 2) {
            return FrameSize.NONE;
        }
        int profile = r.bit();
        profile |= r.bit() << 1;
        if (profile == 3) {
            r.bit();
        }
        if (r.bit() == 1 || r.bit() == 1) { // show_existing_frame, then frame_type: 1 = not a key frame
            return FrameSize.NONE;
        }
        r.bits(2); // show_frame, error_resilient_mode
        if (r.bits(24) != 0x498342) {
            return FrameSize.NONE;
        }
        if (profile >= 2) {
            r.bit(); // ten_or_twelve_bit
        }
        boolean rgb = r.u(3) == 7;
        boolean fullChroma = profile == 1 || profile == 3;
        if (!rgb) {
            r.bit(); // color_range
            if (fullChroma) {
                r.bits(3); // subsampling_x, subsampling_y, reserved_zero
            }
        } else if (fullChroma) {
            r.bit(); // reserved_zero
        }
        long width = r.bits(16) + 1;
        long height = r.bits(16) + 1;
        return r.overrun() ? FrameSize.NONE : FrameSize.of(width, height);
    }
}
