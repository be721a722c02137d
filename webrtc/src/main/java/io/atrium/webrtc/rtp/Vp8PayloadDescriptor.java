package io.atrium.webrtc.rtp;

import io.atrium.webrtc.util.Bytes;

/**
 * Flyweight reader and in-place editor of the VP8 payload descriptor, RFC 7741 section 4.2, plus
 * the key frame flag of the VP8 payload header (section 4.3) that follows it.
 *
 * <pre>
 *       0 1 2 3 4 5 6 7
 *      +-+-+-+-+-+-+-+-+
 *      |X|R|N|S|R| PID | (REQUIRED)
 *      +-+-+-+-+-+-+-+-+
 * X:   |I|L|T|K| RSV   | (OPTIONAL)
 *      +-+-+-+-+-+-+-+-+
 * I:   |M| PictureID   | (OPTIONAL)
 *      +-+-+-+-+-+-+-+-+
 *      |   PictureID   | (when M=1: 15-bit picture ID)
 *      +-+-+-+-+-+-+-+-+
 * L:   |   TL0PICIDX   | (OPTIONAL)
 *      +-+-+-+-+-+-+-+-+
 * T/K: |TID|Y| KEYIDX  | (OPTIONAL)
 *      +-+-+-+-+-+-+-+-+
 * payload header (first partition start only):
 *      |Size0|H| VER |P|   P=0: key frame
 *      +-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class Vp8PayloadDescriptor {
    /** Modulus of a 15-bit picture ID. */
    public static final int PICTURE_ID_MODULUS_15 = 1 << 15;
    /** Modulus of a 7-bit picture ID. */
    public static final int PICTURE_ID_MODULUS_7 = 1 << 7;

    private byte[] buf;
    private int off;
    private int len;
    private int descriptorLength;
    private int pictureIdOffset;
    private boolean longPictureId;
    private int tl0Offset;
    private int tkOffset;
    private boolean hasTid;
    private boolean hasKeyIdx;

    /**
     * Parses the descriptor at the start of an RTP payload {@code buf[off, off+len)}.
     *
     * @return {@code false} when the payload is shorter than the descriptor its flags announce
     *     or holds no VP8 data after it
     */
    public boolean wrap(byte[] buf, int off, int len) {
        this.buf = null;
        if (!Bytes.inBounds(buf, off, len) || len < 1) {
            return false;
        }
        int pos = 1;
        int pictureId = -1;
        boolean longId = false;
        int tl0 = -1;
        int tk = -1;
        boolean t = false;
        boolean k = false;
        if ((buf[off] & 0x80) != 0) {
            if (len < 2) {
                return false;
            }
            int x = buf[off + 1] & 0xFF;
            pos = 2;
            if ((x & 0x80) != 0) {
                if (pos >= len) {
                    return false;
                }
                pictureId = pos;
                longId = (buf[off + pos] & 0x80) != 0;
                pos += longId ? 2 : 1;
            }
            if ((x & 0x40) != 0) {
                tl0 = pos++;
            }
            t = (x & 0x20) != 0;
            k = (x & 0x10) != 0;
            if (t || k) {
                tk = pos++;
            }
        }
        if (pos >= len) {
            return false;
        }
        this.buf = buf;
        this.off = off;
        this.len = len;
        this.descriptorLength = pos;
        this.pictureIdOffset = pictureId;
        this.longPictureId = longId;
        this.tl0Offset = tl0;
        this.tkOffset = tk;
        this.hasTid = t;
        this.hasKeyIdx = k;
        return true;
    }

    /** Bytes of descriptor before the VP8 data. */
    public int descriptorLength() {
        return descriptorLength;
    }

    /** N bit: the frame is not used as a reference. */
    public boolean nonReference() {
        return (buf[off] & 0x20) != 0;
    }

    /** S bit: the packet starts a VP8 partition. */
    public boolean startOfPartition() {
        return (buf[off] & 0x10) != 0;
    }

    /** PID: the partition index. */
    public int partitionIndex() {
        return buf[off] & 0x07;
    }

    /**
     * True when this packet starts a key frame: S=1, PID=0 and the P bit of the VP8 payload
     * header is 0.
     */
    public boolean isKeyframe() {
        return startOfPartition() && partitionIndex() == 0 && (buf[off + descriptorLength] & 0x01) == 0;
    }

    /** The picture ID, or -1 when absent. */
    public int pictureId() {
        if (pictureIdOffset < 0) {
            return -1;
        }
        int i = off + pictureIdOffset;
        return longPictureId ? Bytes.u16(buf, i) & 0x7FFF : buf[i] & 0x7F;
    }

    /** True when the picture ID is 15 bits (M=1). */
    public boolean hasLongPictureId() {
        return longPictureId;
    }

    /** TL0PICIDX, or -1 when absent. */
    public int tl0PicIdx() {
        return tl0Offset < 0 ? -1 : buf[off + tl0Offset] & 0xFF;
    }

    /** Temporal layer index TID, or -1 when T=0. */
    public int temporalId() {
        return hasTid ? (buf[off + tkOffset] & 0xFF) >>> 6 : -1;
    }

    /** Y bit: layer sync; {@code false} when T=0. */
    public boolean layerSync() {
        return hasTid && (buf[off + tkOffset] & 0x20) != 0;
    }

    /** KEYIDX, or -1 when K=0. */
    public int keyIndex() {
        return hasKeyIdx ? buf[off + tkOffset] & 0x1F : -1;
    }

    /**
     * Rewrites the picture ID in place, modulo the field's width (7 or 15 bits).
     *
     * @return {@code false} when the descriptor carries no picture ID
     */
    public boolean setPictureId(int pictureId) {
        if (pictureIdOffset < 0) {
            return false;
        }
        int i = off + pictureIdOffset;
        if (longPictureId) {
            Bytes.put16(buf, i, 0x8000 | (pictureId & 0x7FFF));
        } else {
            buf[i] = (byte) (pictureId & 0x7F);
        }
        return true;
    }

    /**
     * Rewrites TL0PICIDX in place (modulo 256).
     *
     * @return {@code false} when the descriptor carries no TL0PICIDX
     */
    public boolean setTl0PicIdx(int tl0PicIdx) {
        if (tl0Offset < 0) {
            return false;
        }
        buf[off + tl0Offset] = (byte) tl0PicIdx;
        return true;
    }

    /** Length of the wrapped payload. */
    public int payloadLength() {
        return len;
    }
}
