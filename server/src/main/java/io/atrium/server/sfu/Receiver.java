package io.atrium.server.sfu;

import io.atrium.webrtc.rtp.RtpPacket;
import java.util.Arrays;

/**
 * The SFU side of one published track: its layers, the forwarders that copy it to subscribers, and
 * keyframe requests toward the publisher. Every method runs on the media thread; the forwarder list
 * is a copy-on-write array so the per-packet loop reads a stable snapshot.
 */
public final class Receiver {

    static final int VIDEO_CACHE = 512;
    static final int AUDIO_CACHE = 64;
    /** Keyframe requests (PLI) to the publisher are at least this far apart per layer. */
    static final long KEYFRAME_REQUEST_INTERVAL_MILLIS = 300;

    private static final Forwarder[] NONE = new Forwarder[0];

    final TrackInfo info;
    final Publisher publisher;
    final Layer[] layers;
    final Keyframes.Codec codec;
    /** Allocation priority of a screen share (highest). */
    public static final int PRIORITY_SCREEN = 2;
    /** Allocation priority of the active speaker's camera. */
    public static final int PRIORITY_SPEAKER = 1;

    private Forwarder[] forwarders = NONE;

    /** Told (on the media thread) which layers the publisher should encode, whenever that changes (dynacast). */
    @FunctionalInterface
    public interface LayerListener {
        /**
         * {@code active}: rid of each simulcast layer to whether the publisher should encode it (empty for one SVC
         * encoding); {@code spatialLayers}: of one SVC encoding, how many spatial layers to encode from the lowest
         * (0 for simulcast).
         */
        void layersChanged(Receiver track, java.util.Map<String, Boolean> active, int spatialLayers);
    }

    /** The publisher's client that applies dynacast, null when it cannot (WHIP, a client that did not ask). */
    private volatile LayerListener layerListener;
    /** The listener {@link #upstream} belongs to; a new one starts from "every layer encoded". Media thread. */
    private LayerListener upstreamListener;
    private final Allocator.Upstream upstream = new Allocator.Upstream();
    private final int[] widths = new int[Allocator.MAX_LAYERS];
    private volatile boolean paused;
    private volatile int priority;
    /** Set when forwarding resumes: the next packet asks the publisher for a keyframe. */
    private volatile boolean resumed;
    /** RFC 6464 level of the last packet (0 loudest .. 127 silence), smoothed; 127 without the extension. */
    private volatile int audioLevel = 127;
    private final io.atrium.webrtc.rtp.RtpHeaderExtensions extensions = new io.atrium.webrtc.rtp.RtpHeaderExtensions();
    /** The recorder's copy of this track, or null; the layer it records (fixed once chosen: one SSRC per file). */
    private PacketTap tap;
    private final byte[] tapScratch = new byte[Forwarder.MAX_PACKET];
    private final RtpPacket tapPacket = new RtpPacket();
    private final io.atrium.webrtc.rtp.RedPayload tapRed = new io.atrium.webrtc.rtp.RedPayload();
    private PacketTap.Factory tapSource;
    private int tapLayer = -1;
    /** Whether the tapped layer sent a keyframe since the tap began (recordings start from one). */
    private boolean tapKeyframeSeen;

    Receiver(TrackInfo info, Publisher publisher) {
        this.info = info;
        this.publisher = publisher;
        this.codec = Keyframes.codec(info.codec());
        this.layers = new Layer[info.layerCount()];
        int cache = info.kind() == MediaKind.VIDEO ? VIDEO_CACHE : AUDIO_CACHE;
        for (int i = 0; i < layers.length; i++) {
            layers[i] = new Layer(i, info.rids().isEmpty() ? null : info.rids().get(i), cache);
        }
        for (int i = 0; i < Math.min(layers.length, info.ssrcs().size()); i++) {
            layers[i].ssrc = info.ssrcs().get(i).intValue();
            layers[i].ssrcKnown = true;
            if (i < info.rtxSsrcs().size() && info.rtxSsrcs().get(i) != 0) {
                layers[i].rtxSsrc = info.rtxSsrcs().get(i).intValue();
                layers[i].rtxKnown = true;
            }
        }
    }

    public TrackInfo info() {
        return info;
    }

    public String publisherId() {
        return publisher.peer().id();
    }

    /** Stops (or resumes) forwarding this track to everyone, e.g. a mute. Any thread. */
    public void paused(boolean paused) {
        if (this.paused && !paused) {
            resumed = true;
        }
        this.paused = paused;
    }

    public boolean isPaused() {
        return paused;
    }

    /**
     * How this track ranks when a subscriber's estimate cannot carry everything: {@link #PRIORITY_SCREEN},
     * {@link #PRIORITY_SPEAKER} or 0; larger tiles first among equals. Any thread.
     */
    public void priority(int priority) {
        this.priority = priority;
    }

    public int priority() {
        return priority;
    }

