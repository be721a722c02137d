package io.atrium.server.sfu;

import io.atrium.server.transport.MediaPeer;
import io.atrium.server.transport.MediaSink;
import io.atrium.webrtc.rtcp.GenericNack;
import io.atrium.webrtc.rtcp.PictureLossIndication;
import io.atrium.webrtc.rtcp.ReceiverReport;
import io.atrium.webrtc.rtcp.Remb;
import io.atrium.webrtc.rtcp.ReportBlock;
import io.atrium.webrtc.rtcp.RtcpCompound;
import io.atrium.webrtc.rtcp.RtcpHeader;
import io.atrium.webrtc.rtcp.SenderReport;
import io.atrium.webrtc.rtp.RtpHeaderExtensions;
import io.atrium.webrtc.rtp.RtpPacket;
import io.atrium.webrtc.rtp.Rtx;
import io.atrium.webrtc.rtp.SdesValueExtension;
import java.util.ArrayList;
import java.util.List;

/**
 * A peer that publishes tracks into a room: maps each incoming SSRC to its track and layer (from the
 * SDP, or learned from the mid/rid/repaired-rid header extensions, or by payload type), unwraps RTX,
 * and feeds the receivers. Toward the publisher it sends NACKs for gaps, PLIs for keyframes, and a
 * receiver report with REMB every second (the room's cap on what a publisher sends). Media thread only.
 */
final class Publisher {

    private record Route(Receiver receiver, Layer layer, boolean rtx) {
    }

    private final MediaSink peer;
    private final List<Receiver> receivers = new ArrayList<>();
    private final IntMap<Route> routes = new IntMap<>();
    private final int rtcpSsrc;
    /** What the publisher may send, told with REMB every second ({@code rooms.max_publish_kbps}). */
    private final long maxBitrate;
    private final RtpPacket packet = new RtpPacket();
    private final RtpHeaderExtensions extensions = new RtpHeaderExtensions();
    private final RtcpCompound compound = new RtcpCompound();
    private final SenderReport sr = new SenderReport();
    private final byte[] rtcpOut = new byte[1500 + MediaPeer.SRTP_TRAILER];
    private final int[] nackSeqs = new int[64];
    private final int[] fci = new int[64];
    private final TwccRecorder twcc = new TwccRecorder();
    private int transportCcExt;
    long unroutable;
    /** Dynacast: a layer nobody needs is paused at the publisher after this long; 0 never ({@code rtc.dynacast}). */
    long dynacastPauseMillis;
    /** The SFU's counters (set by the router; a private set for a publisher made alone in a test). */
    SfuCounters counters = new SfuCounters();

    Publisher(MediaSink peer, List<TrackInfo> tracks, int rtcpSsrc, long maxBitrate) {
        this.maxBitrate = maxBitrate;
        this.peer = peer;
        this.rtcpSsrc = rtcpSsrc;
        update(tracks);
    }

    /** Sets the published tracks after a (re)negotiation: unchanged tracks keep their receivers and forwarders. */
    void update(List<TrackInfo> tracks) {
        List<Receiver> next = new ArrayList<>();
        for (TrackInfo t : tracks) {
            Receiver same = receivers.stream().filter(r -> r.info.equals(t)).findFirst().orElse(null);
            next.add(same != null ? same : new Receiver(t, this));
        }
        for (Receiver r : receivers) {
            if (!next.contains(r)) {
                r.close();
            }
        }
        receivers.clear();
        receivers.addAll(next);
        transportCcExt = tracks.isEmpty() ? 0 : tracks.get(0).transportCcExt();
        routes.clear();
        for (Receiver r : receivers) {
            for (Layer l : r.layers) {
                if (l.ssrcKnown) {
                    routes.put(l.ssrc, new Route(r, l, false));
                }
                if (l.rtxKnown) {
                    routes.put(l.rtxSsrc, new Route(r, l, true));
                }
            }
        }
    }

    MediaSink peer() {
        return peer;
    }

