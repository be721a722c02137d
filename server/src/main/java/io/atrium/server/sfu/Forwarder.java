package io.atrium.server.sfu;

import io.atrium.server.transport.MediaPeer;
import io.atrium.webrtc.rtcp.SenderReport;
import io.atrium.webrtc.rtcp.SourceDescription;
import io.atrium.webrtc.rtp.DependencyDescriptor;
import io.atrium.webrtc.rtp.RtpHeaderExtensionWriter;
import io.atrium.webrtc.rtp.RtpHeaderExtensions;
import io.atrium.webrtc.rtp.RedPayload;
import io.atrium.webrtc.rtp.RtpPacket;
import io.atrium.webrtc.rtp.Rtx;
import io.atrium.webrtc.rtp.SequenceNumbers;
import io.atrium.webrtc.rtp.TransportSequenceExtension;
import io.atrium.webrtc.rtp.Vp8PayloadDescriptor;
import io.atrium.webrtc.rtp.Vp9PayloadDescriptor;
import java.util.List;

/**
 * Copies one published track to one subscriber: forwards the simulcast layer its allocation chooses (switching
 * only at a keyframe of the new layer) and, for VP8 or VP9 with temporal layers, only the frames up to the chosen temporal
 * layer (down at any frame, up at a layer-sync frame of the next layer or a keyframe); of a VP9 or AV1 SVC stream only
 * the spatial layers up to the chosen one (down at any picture, up at a keyframe; the marker bit then goes on the end
 * of the top spatial layer forwarded, so the subscriber completes each picture), and rewrites every packet to the
 * subscriber's own SSRC, payload type, gapless sequence numbers ({@link Gapless}: dropped frames leave no hole,
 * late packets and NACKs keep their place), timestamps, VP8 picture ids and TL0PICIDX (VP9 picture ids stay the
 * publisher's: in non-flexible mode the receiver places a picture in its group of frames by the picture id, so the
 * gap a dropped temporal layer leaves must stay), with header extensions blanked but for the transport-wide sequence
 * number and, of a single-encoding AV1 stream, the dependency descriptor (with the decode targets forwarded marked
 * active); audio RED (RFC 2198) goes on as RED with the subscriber's payload types
 * when the subscriber accepts it, else as its primary Opus alone. Answers the subscriber's NACKs from the receiver's packet
 * cache, as RTX when negotiated. Media thread only, except {@link #target}.
 */
public final class Forwarder {

    static final int MAX_PACKET = 1500;

    final Receiver receiver;
    private final Subscriber subscriber;
    final int ssrc;
    private final int payloadType;
    private final int rtxSsrc;
    private final int rtxPayloadType;
    /** The subscriber's RED payload type, -1 when it did not negotiate RED. */
    private final int redPayloadType;
    private final String cname;
    /** Bytes a packet may grow by when its extensions are replaced by the transport-wide sequence number alone. */
    static final int TRANSPORT_CC_BLOCK = 8;
    /**
     * Bytes a packet may grow by when its extensions are replaced by the transport-wide sequence number and the
     * dependency descriptor it carried (two-byte element headers, the descriptor's extended fields added, padding).
     */
    static final int EXTENSION_GROWTH = 24;

