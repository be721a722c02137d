package io.atrium.server.sfu;

import io.atrium.server.transport.MediaSink;
import io.atrium.server.transport.PeerStats;
import java.util.List;

/** A snapshot of a room's media counters, as {@code GET /v1/rooms/{uuid}/media} shows it. */
public record MediaStats(List<Peer> publishers, List<Peer> subscribers) {

    /**
     * One peer: transport counters plus its published tracks or its forwarded streams, and for a
     * subscriber the downlink estimate (null for a publisher).
     */
    public record Peer(String id, boolean connected, long packetsIn, long bytesIn, long packetsOut, long bytesOut,
                       long rtcpIn, long rtcpOut, long dropped, long srtpErrors, long unroutable, List<Track> tracks,
                       List<Stream> streams, Estimate estimate) {

        static Peer of(MediaSink p, long unroutable, List<Track> tracks, List<Stream> streams) {
            PeerStats s = p.stats();
            return new Peer(p.id(), p.isConnected(), s.packetsIn(), s.bytesIn(), s.packetsOut(), s.bytesOut(), s.rtcpIn(),
                    s.rtcpOut(), s.dropped(), s.srtpErrors(), unroutable, tracks, streams, null);
        }

        Peer withEstimate(Estimate e) {
            return new Peer(id, connected, packetsIn, bytesIn, packetsOut, bytesOut, rtcpIn, rtcpOut, dropped, srtpErrors,
                    unroutable, tracks, streams, e);
        }
    }

    /**
     * A subscriber's downlink estimate (docs/MEDIA.md): {@code availableRate} in bit/s (-1 before any
     * transport-cc feedback or REMB), what the feedback says it received, the loss it reports, the delay
     * detector's state ({@code normal}, {@code overuse}, {@code underuse}), feedback messages read, and the most the
     * subscriber asked to receive ({@code b=TIAS}/{@code b=AS} in its offer; 0 without), which bounds what is allocated.
     */
    public record Estimate(long availableRate, long receivedRate, double lossFraction, String delaySignal, long feedbacks,
                           long receiveCap) {
    }

    /** A published track and its layers. */
    public record Track(String id, String kind, String mid, String codec, List<LayerStats> layers) {
    }

    /**
     * One encoding: what arrived, what was lost and asked for again, its last keyframe size, whether its
     * publisher was told to stop encoding it because no subscriber needs it (dynacast, docs/MEDIA.md), and for VP8
     * with temporal layers the rate of TL0, TL0+1, ... (one entry per temporal layer; one, the bitrate, without); of a
     * VP9 SVC stream its spatial layers (empty otherwise).
     */
    public record LayerStats(String rid, long ssrc, long packets, long bytes, long bitrate, int width, int height,
                             long nacksSent, int missing, long retransmissionsReceived, boolean pausedUpstream,
                             List<Long> temporalBitrates, List<SpatialLayer> spatialLayers) {
    }

    /**
     * One spatial layer of a VP9 SVC stream: its size (scalability structure), the rate of it and those below, and
     * whether dynacast told the publisher to stop encoding it (then the size and rate are the last it had).
     */
    public record SpatialLayer(int width, int height, long bitrate, boolean pausedUpstream) {
    }

    /**
     * One forwarded stream to a subscriber; {@code paused} while no layer fits its estimate (a screen share: its receive
     * cap, Allocator); {@code temporalLayer} the
     * highest temporal layer forwarded (0 for a stream without temporal layers), {@code temporalDropped} the packets
     * of higher ones left out; {@code spatialLayer} the highest spatial layer of a VP9 SVC stream forwarded (0 for any
     * other stream), {@code spatialDropped} the packets of higher ones left out.
     */
    public record Stream(String track, long ssrc, int layer, int temporalLayer, int spatialLayer, long packetsSent,
                         long octetsSent, long retransmitted, long temporalDropped, long spatialDropped, boolean paused) {
    }
}