    List<Receiver> receivers() {
        return receivers;
    }

    void onRtp(byte[] buf, int off, int len, long nowMillis) {
        if (!packet.wrap(buf, off, len)) {
            unroutable++;
            return;
        }
        if (extension(transportCcExt)) {
            int seq = io.atrium.webrtc.rtp.TransportSequenceExtension.read(extensions.buffer(), extensions.dataOffset(),
                    extensions.dataLength());
            if (seq >= 0) {
                twcc.onPacket(seq, System.nanoTime() / 1000);
            }
        }
        Route route = routes.get(packet.ssrc());
        if (route == null) {
            route = resolve();
            if (route == null) {
                unroutable++;
                return;
            }
            // a layer has one SSRC and one RTX SSRC: a new one replaces the old route, so a sender
            // cycling through SSRCs cannot grow the table (at most two routes per layer)
            if (route.rtx) {
                if (route.layer.rtxKnown) {
                    routes.remove(route.layer.rtxSsrc);
                }
                route.layer.rtxSsrc = packet.ssrc();
                route.layer.rtxKnown = true;
            } else {
                if (route.layer.ssrcKnown) {
                    routes.remove(route.layer.ssrc);
                    route.layer.keyframes.newSsrc();
                }
                route.layer.ssrc = packet.ssrc();
                route.layer.ssrcKnown = true;
            }
            routes.put(packet.ssrc(), route);
        }
        if (route.rtx) {
            if (packet.payloadLength() < Rtx.OSN_LENGTH + 1 || !route.layer.ssrcKnown) {
                return; // empty RTX packets are bandwidth probes
            }
            int n = Rtx.unwrapInPlace(packet, route.receiver.info.payloadType(), route.layer.ssrc);
            if (n < 0 || !packet.wrap(buf, off, n)) {
                return;
            }
            counters.rtxIn++;
        }
        route.receiver.onMedia(route.layer, packet, nowMillis, route.rtx);
    }

    /**
     * Finds the track and layer of an unknown SSRC: the payload type names the track's codec or its
     * RTX, the mid extension (when present) must name the track, and for simulcast the rid (or
     * repaired-rid for RTX) names the layer.
     */
    private Route resolve() {
        for (Receiver r : receivers) {
            TrackInfo t = r.info;
            boolean rtx = t.hasRtx() && packet.payloadType() == t.rtxPayloadType();
            if (!rtx && packet.payloadType() != t.payloadType() && packet.payloadType() != t.redPayloadType()) {
                continue;
            }
            if (extension(t.midExt()) && !matches(t.mid())) {
                continue;
            }
            if (r.layers.length == 1) {
                return new Route(r, r.layers[0], rtx);
            }
            if (extension(rtx ? t.repairedRidExt() : t.ridExt())) {
                for (Layer l : r.layers) {
                    if (matches(l.rid)) {
                        return new Route(r, l, rtx);
                    }
                }
            }
        }
        return null;
    }

    /** Positions {@link #extensions} on extension {@code id} of the current packet; false when absent. */
    private boolean extension(int id) {
        return id > 0 && packet.hasExtension() && extensions.wrap(packet) && extensions.find(id);
    }

    private boolean matches(String value) {
        return SdesValueExtension.equalsAscii(extensions.buffer(), extensions.dataOffset(), extensions.dataLength(), value);
    }

    void onRtcp(byte[] buf, int off, int len, long nowMillis) {
        if (!compound.wrap(buf, off, len)) {
            return;
        }
        while (compound.next()) {
            if (compound.packetType() == RtcpHeader.SR && sr.wrap(buf, compound.packetOffset(), compound.packetLength())) {
                Route route = routes.get(sr.senderSsrc());
                if (route != null && !route.rtx) {
                    route.layer.lastSrNtp = Ntp.middle(sr.ntpTimestamp());
                    route.layer.lastSrArrivalMillis = nowMillis;
                }
            }
        }
    }