    /**
     * The packet being rewritten, protected and queued for this subscriber. Its content lives for one call
     * ({@link #onPacket}, {@link #retransmit}), so every forwarder on a thread shares that thread's array: one packet
     * copied into a buffer the cache still holds, instead of 50 subscribers' copies into 50 arrays of their own, each
     * gone from the cache by the next packet (docs/PERFORMANCE.md, "One scratch array per thread").
     */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(
            () -> new byte[MAX_PACKET + EXTENSION_GROWTH + MediaPeer.SRTP_TRAILER + Rtx.OSN_LENGTH]);
    /** This thread's {@link #SCRATCH}, taken at the start of each call that writes a packet. */
    private byte[] scratch;
    /** The subscriber's id of the AV1 dependency descriptor extension, 0 when it did not negotiate it. */
    private final int dependencyDescriptorId;
    private final DependencyDescriptor dd = new DependencyDescriptor();
    /** The dependency descriptor written for the packet being rewritten, {@link #ddLength} bytes (0: none). */
    private final byte[] ddOut = new byte[RtpHeaderExtensions.TWO_BYTE_MAX_LENGTH];
    private int ddLength;
    /** The decode targets the subscriber was told are active (AV1 RTP specification A.4.4). */
    private int subscriberActive = -1;
    private final RtpHeaderExtensionWriter extensionWriter = new RtpHeaderExtensionWriter();
    /** Where the transport-wide sequence number goes in the rewritten packet, -1 when not negotiated. */
    private int transportSeqOffset = -1;
    private int paddingSeqOffset = -1;
    /** Padding bytes per padding-only packet (the most one padding count byte can say). */
    static final int PADDING = 255;
    private final RtpPacket out = new RtpPacket();
    private final RtpPacket in = new RtpPacket();
    private final RtpHeaderExtensions extensions = new RtpHeaderExtensions();
    private final Vp8PayloadDescriptor vp8 = new Vp8PayloadDescriptor();
    private final Vp9PayloadDescriptor vp9 = new Vp9PayloadDescriptor();
    private final RedPayload red = new RedPayload();

    private volatile int targetWidth;
    private volatile int targetHeight;
    /** Set by the allocation when no layer fits the subscriber's estimate. Media thread. */
    private boolean suspended;
    /** This track's entry in its subscriber's allocation. */
    final Allocator.Track allocation = new Allocator.Track();
    int current = -1;
    int pending = -1;
    /** The highest VP8 temporal layer the allocation gives, and the one forwarded now (it follows at frame starts). */
    private int temporalTarget = Allocator.ALL_TEMPORAL;
    int temporalCurrent = Allocator.ALL_TEMPORAL;
    /** Every spatial layer: no spatial limit. */
    static final int ALL_SPATIAL = Keyframes.MAX_SPATIAL - 1;
    /** Of a VP9 SVC stream, the highest spatial layer the allocation gives, and the one forwarded now (it follows at picture starts). */
    private int spatialTarget = ALL_SPATIAL;
    int spatialCurrent = ALL_SPATIAL;
    private long epochStartExt;
    /** Input to output sequence numbers (extended) and VP8 picture ids, each gapless over dropped frames. */
    private final Gapless seqs = new Gapless();
    private final Gapless pictures = new Gapless();
    private long tsOffset;
    private int tl0Offset;
    private boolean started;
    /** Whether a packet was rewritten yet; the last* fields below describe the newest one sent. */
    private boolean anyOut;
    private int lastOutSeq;
    private int lastOutTs;
    private int lastOutTl0 = -1;
    private long lastOutMillis;
    private int rtxSeq;
    long packetsSent;
    long octetsSent;
    long retransmitted;
    /** Packets of temporal layers above the chosen one, not sent. */
    long temporalDropped;
    /** Packets of VP9 or AV1 spatial layers above the chosen one, not sent. */
    long spatialDropped;

    Forwarder(Receiver receiver, Subscriber subscriber, int ssrc, int payloadType, int rtxSsrc, int rtxPayloadType,
              String cname) {
        this(receiver, subscriber, ssrc, payloadType, rtxSsrc, rtxPayloadType, -1, cname, 0);
    }

    Forwarder(Receiver receiver, Subscriber subscriber, int ssrc, int payloadType, int rtxSsrc, int rtxPayloadType,
              int redPayloadType, String cname, int dependencyDescriptorId) {
        this.receiver = receiver;
        this.dependencyDescriptorId = dependencyDescriptorId;
        this.redPayloadType = redPayloadType;
        this.subscriber = subscriber;
        this.ssrc = ssrc;
        this.payloadType = payloadType;
        this.rtxSsrc = rtxSsrc;
        this.rtxPayloadType = rtxPayloadType;
        this.cname = cname;
    }

