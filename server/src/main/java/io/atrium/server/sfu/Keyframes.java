package io.atrium.server.sfu;

import io.atrium.webrtc.rtp.Av1AggregationHeader;
import io.atrium.webrtc.rtp.Av1SequenceHeader;
import io.atrium.webrtc.rtp.DependencyDescriptor;
import io.atrium.webrtc.rtp.FrameSize;
import io.atrium.webrtc.rtp.H264Payload;
import io.atrium.webrtc.rtp.H264Sps;
import io.atrium.webrtc.rtp.SequenceNumbers;
import io.atrium.webrtc.rtp.Vp8PayloadDescriptor;
import io.atrium.webrtc.rtp.Vp9PayloadDescriptor;

/**
 * Keyframe detection per video codec, and the frame size the stream announces, which tells the SFU each
 * simulcast layer's resolution without signaling: VP8 keyframes (RFC 6386 §9.1), H.264 sequence parameter
 * sets ({@link H264Sps}), VP9 scalability structures or keyframe headers ({@link Vp9PayloadDescriptor#frameSize})
 * and AV1 sequence headers ({@link Av1SequenceHeader}); for AV1 with the dependency descriptor
 * ({@link DependencyDescriptor}) also each packet's spatial and temporal layer and the stream's latest template
 * dependency structure (spatial layers and their sizes). Media thread only.
 */
final class Keyframes {

    enum Codec { VP8, VP9, H264, AV1, OTHER }

    private final Vp8PayloadDescriptor vp8 = new Vp8PayloadDescriptor();
    private final Vp9PayloadDescriptor vp9 = new Vp9PayloadDescriptor();
    /** Whether {@link #vp8} (or {@link #vp9}) describes the last packet passed to {@link #isKeyframe}. */
    private boolean vp8Valid;
    private boolean vp9Valid;
    /** Whether {@link #dd} describes the last packet (AV1 with a dependency descriptor read by {@link #structure}). */
    private boolean ddValid;
    private final DependencyDescriptor dd = new DependencyDescriptor();
    /** The layer's packets come under a new SSRC: a new stream, whose frame numbers do not continue the old one's. */
    void newSsrc() {
        structureFrameKnown = false;
        activeFrameKnown = false;
    }

    /** The AV1 stream's latest template dependency structure (sent with each key frame); not valid before one. */
    private final DependencyDescriptor.Structure structure = new DependencyDescriptor.Structure();
    /** The frame number of the key frame that brought {@link #structure}; false: none, or of an earlier SSRC. */
    private int structureFrame;
    private boolean structureFrameKnown;
    /**
     * The decode targets the publisher has active (AV1 RTP specification A.4.4): every one after a structure, then as
     * the newest frame that carried active_decode_targets_bitmask said ({@link #activeFrame}: a late or retransmitted
     * older packet does not undo a newer mask); -1 (all) before any.
     */
    private int activeDecodeTargets = -1;
    private int activeFrame;
    private boolean activeFrameKnown;
    private int width;
    private int height;
    /** Most spatial layers (VP9 SIDs) measured and selected; higher SIDs count as the top one. */
    static final int MAX_SPATIAL = Allocator.MAX_LAYERS;
    /**
     * Spatial layers of a VP9 SVC stream, from its last scalability structure with sizes (1 otherwise), and each one's
     * size (SS order: smallest first).
     */
    private int spatialLayers = 1;
    /** {@link #holdSpatial}: the lowest spatial layer the publisher was told not to encode; MAX_SPATIAL none. */
    private int heldFrom = MAX_SPATIAL;
    private final int[] spatialWidths = new int[MAX_SPATIAL];
    private final int[] spatialHeights = new int[MAX_SPATIAL];

    static Codec codec(String name) {
        return switch (name.toUpperCase(java.util.Locale.ROOT)) {
            case "VP8" -> Codec.VP8;
            case "VP9" -> Codec.VP9;
            case "H264" -> Codec.H264;
            case "AV1" -> Codec.AV1;
            default -> Codec.OTHER;
        };
    }

    /**
     * Reads the AV1 dependency descriptor {@code buf[off, off+len)} of the packet next passed to {@link #isKeyframe}
     * ({@code len} -1: it has none); a structure it carries becomes the stream's, with its spatial layers and sizes,
     * unless its key frame is older than the one of the stream's structure (a late retransmission or a reordered
     * packet: the publisher replaced that structure since, and its template ids would misread the later packets).
     */
    void dependencyDescriptor(byte[] buf, int off, int len) {
        ddValid = len >= 0 && dd.wrap(buf, off, len, structure);
        if (ddValid && (dd.structureAttached() || dd.activeDecodeTargetsPresent())
                && !(activeFrameKnown && SequenceNumbers.isNewer(activeFrame, dd.frameNumber()))) {
            activeDecodeTargets = dd.activeDecodeTargets(); // a structure without a mask makes every one active
            activeFrame = dd.frameNumber();
            activeFrameKnown = true;
        }
        if (ddValid && dd.structureAttached()) {
            if (structureFrameKnown && SequenceNumbers.isNewer(structureFrame, dd.frameNumber())) {
                return; // read by the structure it carries, which is no longer the stream's
            }
            structure.copyFrom(dd.structure());
            structureFrame = dd.frameNumber();
            structureFrameKnown = true;
            if (!takesLayers(structure.spatialLayers())) {
                return; // read by the structure it names; the sizes kept for the layers held back
            }
            spatialLayers = Math.min(MAX_SPATIAL, structure.spatialLayers());
            for (int s = 0; s < spatialLayers; s++) {
                spatialWidths[s] = structure.hasResolutions() ? structure.width(s) : 0;
                spatialHeights[s] = structure.hasResolutions() ? structure.height(s) : 0;
            }
        }
    }