    void sendPli(int mediaSsrc) {
        counters.pliOut++;
        int n = ReceiverReport.write(rtcpOut, 0, rtcpOut.length, rtcpSsrc, List.of());
        n += PictureLossIndication.write(rtcpOut, n, rtcpOut.length - n, rtcpSsrc, mediaSsrc);
        peer.sendRtcp(rtcpOut, 0, n);
    }

    /** Every ~20 ms: NACK what is missing, and transport-cc feedback every 50 ms. */
    void tickNacks(long nowMillis) {
        if (transportCcExt > 0) {
            int media = receivers.isEmpty() || !receivers.get(0).layers[0].ssrcKnown ? 0 : receivers.get(0).layers[0].ssrc;
            int n = ReceiverReport.write(rtcpOut, 0, rtcpOut.length, rtcpSsrc, List.of());
            int m = twcc.write(rtcpOut, n, rtcpOut.length - MediaPeer.SRTP_TRAILER - n, rtcpSsrc, media, System.nanoTime() / 1000);
            if (m > 0) {
                peer.sendRtcp(rtcpOut, 0, n + m);
            }
        }
        for (Receiver r : receivers) {
            for (Layer l : r.layers) {
                if (!l.ssrcKnown || l.nacks.missing() == 0) {
                    continue;
                }
                int count = l.nacks.due(l.highestSeq, nowMillis, nackSeqs);
                if (count == 0) {
                    continue;
                }
                int entries = GenericNack.toFci(nackSeqs, count, fci);
                int n = ReceiverReport.write(rtcpOut, 0, rtcpOut.length, rtcpSsrc, List.of());
                int m = GenericNack.write(rtcpOut, n, rtcpOut.length - n, rtcpSsrc, l.ssrc, fci, entries);
                if (m > 0) {
                    counters.nackOut++;
                    peer.sendRtcp(rtcpOut, 0, n + m);
                }
            }
        }
    }

    /** Every second: a receiver report for every live layer and a REMB for the video layers. */
    void tickReports(long nowMillis) {
        List<ReportBlock> blocks = new ArrayList<>();
        int[] videoSsrcs = new int[32];
        int video = 0;
        for (Receiver r : receivers) {
            for (Layer l : r.layers) {
                if (!l.ssrcKnown || blocks.size() == RtcpHeader.MAX_COUNT) {
                    continue;
                }
                blocks.add(reportBlock(l, nowMillis));
                if (r.info.kind() == MediaKind.VIDEO && video < videoSsrcs.length) {
                    videoSsrcs[video++] = l.ssrc;
                }
            }
        }
        int n = ReceiverReport.write(rtcpOut, 0, rtcpOut.length, rtcpSsrc, blocks);
        if (video > 0) {
            n += Math.max(0, Remb.write(rtcpOut, n, rtcpOut.length - n, rtcpSsrc, maxBitrate, videoSsrcs, video));
        }
        peer.sendRtcp(rtcpOut, 0, n);
    }

    private static ReportBlock reportBlock(Layer l, long nowMillis) {
        long expected = l.highestSeq - l.baseSeq + 1;
        long lost = Math.max(0, expected - l.received);
        long expectedInterval = expected - l.expectedPrior;
        long receivedInterval = l.received - l.receivedPrior;
        l.expectedPrior = expected;
        l.receivedPrior = l.received;
        long lostInterval = expectedInterval - receivedInterval;
        int fraction = expectedInterval <= 0 || lostInterval <= 0 ? 0 : (int) ((lostInterval << 8) / expectedInterval);
        l.lastFractionLost = Math.min(fraction, 255);
        int dlsr = l.lastSrArrivalMillis == 0 ? 0 : (int) ((nowMillis - l.lastSrArrivalMillis) * 65536 / 1000);
        return new ReportBlock(l.ssrc, Math.min(fraction, 255), (int) Math.min(lost, 0x7FFFFF), (int) l.highestSeq,
                (int) l.jitter, l.lastSrNtp, dlsr);
    }

    void close() {
        for (Receiver r : receivers) {
            r.close();
        }
    }
}
