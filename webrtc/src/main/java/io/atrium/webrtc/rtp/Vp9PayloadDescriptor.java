package io.atrium.webrtc.rtp;

import io.atrium.webrtc.util.Bytes;

/**
 * Reader of the VP9 payload descriptor, RFC 9628 section 4.2: key frame detection (a packet starts a key frame when
 * it begins a frame (B=1) that is not inter-picture predicted (P=0) in spatial layer 0), and, as a flyweight
 * ({@link #wrap}), the fields an SFU selects spatial and temporal layers by: SID, TID, U, D, B, E, the picture id,
 * TL0PICIDX and the per-spatial-layer sizes of the scalability structure.
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
    /** Modulus of a 15-bit picture id (M=1). */
    public static final int PICTURE_ID_MODULUS_15 = 1 << 15;
    /** Modulus of a 7-bit picture id. */
    public static final int PICTURE_ID_MODULUS_7 = 1 << 7;

    private byte[] buf;
    private int off;
    private int len;
    private int descriptorLength;
    private int pictureIdOffset;
    private int layerOffset;
    private int tl0Offset;
    private int sizesOffset;
    private int ssLayers;

    /**
     * Parses the descriptor at the start of payload {@code buf[off, off+len)}, scalability structure included.
     *
     * @return {@code false} when the payload is shorter than the descriptor its flags announce (the accessors
     *     then must not be used)
     */
    public boolean wrap(byte[] buf, int off, int len) {
        this.buf = null;
        int end = length(buf, off, len);
        if (end < 0) {
            return false;
        }
        int b0 = buf[off] & 0xFF;
        int pos = 1;
        pictureIdOffset = -1;
        layerOffset = -1;
        tl0Offset = -1;
        sizesOffset = -1;
        ssLayers = 0;
        if ((b0 & 0x80) != 0) {
            pictureIdOffset = pos;
            pos += (buf[off + pos] & 0x80) != 0 ? 2 : 1;
        }
        boolean flexible = (b0 & 0x10) != 0;
        if ((b0 & 0x20) != 0) {
            layerOffset = pos;
            tl0Offset = flexible ? -1 : pos + 1;
            pos += flexible ? 1 : 2;
        }
        if (flexible && (b0 & 0x40) != 0) {
            for (int i = 0; i < 3 && (buf[off + pos++] & 0x01) != 0; i++) {
                // P_DIFF with N=1: another follows
            }
        }
        if ((b0 & 0x02) != 0) {
            int ss = buf[off + pos] & 0xFF;
            ssLayers = (ss >>> 5) + 1;
            sizesOffset = (ss & 0x10) != 0 ? pos + 1 : -1;
        }
        this.buf = buf;
        this.off = off;
        this.len = len;
        this.descriptorLength = end;
        return true;
    }

    /** Bytes of descriptor (scalability structure included) before the VP9 data. */
    public int descriptorLength() {
        return descriptorLength;
    }

    /** P: the frame is inter-picture predicted (P=0 in spatial layer 0 begins a key frame). */
    public boolean interPicturePredicted() {
        return (buf[off] & 0x40) != 0;
    }

    /** B: the packet begins a frame (of one spatial layer). */
    public boolean beginsFrame() {
        return (buf[off] & 0x08) != 0;
    }

    /** E: the packet ends a frame (of one spatial layer). */
    public boolean endsFrame() {
        return (buf[off] & 0x04) != 0;
    }

    /** Whether this packet begins a key frame: B=1, P=0, spatial layer 0, VP9 data after the descriptor. */
    public boolean isKeyframe() {
        return beginsFrame() && !interPicturePredicted() && spatialId() == 0 && descriptorLength < len;
    }

    /** The picture id (7 or 15 bits), -1 when absent. */
    public int pictureId() {
        if (pictureIdOffset < 0) {
            return -1;
        }
        int i = off + pictureIdOffset;
        return (buf[i] & 0x80) != 0 ? Bytes.u16(buf, i) & 0x7FFF : buf[i] & 0x7F;
    }

    /** How many values the picture id field holds: {@link #PICTURE_ID_MODULUS_15} or {@link #PICTURE_ID_MODULUS_7}. */
    public int pictureIdModulus() {
        return pictureIdOffset >= 0 && (buf[off + pictureIdOffset] & 0x80) != 0 ? PICTURE_ID_MODULUS_15 : PICTURE_ID_MODULUS_7;
    }

    /** TID, -1 without layer indices (L=0). */
    public int temporalId() {
        return layerOffset < 0 ? -1 : (buf[off + layerOffset] & 0xFF) >>> 5;
    }

    /** U: a switching up point (later frames of higher temporal layers need no earlier one of those); false when L=0. */
    public boolean switchingUp() {
        return layerOffset >= 0 && (buf[off + layerOffset] & 0x10) != 0;
    }

    /** SID, 0 without layer indices (L=0: a single spatial layer). */
    public int spatialId() {
        return layerOffset < 0 ? 0 : (buf[off + layerOffset] >>> 1) & 0x07;
    }

    /** D: the frame depends on the spatial layer below it in the same picture; false when L=0. */
    public boolean interLayerDependent() {
        return layerOffset >= 0 && (buf[off + layerOffset] & 0x01) != 0;
    }

    /** TL0PICIDX (non-flexible mode), -1 when absent. */
    public int tl0PicIdx() {
        return tl0Offset < 0 ? -1 : buf[off + tl0Offset] & 0xFF;
    }

    /** Spatial layers the scalability structure announces (N_S + 1), 0 when the packet carries none. */
    public int scalabilityLayers() {
        return ssLayers;
    }

    /** Whether the scalability structure gives each spatial layer's size (Y=1). */
    public boolean hasLayerSizes() {
        return sizesOffset >= 0;
    }

    /** Width of spatial layer {@code s} (below {@link #scalabilityLayers()}) from the structure, when {@link #hasLayerSizes()}. */
    public int layerWidth(int s) {
        return Bytes.u16(buf, off + sizesOffset + 4 * s);
    }

    public int layerHeight(int s) {
        return Bytes.u16(buf, off + sizesOffset + 4 * s + 2);
    }

    /**
     * True when payload {@code buf[off, off+len)} starts a VP9 key frame (B=1, P=0, spatial layer 0, VP9 data after
     * the descriptor); false when malformed.
     */
    public static boolean isKeyframe(byte[] buf, int off, int len) {
        int n = length(buf, off, len);
        if (n < 0 || n >= len) {
            return false;
        }
        int b0 = buf[off] & 0xFF;
        if ((b0 & 0x40) != 0 || (b0 & 0x08) == 0) {
            return false;
        }
        int layer = (b0 & 0x80) == 0 ? 1 : (buf[off + 1] & 0x80) != 0 ? 3 : 2;
        return (b0 & 0x20) == 0 || ((buf[off + layer] >>> 1) & 0x07) == 0;
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