    /** The decode targets the AV1 publisher has active now (a bit per decode target; -1: all). */
    int activeDecodeTargets() {
        return activeDecodeTargets;
    }

    /** The AV1 stream's latest template dependency structure ({@link DependencyDescriptor.Structure#valid()} once one came). */
    DependencyDescriptor.Structure structure() {
        return structure;
    }

    /** True when the payload starts a keyframe; records the frame size the packet announces ({@link #width()}). */
    boolean isKeyframe(Codec codec, byte[] buf, int off, int len) {
        vp8Valid = false;
        vp9Valid = false;
        if (codec != Codec.AV1) {
            ddValid = false;
        }
        return switch (codec) {
            case VP8 -> vp8Keyframe(buf, off, len);
            case VP9 -> {
                remember(Vp9PayloadDescriptor.frameSize(buf, off, len));
                vp9Valid = vp9.wrap(buf, off, len);
                if (vp9Valid && vp9.hasLayerSizes() && takesLayers(vp9.scalabilityLayers())) {
                    spatialLayers = Math.min(MAX_SPATIAL, vp9.scalabilityLayers());
                    for (int s = 0; s < spatialLayers; s++) {
                        spatialWidths[s] = vp9.layerWidth(s);
                        spatialHeights[s] = vp9.layerHeight(s);
                    }
                }
                yield vp9Valid && vp9.isKeyframe();
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

    /**
     * Whether a structure announcing {@code announced} spatial layers replaces the stream's layers and sizes: not
     * while layers are held back at the publisher ({@link #holdSpatial}) and it announces fewer.
     */
    private boolean takesLayers(int announced) {
        return !(heldFrom < MAX_SPATIAL && announced < spatialLayers);
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
     * The temporal layer (VP8 or VP9 TID) of the last packet passed to {@link #isKeyframe}, read from the same parse;
     * -1 when it carries none (another codec, no TID, a malformed descriptor). Valid until the next packet.
     */
    int temporalId() {
        return vp8Valid ? vp8.temporalId() : vp9Valid ? vp9.temporalId() : ddValid ? dd.temporalId() : -1;
    }

    /**
     * Whether the last packet's frame is a point to switch a temporal layer up: VP8's Y bit (it depends only on TL0
     * frames), VP9's U bit (a switching up point; Chrome sets it on the TL1 and TL2 frames that refer to lower layers only).
     */
    boolean layerSync() {
        if (ddValid) { // AV1: the frame is a switch point of the decode target of its own layers
            int dt = structure.valid() ? dd.structure().decodeTarget(dd.spatialId(), dd.temporalId()) : -1;
            return dt >= 0 && dd.dti(dt) == DependencyDescriptor.DTI_SWITCH;
        }
        return vp8Valid ? vp8.layerSync() : vp9Valid && vp9.switchingUp();
    }

    /**
     * Whether the last packet starts a VP8 frame (S=1, partition 0), a VP9 picture (B=1 in spatial layer 0) or an AV1
     * temporal unit (start of frame in spatial layer 0).
     */
    boolean frameStart() {
        return vp8Valid ? vp8.startOfPartition() && vp8.partitionIndex() == 0
                : vp9Valid ? vp9.beginsFrame() && vp9.spatialId() == 0 : ddValid && dd.startOfFrame() && dd.spatialId() == 0;
    }

    /** The last packet's VP8 or VP9 picture id, -1 when absent. */
    int pictureId() {
        return vp8Valid ? vp8.pictureId() : vp9Valid ? vp9.pictureId() : -1;
    }

    /** How many values the last packet's picture id field holds (2^15 or 2^7). */
    int pictureIdModulus() {
        if (vp9Valid) {
            return vp9.pictureIdModulus();
        }
        return vp8.hasLongPictureId() ? Vp8PayloadDescriptor.PICTURE_ID_MODULUS_15 : Vp8PayloadDescriptor.PICTURE_ID_MODULUS_7;
    }

    /** The last packet's VP9 spatial layer (SID) or AV1 spatial id (dependency descriptor), 0 otherwise. */
    int spatialId() {
        return vp9Valid ? vp9.spatialId() : ddValid ? dd.spatialId() : 0;
    }

    /** Spatial layers of a VP9 or AV1 SVC stream (scalability or template dependency structure), 1 for any other stream. */
    int spatialLayers() {
        return spatialLayers;
    }

    /** Width of spatial layer {@code s} of an SVC stream, 0 when unknown. */
    int spatialWidth(int s) {
        return s < spatialLayers ? spatialWidths[s] : 0;
    }

    int spatialHeight(int s) {
        return s < spatialLayers ? spatialHeights[s] : 0;
    }

    /**
     * Dynacast told the publisher to encode only spatial layers {@code [0, from)} of this SVC stream (to encode them all
     * again when {@code from} reaches {@link #spatialLayers}): until then the structure keeps the layers above with
     * their sizes, though the publisher's own structure lists fewer, so a subscriber can still be given one (which has
     * it resumed; the allocation reads their last rates, {@link Layer}).
     */
    void holdSpatial(int from) {
        heldFrom = from >= spatialLayers ? MAX_SPATIAL : Math.max(1, from);
    }

    /** The lowest spatial layer dynacast holds back at the publisher, {@link #MAX_SPATIAL} when none. */
    int heldFrom() {
        return heldFrom;
    }

    /** Width the stream last announced, 0 when unknown. */
    int width() {
        return width;
    }

    int height() {
        return height;
    }
}
