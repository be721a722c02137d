package io.atrium.server.sfu;

import io.atrium.webrtc.rtp.Av1AggregationHeader;
import io.atrium.webrtc.rtp.Av1SequenceHeader;
import io.atrium.webrtc.rtp.FrameSize;
import io.atrium.webrtc.rtp.H264Payload;
import io.atrium.webrtc.rtp.H264Sps;
import io.atrium.webrtc.rtp.Vp8PayloadDescriptor;
import io.atrium.webrtc.rtp.Vp9PayloadDescriptor;

/**
 * Keyframe detection per video codec, and the frame size the stream announces, which tells the SFU each
 * simulcast layer's resolution without signaling: VP8 keyframes (RFC 6386 §9.1), H.264 sequence parameter
 * sets ({@link H264Sps}), VP9 scalability structures or keyframe headers ({@link Vp9PayloadDescriptor#frameSize})
 * and AV1 sequence headers ({@link Av1SequenceHeader}). Media thread only.
 */
final class Keyframes {

    enum Codec { VP8, VP9, H264, AV1, OTHER }

    private final Vp8PayloadDescriptor vp8 = new Vp8PayloadDescriptor();
    /** Whether {@link #vp8} describes the last packet passed to {@link #isKeyframe}. */
    private boolean vp8Valid;
    private int width;
    private int height;

    static Codec codec(String name) {
        return switch (name.toUpperCase(java.util.Locale.ROOT)) {
            case "VP8" -> Codec.VP8;
            case "VP9" -> Codec.VP9;
            case "H264" -> Codec.H264;
            case "AV1" -> Codec.AV1;
            default -> Codec.OTHER;
        };
    }

    /** True when the payload starts a keyframe; records the frame size the packet announces ({@link #width()}). */
    boolean isKeyframe(Codec codec, byte[] buf, int off, int len) {
        vp8Valid = false;
        return switch (codec) {
            case VP8 -> vp8Keyframe(buf, off, len);
            case VP9 -> {
                remember(Vp9PayloadDescriptor.frameSize(buf, off, len));
                yield Vp9PayloadDescriptor.isKeyframe(buf, off, len);
            }
            case H264 -> {
                remember(H264Sps.frameSize(buf, off, len));
                yield H264Payload.isKeyframe(buf, off, len);
            }
            case AV1 -> {
                remember(Av1SequenceHeader.frameSize(buf, off, len));
                yield Av1AggregationHeader.isKeyframe(buf, off, len);
            }
            case OTHER -> false;
        };
    }

    private void remember(long size) {
        if (size != FrameSize.NONE) {
            width = FrameSize.width(size);
            height = FrameSize.height(size);
        }
    }

    private boolean vp8Keyframe(byte[] buf, int off, int len) {
        vp8Valid = vp8.wrap(buf, off, len);
        if (!vp8Valid || !vp8.isKeyframe()) {
            return false;
        }
        // frame tag (3 bytes), start code 9d 01 2a, then 14-bit width and height, little-endian
        int p = off + vp8.descriptorLength();
        if (len - vp8.descriptorLength() >= 10 && (buf[p + 3] & 0xff) == 0x9d && (buf[p + 4] & 0xff) == 0x01
                && (buf[p + 5] & 0xff) == 0x2a) {
            width = ((buf[p + 6] & 0xff) | (buf[p + 7] & 0xff) << 8) & 0x3fff;
            height = ((buf[p + 8] & 0xff) | (buf[p + 9] & 0xff) << 8) & 0x3fff;
        }
        return true;
    }

    /**
     * The VP8 temporal layer (TID) of the last packet passed to {@link #isKeyframe}, read from the same parse;
     * -1 when it carries none (another codec, no T bit, a malformed descriptor). Valid until the next packet.
     */
    int temporalId() {
        return vp8Valid ? vp8.temporalId() : -1;
    }

    /** The last packet's Y bit: its frame depends only on TL0 frames (a point to switch a temporal layer up). */
    boolean layerSync() {
        return vp8Valid && vp8.layerSync();
    }

    /** Whether the last packet starts a VP8 frame (S=1, partition 0). */
    boolean frameStart() {
        return vp8Valid && vp8.startOfPartition() && vp8.partitionIndex() == 0;
    }

    /** The last packet's VP8 picture id, -1 when absent. */
    int pictureId() {
        return vp8Valid ? vp8.pictureId() : -1;
    }

    /** How many values the last packet's picture id field holds (2^15 or 2^7). */
    int pictureIdModulus() {
        return vp8.hasLongPictureId() ? Vp8PayloadDescriptor.PICTURE_ID_MODULUS_15 : Vp8PayloadDescriptor.PICTURE_ID_MODULUS_7;
    }

    /** Width the stream last announced, 0 when unknown. */
    int width() {
        return width;
    }

    int height() {
        return height;
    }
}