    Subscriber subscriber() {
        return subscriber;
    }

    /** The size the subscriber renders this track at; 0×0 means the best available. Any thread. */
    public void target(int width, int height) {
        this.targetWidth = Math.max(0, width);
        this.targetHeight = Math.max(0, height);
    }

    public int currentLayer() {
        return current;
    }

    /**
     * Whether the track is one VP9 or AV1 SVC stream (one encoding whose scalability or template dependency structure
     * has several spatial layers): then the allocation's layers are its spatial layers, not simulcast encodings.
     */
    boolean svc() {
        return receiver.layers.length == 1 && receiver.layers[0].keyframes.spatialLayers() > 1;
    }

    /** The layer (of an SVC stream: the spatial layer) this subscriber's tile size asks for, -1 when none is live. */
    int wantedLayer(long nowMillis) {
        if (svc()) {
            return receiver.layers[0].isAvailable(nowMillis)
                    ? LayerSelector.spatial(receiver.layers[0].keyframes, targetWidth, targetHeight) : -1;
        }
        return LayerSelector.choose(receiver.layers, targetWidth, targetHeight, nowMillis);
    }

    /** Re-evaluates the layer choice by size alone (no estimate); asks for a keyframe on a new target layer. */
    void selectLayer(long nowMillis) {
        allocate(wantedLayer(nowMillis), Allocator.ALL_TEMPORAL, nowMillis);
    }

    /**
     * Forwards {@code want} from its next keyframe on (asking the publisher for one, throttled), or
     * nothing when it is -1 (the allocation suspended this track: no layer fits the estimate); of a VP8 stream with
     * temporal layers only TL0 to TL{@code temporal} ({@link Allocator#ALL_TEMPORAL}: all). Of an SVC stream
     * {@code want} is the spatial layer: one above the one forwarded now waits for a keyframe, asked for as a layer is.
     */
    void allocate(int want, int temporal, long nowMillis) {
        temporalTarget = temporal;
        if (svc() && want >= 0) {
            Layer l = receiver.layers[0];
            if (current >= 0 && want > spatialCurrent
                    && (want > spatialTarget || nowMillis - l.lastKeyframeRequestMillis > 1000)) {
                receiver.requestKeyframe(0, nowMillis);
            }
            spatialTarget = want;
            want = 0;
        }
        if (want < 0) {
            if (receiver.info.kind() == MediaKind.VIDEO && allocation.suspended) {
                suspended = true;
                pending = -1;
            }
            return; // nothing live: keep what is forwarded and awaited
        }
        if (suspended) {
            suspended = false;
            current = -1; // resume at the next keyframe of the chosen layer
        }
        if (want == current) {
            pending = -1;
        } else if (want != pending || nowMillis - receiver.layers[want].lastKeyframeRequestMillis > 1000) {
            pending = want;
            receiver.requestKeyframe(want, nowMillis);
        }
    }

    /** The highest temporal layer forwarded of the current layer (0 without temporal layers, or before the first). */
    int temporalLayer() {
        return current < 0 ? 0 : Math.min(temporalCurrent, receiver.layers[current].temporalLayers - 1);
    }

    /** The highest spatial layer of an SVC stream forwarded (0 for any other stream, or before the first packet). */
    int spatialLayer() {
        return current < 0 || !svc() ? 0 : Math.min(spatialCurrent, receiver.layers[0].keyframes.spatialLayers() - 1);
    }

    /** True while the allocation gives this track nothing. */
    boolean suspended() {
        return suspended;
    }

