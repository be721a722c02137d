package io.atrium.server.sfu;

import io.atrium.webrtc.rtp.SequenceNumberUnwrapper;

/**
 * One encoding of a published track (one simulcast rid, or the only one): its SSRCs once learned,
 * sequence and loss statistics for receiver reports (RFC 3550 §6.4.1, A.3, A.8), the NACK tracker,
 * the packet cache, keyframe state and a bitrate estimate. Media thread only.
 */
final class Layer {

    final int index;
    final String rid;
    final PacketCache cache;
    final NackTracker nacks = new NackTracker();
    final Keyframes keyframes = new Keyframes();
    private final SequenceNumberUnwrapper unwrapper = new SequenceNumberUnwrapper();
    int ssrc;
    int rtxSsrc;
    boolean ssrcKnown;
    boolean rtxKnown;

    long baseSeq = -1;
    long highestSeq = -1;
    long received;
    long expectedPrior;
    long receivedPrior;
    double jitter;
    private long lastTransit = Long.MIN_VALUE;
    long lastPacketMillis;
    long lastKeyframeMillis;
    long lastKeyframeRequestMillis;
    boolean waitingForKeyframe = true;
    /** Middle 32 bits of the NTP time of the last SR from the publisher, and when it arrived. */
    int lastSrNtp;
    long lastSrArrivalMillis;
    private long windowBytes;
    private long windowStartMillis;
    long bitrate;
    /** Most temporal layers (VP8 TIDs) a layer is measured in; higher TIDs count as the top one. */
    static final int MAX_TEMPORAL = 4;
    /**
     * Temporal layers seen in the last window (1 without temporal scalability), and the rate of each set a
     * subscriber can be given: {@code temporalBitrate[t]} is TL0 to TLt together, bit/s, measured on ingress over
     * the same window as {@link #bitrate} (the top one equals it).
     */
    int temporalLayers = 1;
    final long[] temporalBitrate = new long[MAX_TEMPORAL];
    /** Most spatial layers (VP9 SIDs of one SVC stream) measured; higher SIDs count as the top one. */
    static final int MAX_SPATIAL = Keyframes.MAX_SPATIAL;
    /**
     * Of a VP9 SVC stream: spatial layers seen in the last window (1 otherwise), and {@code spatialBitrate[s][t]}, the
     * rate of spatial layers 0 to s with temporal layers 0 to t (what a subscriber given SID s, TID t receives), bit/s,
     * same window ({@code spatialBitrate[spatialLayers - 1]} equals {@link #temporalBitrate}); the layers dynacast holds
     * back at the publisher ({@link Keyframes#holdSpatial}) keep the rates they had.
     */
    int spatialLayers = 1;
    final long[][] spatialBitrate = new long[MAX_SPATIAL][MAX_TEMPORAL];
    private final long[][] windowBytesBy = new long[MAX_SPATIAL][MAX_TEMPORAL];
    private int windowTemporalLayers = 1;
    private int windowSpatialLayers = 1;
    long packets;
    long bytes;
    long retransmissionsReceived;
    /** Fraction lost (RFC 3550, 0-255) in the last receiver-report interval. */
    volatile int lastFractionLost;

    Layer(int index, String rid, int cacheSize) {
        this.index = index;
        this.rid = rid;
        this.cache = new PacketCache(cacheSize);
    }

    /**
     * Records a packet of temporal layer {@code temporalId} (VP8/VP9 TID, -1 when the stream has none) and spatial
     * layer {@code spatialId} (VP9 SID, else 0) and returns its extended sequence number, or -1 for a duplicate that
     * must not be forwarded again.
     */
    long onPacket(int seq, int rtpTimestamp, int clockRate, int len, long nowMillis, boolean retransmission,
                  int temporalId, int spatialId) {
        long ext = unwrapper.unwrap(seq);
        if (cache.contains(ext)) {
            return -1;
        }
        long previous = highestSeq;
        nacks.onPacket(ext, previous, nowMillis);
        if (baseSeq < 0) {
            baseSeq = ext;
        }
        if (ext > highestSeq) {
            highestSeq = ext;
        }
        received++;
        packets++;
        bytes += len;
        lastPacketMillis = nowMillis;
        if (retransmission) {
            retransmissionsReceived++;
        } else {
            updateJitter(rtpTimestamp, clockRate, nowMillis);
        }
        windowBytes += len;
        int tid = Math.min(Math.max(temporalId, 0), MAX_TEMPORAL - 1);
        int sid = Math.min(Math.max(spatialId, 0), MAX_SPATIAL - 1);
        windowBytesBy[sid][tid] += len;
        windowTemporalLayers = Math.max(windowTemporalLayers, tid + 1);
        windowSpatialLayers = Math.max(windowSpatialLayers, sid + 1);
        if (nowMillis - windowStartMillis >= 1000) {
            long span = Math.max(1, nowMillis - windowStartMillis);
            bitrate = windowStartMillis == 0 ? 0 : windowBytes * 8000 / span;
            temporalLayers = windowTemporalLayers;
            spatialLayers = windowSpatialLayers;
            int held = keyframes.heldFrom(); // spatial layers held back at the publisher keep their last rates
            for (int t = 0; t < MAX_TEMPORAL; t++) {
                long cumulative = 0; // spatial layers 0..s, temporal layers 0..t
                for (int s = 0; s < MAX_SPATIAL; s++) {
                    for (int u = 0; u <= t; u++) {
                        cumulative += windowBytesBy[s][u];
                    }
                    if (s < held) {
                        spatialBitrate[s][t] = windowStartMillis == 0 ? 0 : cumulative * 8000 / span;
                    }
                }
                temporalBitrate[t] = windowStartMillis == 0 ? 0 : cumulative * 8000 / span;
            }
            for (long[] row : windowBytesBy) {
                java.util.Arrays.fill(row, 0);
            }
            windowTemporalLayers = 1;
            windowSpatialLayers = 1;
            windowBytes = 0;
            windowStartMillis = nowMillis;
        }
        return ext;
    }

    private void updateJitter(int rtpTimestamp, int clockRate, long nowMillis) {
        long arrival = nowMillis * clockRate / 1000;
        long transit = arrival - (rtpTimestamp & 0xFFFFFFFFL);
        if (lastTransit != Long.MIN_VALUE) {
            long d = Math.abs(transit - lastTransit);
            if (d < (long) clockRate * 10) {
                jitter += (d - jitter) / 16.0;
            }
        }
        lastTransit = transit;
    }

    /** Set while dynacast told the publisher to stop encoding this layer ({@link Allocator.Upstream}). */
    boolean pausedUpstream;

    boolean isActive(long nowMillis) {
        return ssrcKnown && nowMillis - lastPacketMillis < 2000;
    }

    /**
     * Whether a subscriber may be given this layer: it is live, or paused upstream by dynacast (then its last
     * rate and size stand for it, and choosing it has it resumed at once).
     */
    boolean isAvailable(long nowMillis) {
        return isActive(nowMillis) || pausedUpstream && ssrcKnown;
    }
}