    /**
     * Lets dynacast tell {@code listener} which simulcast layers (or spatial layers of one SVC encoding) nobody needs
     * (docs/MEDIA.md); null stops it. A new
     * listener means a client that encodes every layer again (it sets them all active when it (re)joins). Any thread.
     */
    public void layerListener(LayerListener listener) {
        this.layerListener = listener;
    }

    public LayerListener layerListener() {
        return layerListener;
    }

    /**
     * Dynacast ({@link Allocator.Upstream}): collects which layers (of one SVC encoding: spatial layers) the
     * forwarders' allocations and the recorder need, and tells the listener when the layers to encode change; spatial
     * layers held back stay in the stream's structure ({@link Keyframes#holdSpatial}) so an allocation can still pick them. Called every second and at once when an
     * allocation picks a paused layer. Media thread; allocates only when it tells.
     */
    void updateUpstream(long nowMillis) {
        LayerListener listener = layerListener;
        if (listener != upstreamListener) {
            upstreamListener = listener;
            upstream.reset();
            for (Layer l : layers) {
                l.pausedUpstream = false;
                l.keyframes.holdSpatial(Allocator.MAX_LAYERS);
            }
        }
        long pauseAfter = publisher.dynacastPauseMillis;
        boolean svc = svc();
        if (listener == null || pauseAfter <= 0 || layers.length < 2 && !svc || info.kind() != MediaKind.VIDEO) {
            return;
        }
        int needed = 0;
        for (Forwarder f : forwarders) {
            if (!f.suspended()) { // of an SVC stream: the spatial layers allowed and still forwarded
                needed |= bit(f.allocation.allowed) | bit(svc ? f.spatialLayer() : f.current);
            }
        }
        if (tap != null) {
            needed |= svc ? -1 : bit(tapLayer); // the recorder keeps every spatial layer of an SVC stream
        }
        Keyframes k = layers[0].keyframes;
        int n = Math.min(svc ? k.spatialLayers() : layers.length, Allocator.MAX_LAYERS);
        for (int i = 0; i < n; i++) {
            widths[i] = svc ? k.spatialWidth(i) : layers[i].ssrcKnown && layers[i].rid != null ? layers[i].keyframes.width() : 0;
        }
        if (!upstream.update(widths, n, needed, pauseAfter, nowMillis)) {
            return;
        }
        java.util.Map<String, Boolean> active = new java.util.LinkedHashMap<>();
        int spatial = 0;
        for (int i = 0; i < n; i++) {
            if (svc) {
                spatial += upstream.active[i] ? 1 : 0; // the active ones are the lowest (every one below a needed one is)
                continue;
            }
            layers[i].pausedUpstream = !upstream.active[i];
            if (layers[i].rid != null) {
                active.put(layers[i].rid, upstream.active[i]);
            }
        }
        if (svc) {
            k.holdSpatial(spatial);
        }
        listener.layersChanged(this, active, spatial);
    }

    /** One VP9 SVC encoding with several spatial layers (dynacast reduces its spatial layers, not encodings). */
    private boolean svc() {
        return layers.length == 1 && layers[0].keyframes.spatialLayers() > 1;
    }

    /**
     * Whether dynacast paused {@code layer} at the publisher (of an SVC stream: holds back spatial layer {@code layer}).
     * Media thread.
     */
    boolean pausedUpstream(int layer) {
        if (svc()) {
            return layer >= layers[0].keyframes.heldFrom();
        }
        return layer >= 0 && layer < layers.length && layers[layer].pausedUpstream;
    }

    private static int bit(int layer) {
        return layer >= 0 && layer < Allocator.MAX_LAYERS ? 1 << layer : 0;
    }

    /** The smoothed RFC 6464 audio level, 0 (loud) to 127 (silent). Any thread. */
    public int audioLevel() {
        return audioLevel;
    }

    /** Packets received on every layer. Any thread (racy read for display and inactivity checks). */
    public long packetsReceived() {
        long n = 0;
        for (Layer l : layers) {
            n += l.packets;
        }
        return n;
    }

    /** Loss on this track as RTCP fraction-lost (0-255) of the last report interval, worst layer. */
    public int fractionLost() {
        int worst = 0;
        for (Layer l : layers) {
            worst = Math.max(worst, l.lastFractionLost);
        }
        return worst;
    }

    /** Interarrival jitter in milliseconds, worst layer. */
    public double jitterMillis() {
        double worst = 0;
        for (Layer l : layers) {
            worst = Math.max(worst, l.jitter * 1000.0 / info.clockRate());
        }
        return worst;
    }