    void onPacket(Layer layer, long ext, byte[] buf, int off, int len, boolean keyframe, long nowMillis) {
        if (suspended || len > MAX_PACKET) {
            return;
        }
        boolean audio = receiver.info.kind() == MediaKind.AUDIO;
        if (!audio && layer.index != current) {
            if ((layer.index == pending || current < 0 && pending < 0) && keyframe) {
                switchTo(layer, ext, buf, off, len, nowMillis);
            } else {
                return;
            }
        } else if (audio && current < 0) {
            switchTo(layer, ext, buf, off, len, nowMillis);
        }
        if (ext < epochStartExt) {
            return;
        }
        long picture = -1;
        boolean drop = false;
        boolean spatialDrop = false;
        if (!audio) {
            Keyframes k = layer.keyframes;
            boolean vp9Stream = receiver.codec == Keyframes.Codec.VP9;
            int pid = k.pictureId();
            long in = pid < 0 ? -1 : pictures.unwrap(pid, k.pictureIdModulus());
            int tid = k.temporalId();
            if (pid < 0 ? k.frameStart() : in > pictures.highestIn()) { // a new frame: the layers may change
                followTemporalTarget(tid, k.layerSync(), keyframe);
                if (keyframe || spatialTarget < spatialCurrent) {
                    spatialCurrent = spatialTarget; // VP9 k-SVC: upper spatial layers restart from a keyframe only
                }
            }
            drop = tid > temporalCurrent;
            spatialDrop = k.spatialId() > spatialCurrent;
            if (pid >= 0) {
                if (vp9Stream) {
                    pictures.map(in, false); // VP9 picture ids go on unchanged (class comment); only the newest is kept
                } else {
                    picture = pictures.map(in, drop); // the frame's first packet decides for all of them
                    drop = picture < 0;
                }
            }
        }
        long seq = seqs.map(ext, drop || spatialDrop);
        if (seq < 0) {
            if (drop) {
                temporalDropped++;
            } else if (spatialDrop) {
                spatialDropped++;
            }
            return;
        }
        scratch = SCRATCH.get();
        System.arraycopy(buf, off, scratch, 0, len);
        int n = rewrite(len, (int) seq & 0xFFFF, picture, nowMillis);
        if (n > 0 && subscriber.send(scratch, n, transportSeqOffset)) {
            packetsSent++;
            octetsSent += out.payloadLength();
        }
    }

    /**
     * At the start of a frame of temporal layer {@code tid}: a lower target applies at once (nothing later depends on
     * the frames left out); a higher one only one layer at a time, at a frame of the next layer that depends on TL0
     * frames alone (Y bit, RFC 7741 §4.2), or at a keyframe, so no forwarded frame refers to one that was not sent.
     */
    private void followTemporalTarget(int tid, boolean layerSync, boolean keyframe) {
        if (keyframe || temporalTarget < temporalCurrent) {
            temporalCurrent = temporalTarget;
        } else if (temporalTarget > temporalCurrent && layerSync && tid == temporalCurrent + 1) {
            temporalCurrent = tid;
        }
    }

    /**
     * Where a stream's numbering stands: the last sequence number, VP8 picture id (-1: none), timestamp and TL0PICIDX
     * sent, the RTX sequence, and the counts its sender reports give. For the forwarder that goes on with the stream.
     */
    record Numbering(long seq, long picture, boolean anyOut, int lastOutSeq, int lastOutTs, int lastOutTl0, long lastOutMillis,
                     int rtxSeq, long packetsSent, long octetsSent) {
    }

    /** This stream's numbering, null before its first packet. Media thread. */
    Numbering numbering() {
        return !started ? null : new Numbering(seqs.highestOut(), pictures.started() ? pictures.highestOut() : -1, anyOut,
                lastOutSeq, lastOutTs, lastOutTl0, lastOutMillis, rtxSeq, packetsSent, octetsSent);
    }

    /**
     * Goes on with the stream of the same subscriber SSRC whose numbering {@code sent} is: the subscriber's slot now
     * shows another receiver (its member's new connection after an ICE restart). The first packet forwarded follows
     * the last sequence number, timestamp, VP8 picture id and TL0PICIDX sent, as after a layer switch, so that the
     * subscriber sees one stream go on; started afresh from the new publisher's numbers, the stream jumped, and
     * Chromium decoded nothing more of it. Media thread.
     */
    void continueFrom(Numbering sent) {
        started = true;
        seqs.reset(0, sent.seq() + 1);
        if (sent.picture() >= 0) {
            pictures.reset(0, sent.picture() + 1);
        }
        anyOut = sent.anyOut();
        lastOutSeq = sent.lastOutSeq();
        lastOutTs = sent.lastOutTs();
        lastOutTl0 = sent.lastOutTl0();
        lastOutMillis = sent.lastOutMillis();
        rtxSeq = sent.rtxSeq();
        packetsSent = sent.packetsSent();
        octetsSent = sent.octetsSent();
    }

    private void switchTo(Layer layer, long ext, byte[] buf, int off, int len, long nowMillis) {
        in.wrap(buf, off, len);
        long ts = in.timestamp() & 0xFFFFFFFFL;
        seqs.reset(ext, seqs.started() ? seqs.highestOut() + 1 : ext);
        if (!started) {
            tsOffset = 0;
        } else {
            long elapsed = Math.max(1, (nowMillis - lastOutMillis) * receiver.info.clockRate() / 1000);
            tsOffset = ((lastOutTs & 0xFFFFFFFFL) + elapsed - ts) & 0xFFFFFFFFL;
        }
        if (receiver.codec == Keyframes.Codec.VP8 && vp8.wrap(buf, in.payloadOffset(), in.payloadLength())) {
            int pid = vp8.pictureId();
            if (pid >= 0) {
                pictures.reset(pid, pictures.started() ? pictures.highestOut() + 1 : pid);
            }
            tl0Offset = vp8.tl0PicIdx() < 0 || lastOutTl0 < 0 ? 0 : (lastOutTl0 + 1 - vp8.tl0PicIdx()) & 0xFF;
        } else if (receiver.codec == Keyframes.Codec.VP9 && vp9.wrap(buf, in.payloadOffset(), in.payloadLength())
                && vp9.pictureId() >= 0) {
            pictures.reset(vp9.pictureId(), vp9.pictureId());
        }
        temporalCurrent = temporalTarget; // a keyframe: every temporal (and spatial) layer may start here
        spatialCurrent = spatialTarget;
        epochStartExt = ext;
        current = layer.index;
        pending = -1;
        started = true;
    }

    /**
     * Rewrites {@code scratch[0, len)} in place for this subscriber with output sequence number {@code seq} and
     * (VP8) extended output picture id {@code picture} (-1: none); returns the length or -1. Only the newest
     * packet so far (not a late one or a retransmission) becomes the last sent, which the next layer switch
     * and the SR continue from.
     */
    private int rewrite(int len, int seq, long picture, long nowMillis) {
        if (!out.wrap(scratch, 0, len)) {
            return -1;
        }
        int ts = (int) ((out.timestamp() & 0xFFFFFFFFL) + tsOffset);
        boolean newest = !anyOut || SequenceNumbers.isNewer(seq, lastOutSeq);
        if (newest) {
            anyOut = true;
            lastOutSeq = seq;
            lastOutTs = ts;
            lastOutMillis = nowMillis;
        }
        out.setSsrc(ssrc);
        int pt = payloadType;
        if (out.payloadType() == receiver.info.redPayloadType()) {
            if (redPayloadType >= 0) {
                if (!red.wrap(scratch, out.payloadOffset(), out.payloadLength())) {
                    return -1;
                }
                red.setPayloadTypes(payloadType);
                pt = redPayloadType;
            } else if ((len = red.toPrimary(out)) < 0) {
                return -1;
            }
        }
        out.setPayloadType(pt);
        out.setSequenceNumber(seq);
        out.setTimestamp(ts);
        if (descriptor(out)) {
            if (dd.spatialId() == spatialCurrent && dd.endOfFrame()) {
                out.setMarker(true); // the end of the top spatial layer forwarded ends the temporal unit for this subscriber
            }
            descriptorForSubscriber();
        }
        len = rewriteExtensions(len);
        if (len < 0) {
            return -1;
        }
        if (receiver.codec == Keyframes.Codec.VP8 && vp8.wrap(scratch, out.payloadOffset(), out.payloadLength())) {
            if (picture >= 0) {
                vp8.setPictureId((int) picture); // modulo the field's width
            }
            if (vp8.tl0PicIdx() >= 0) {
                int tl0 = (vp8.tl0PicIdx() + tl0Offset) & 0xFF;
                vp8.setTl0PicIdx(tl0);
                if (newest) {
                    lastOutTl0 = tl0;
                }
            }
        } else if (receiver.codec == Keyframes.Codec.VP9 && vp9.wrap(scratch, out.payloadOffset(), out.payloadLength())
                && vp9.spatialId() == spatialCurrent && vp9.endsFrame()) {
            out.setMarker(true); // the end of the top spatial layer forwarded ends the picture for this subscriber
        }
        return len;
    }