    /** A packet of layer {@code layer} (already unwrapped when it came as RTX). */
    void onMedia(Layer layer, RtpPacket packet, long nowMillis, boolean retransmission) {
        byte[] buf = packet.buffer();
        if (codec == Keyframes.Codec.AV1) { // AV1's layers are in its dependency descriptor, read before the payload
            int id = info.dependencyDescriptorExt();
            boolean found = id > 0 && packet.hasExtension() && extensions.wrap(packet) && extensions.find(id);
            layer.keyframes.dependencyDescriptor(buf, found ? extensions.dataOffset() : 0, found ? extensions.dataLength() : -1);
        }
        // one parse of the payload: keyframe, frame size, temporal (VP8, VP9, AV1) and spatial (VP9, AV1) layer, which the
        // forwarders read too
        boolean keyframe = info.kind() == MediaKind.VIDEO
                && layer.keyframes.isKeyframe(codec, buf, packet.payloadOffset(), packet.payloadLength());
        long ext = layer.onPacket(packet.sequenceNumber(), packet.timestamp(), info.clockRate(), packet.length(),
                nowMillis, retransmission, layer.keyframes.temporalId(), layer.keyframes.spatialId());
        if (ext < 0) {
            return;
        }
        if (keyframe) {
            layer.lastKeyframeMillis = nowMillis;
            layer.waitingForKeyframe = false;
        }
        layer.cache.put(ext, buf, packet.offset(), packet.length());
        if (info.audioLevelExt() > 0 && packet.hasExtension() && extensions.wrap(packet) && extensions.find(info.audioLevelExt())) {
            int level = io.atrium.webrtc.rtp.AudioLevelExtension.level(extensions.buffer(), extensions.dataOffset(), extensions.dataLength());
            if (level >= 0) {
                audioLevel = (audioLevel * 7 + level) / 8;
            }
        }
        if (paused) {
            return;
        }
        if (resumed) {
            resumed = false;
            for (Layer l : layers) {
                requestKeyframe(l.index, nowMillis);
            }
        }
        PacketTap t = tap;
        if (t != null) {
            if (tapLayer < 0) {
                tapLayer = LayerSelector.choose(layers, 0, 0, nowMillis);
                tapKeyframeSeen = info.kind() != MediaKind.VIDEO;
            }
            if (layer.index == tapLayer) {
                tapKeyframeSeen |= keyframe;
                if (!tapKeyframeSeen) {
                    // asked again until one comes: a keyframe that arrived just before the tap, or a lost request,
                    // would otherwise leave the recording without a frame it can start from (rate-limited)
                    requestKeyframe(tapLayer, nowMillis);
                }
                if (packet.payloadType() == info.redPayloadType()) {
                    tapRed(t, packet, nowMillis);
                } else {
                    t.onRtp(buf, packet.offset(), packet.length(), nowMillis);
                }
            }
        }
        Forwarder[] fs = forwarders;
        for (Forwarder f : fs) {
            f.onPacket(layer, ext, buf, packet.offset(), packet.length(), keyframe, nowMillis);
        }
    }

    /** Taps an audio RED packet (RFC 2198) as its primary Opus packet, which recordings expect. */
    private void tapRed(PacketTap t, RtpPacket packet, long nowMillis) {
        if (packet.length() > tapScratch.length) {
            return;
        }
        System.arraycopy(packet.buffer(), packet.offset(), tapScratch, 0, packet.length());
        if (tapPacket.wrap(tapScratch, 0, packet.length())) {
            int n = tapRed.toPrimary(tapPacket);
            if (n >= 0) {
                t.onRtp(tapScratch, 0, n, nowMillis);
            }
        }
    }

    /** Asks the publisher for a keyframe on {@code layer}, at most every {@link #KEYFRAME_REQUEST_INTERVAL_MILLIS}. */
    void requestKeyframe(int layer, long nowMillis) {
        if (info.kind() != MediaKind.VIDEO || layer < 0 || layer >= layers.length) {
            return;
        }
        Layer l = layers[layer];
        if (!l.ssrcKnown || nowMillis - l.lastKeyframeRequestMillis < KEYFRAME_REQUEST_INTERVAL_MILLIS) {
            return;
        }
        l.lastKeyframeRequestMillis = nowMillis;
        l.waitingForKeyframe = true;
        publisher.sendPli(l.ssrc);
    }

    void addForwarder(Forwarder f) {
        Forwarder[] next = Arrays.copyOf(forwarders, forwarders.length + 1);
        next[next.length - 1] = f;
        forwarders = next;
    }

    void removeForwarder(Forwarder f) {
        forwarders = Arrays.stream(forwarders).filter(x -> x != f).toArray(Forwarder[]::new);
    }

    /**
     * Starts copying this track to {@code next} (null stops); the previous tap is closed. Simulcast records one
     * layer, the best one live when the first packet arrives, from a keyframe asked for until one comes. Media thread.
     */
    void tap(PacketTap next, PacketTap.Factory source) {
        PacketTap previous = tap;
        tap = next;
        tapSource = source;
        tapLayer = -1;
        if (previous != null && previous != next) {
            previous.close();
        }
    }

    /** The factory whose tap this track has (or that declined it), null when not recorded. */
    PacketTap.Factory tapSource() {
        return tapSource;
    }

    Forwarder[] forwarders() {
        return forwarders;
    }

    /** Stops every forwarder of this track (the publisher left). */
    void close() {
        for (Forwarder f : forwarders) {
            f.subscriber().publisherGone(f);
        }
        forwarders = NONE;
        tap(null, null);
    }
}