    /**
     * Reads the AV1 dependency descriptor of {@code p} (a packet of this track) into {@link #dd}, by the stream's latest
     * structure; false for another codec, without one, or when it is malformed.
     */
    private boolean descriptor(RtpPacket p) {
        ddLength = 0;
        int id = receiver.info.dependencyDescriptorExt();
        return receiver.codec == Keyframes.Codec.AV1 && id > 0 && p.hasExtension() && extensions.wrap(p) && extensions.find(id)
                && dd.wrap(extensions.buffer(), extensions.dataOffset(), extensions.dataLength(),
                        receiver.layers[Math.max(current, 0)].keyframes.structure());
    }

    /**
     * Writes the descriptor {@link #dd} read for the subscriber into {@link #ddOut}, when it negotiated the extension and
     * the track is one encoding (simulcast layers have frame numbers and structures of their own). The
     * active_decode_targets_bitmask (AV1 RTP specification A.4.4) names the decode targets forwarded: those of the
     * spatial and temporal layers up to the current ones, of those the publisher has active now ({@link
     * Keyframes#activeDecodeTargets}: a retransmitted older packet does not change it); it is written on every
     * packet while that is not every decode target, and once more when it is again (the receiver keeps the last one it
     * was told until a new structure), so the receiver expects no frame of a layer left out. Otherwise the descriptor
     * goes as it came.
     */
    private void descriptorForSubscriber() {
        if (dependencyDescriptorId <= 0 || receiver.layers.length != 1) {
            return;
        }
        DependencyDescriptor.Structure s = dd.structure();
        int all = s.decodeTargets() == 32 ? -1 : (1 << s.decodeTargets()) - 1;
        int active = 0;
        for (int dt = 0; dt < s.decodeTargets(); dt++) {
            if (s.decodeTargetSpatialId(dt) <= spatialCurrent && s.decodeTargetTemporalId(dt) <= temporalCurrent) {
                active |= 1 << dt;
            }
        }
        active &= receiver.layers[0].keyframes.activeDecodeTargets(); // the publisher's now, not this packet's
        int believedIfAsCame = dd.structureAttached() || dd.activeDecodeTargetsPresent() ? dd.activeDecodeTargets() : subscriberActive;
        if (active == all && believedIfAsCame == all) {
            System.arraycopy(extensions.buffer(), extensions.dataOffset(), ddOut, 0, extensions.dataLength());
            ddLength = extensions.dataLength();
        } else {
            ddLength = Math.max(0, dd.writeWithActiveDecodeTargets(ddOut, 0, ddOut.length, active));
        }
        subscriberActive = active;
    }

    /**
     * Replaces the publisher's header extensions (their ids are the publisher's, not the subscriber's) by those this
     * subscriber negotiated and Atrium writes: the transport-wide sequence number (when transport-cc is on;
     * {@link Subscriber#send} writes the number) and the dependency descriptor in {@link #ddOut} (when
     * {@link #ddLength} &gt; 0). RFC 8285 one-byte form, or two-byte for an id above 14 or a longer element; the payload
     * moves. With neither, every element is blanked in place. Returns the new length, -1 when it does not fit.
     */
    private int rewriteExtensions(int len) {
        int id = subscriber.transportCcId;
        transportSeqOffset = -1;
        if (id <= 0 && ddLength == 0) {
            if (out.hasExtension() && extensions.wrap(out)) {
                while (extensions.next()) {
                    extensions.remove();
                }
            }
            return len;
        }
        boolean twoByte = id > RtpHeaderExtensions.ONE_BYTE_MAX_ID || dependencyDescriptorId > RtpHeaderExtensions.ONE_BYTE_MAX_ID
                || ddLength > RtpHeaderExtensions.ONE_BYTE_MAX_LENGTH;
        int header = twoByte ? 2 : 1;
        int elements = (id > 0 ? header + TransportSequenceExtension.LENGTH : 0) + (ddLength > 0 ? header + ddLength : 0);
        int headerEnd = RtpPacket.FIXED_HEADER_LENGTH + 4 * out.csrcCount();
        int payload = out.payloadOffset();
        int moved = headerEnd + 4 + (elements + 3) / 4 * 4;
        int tail = len - payload;
        if (moved + tail > MAX_PACKET + EXTENSION_GROWTH) {
            return -1;
        }
        System.arraycopy(scratch, payload, scratch, moved, tail);
        scratch[0] &= (byte) ~0x10;
        extensionWriter.begin(scratch, 0, moved, twoByte);
        int at = id > 0 ? extensionWriter.reserve(id, TransportSequenceExtension.LENGTH) : 0;
        if (ddLength > 0) {
            extensionWriter.add(dependencyDescriptorId, ddOut, 0, ddLength);
        }
        if (at < 0 || extensionWriter.finish() != moved) {
            return -1;
        }
        transportSeqOffset = id > 0 ? at : -1;
        len = moved + tail;
        out.wrap(scratch, 0, len);
        return len;
    }

    private int pictureIdModulus() {
        return vp8.hasLongPictureId() ? Vp8PayloadDescriptor.PICTURE_ID_MODULUS_15 : Vp8PayloadDescriptor.PICTURE_ID_MODULUS_7;
    }

    /** The rendered area this subscriber asked for, 0 for the best layer. */
    long targetArea() {
        return (long) targetWidth * targetHeight;
    }

    /**
     * Whether padding can go on this stream's RTX SSRC: video with RTX, transport-cc on, started or suspended. A
     * suspended stream pads too, even one suspended before its first packet (a subscription made while the estimate
     * was low, its subscriber's only video): with nothing else to send, a probe is the only way its estimate can grow
     * back. (A stream waiting for its first keyframe is about to start and does not, unless it goes on from an
     * earlier one: {@link #continueFrom}.)
     */
    boolean canPad() {
        return rtxPayloadType >= 0 && (anyOut || suspended) && subscriber.transportCcId > 0;
    }

    /**
     * Writes a padding-only RTX packet (RFC 3550 5.1 padding, {@value #PADDING} bytes, no payload) with an
     * empty transport-wide sequence number element into {@code buf}; returns its length. Its offset is
     * {@link #paddingTransportSeqOffset()}.
     */
    int writePadding(byte[] buf) {
        RtpPacket.writeHeader(buf, 0, false, rtxPayloadType, rtxSeq++ & 0xFFFF, lastOutTs, rtxSsrc);
        int header = RtpPacket.FIXED_HEADER_LENGTH + TRANSPORT_CC_BLOCK;
        int id = subscriber.transportCcId;
        extensionWriter.begin(buf, 0, header, id > RtpHeaderExtensions.ONE_BYTE_MAX_ID);
        paddingSeqOffset = extensionWriter.reserve(id, TransportSequenceExtension.LENGTH);
        if (paddingSeqOffset < 0 || extensionWriter.finish() != header) {
            return -1;
        }
        java.util.Arrays.fill(buf, header, header + PADDING - 1, (byte) 0);
        buf[header + PADDING - 1] = (byte) PADDING;
        buf[0] |= 0x20;
        return header + PADDING;
    }

    int paddingTransportSeqOffset() {
        return paddingSeqOffset;
    }

    /** Answers a NACK for output sequence numbers {@code seqs[0, count)}. */
    void retransmit(int[] lost, int count) {
        if (current < 0 || !seqs.started()) {
            return;
        }
        Layer layer = receiver.layers[current];
        long highest = seqs.highestOut();
        scratch = SCRATCH.get();
        for (int i = 0; i < count; i++) {
            long ext = seqs.unmap(highest - ((highest - lost[i]) & 0xFFFF));
            if (ext < epochStartExt) {
                continue;
            }
            int len = layer.cache.get(ext, scratch, 0);
            if (len < 0) {
                continue;
            }
            long picture = -1;
            if (receiver.codec == Keyframes.Codec.VP8 && in.wrap(scratch, 0, len)
                    && vp8.wrap(scratch, in.payloadOffset(), in.payloadLength())) {
                if (vp8.temporalId() > temporalCurrent) {
                    continue; // a late packet of a layer left out filled this gap upstream: not wanted here
                }
                if (vp8.pictureId() >= 0) {
                    picture = pictures.lookup(pictures.unwrap(vp8.pictureId(), pictureIdModulus()));
                    if (picture < 0) {
                        continue;
                    }
                }
            } else if (receiver.codec == Keyframes.Codec.VP9 && in.wrap(scratch, 0, len)
                    && vp9.wrap(scratch, in.payloadOffset(), in.payloadLength())
                    && (vp9.temporalId() > temporalCurrent || vp9.spatialId() > spatialCurrent)) {
                continue; // a late packet of a layer left out filled this gap upstream: not wanted here
            } else if (in.wrap(scratch, 0, len) && descriptor(in)
                    && (dd.temporalId() > temporalCurrent || dd.spatialId() > spatialCurrent)) {
                continue; // the same for AV1
            }
            int n = rewrite(len, lost[i] & 0xFFFF, picture, lastOutMillis);
            if (n < 0) {
                continue;
            }
            if (rtxPayloadType >= 0) {
                n = Rtx.wrapInPlace(out, scratch.length - MediaPeer.SRTP_TRAILER, rtxPayloadType, rtxSsrc, rtxSeq++ & 0xFFFF);
                if (n < 0) {
                    continue;
                }
            }
            if (subscriber.send(scratch, n, transportSeqOffset)) {
                retransmitted++;
                subscriber.counters.rtxOut++;
            }
        }
    }

    /** Writes an SR (RFC 3550 §6.4.1) and SDES CNAME for this stream; returns the length, 0 before the first packet. */
    int writeSenderReport(byte[] buf, int off, int capacity, long nowMillis) {
        if (!started) {
            return 0;
        }
        long rtpNow = (lastOutTs & 0xFFFFFFFFL) + (nowMillis - lastOutMillis) * receiver.info.clockRate() / 1000;
        int n = SenderReport.write(buf, off, capacity, ssrc, Ntp.fromMillis(System.currentTimeMillis()), (int) rtpNow,
                (int) packetsSent, (int) octetsSent, List.of());
        if (n < 0) {
            return 0;
        }
        int m = SourceDescription.writeCname(buf, off + n, capacity - n, ssrc, cname);
        return m < 0 ? n : n + m;
    }
}
