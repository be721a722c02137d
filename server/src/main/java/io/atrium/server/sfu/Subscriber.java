package io.atrium.server.sfu;

import io.atrium.server.transport.MediaPeer;
import io.atrium.server.transport.MediaSink;
import io.atrium.webrtc.rtcp.FullIntraRequest;
import io.atrium.webrtc.rtcp.GenericNack;
import io.atrium.webrtc.rtcp.PictureLossIndication;
import io.atrium.webrtc.rtcp.RtcpCompound;
import io.atrium.webrtc.rtcp.RtcpHeader;
import io.atrium.webrtc.rtcp.Remb;
import io.atrium.webrtc.rtcp.TransportCcFeedback;
import io.atrium.webrtc.rtp.TransportSequenceExtension;
import io.atrium.server.sfu.bwe.BandwidthEstimator;
import io.atrium.server.sfu.bwe.SendHistory;
import java.util.ArrayList;
import java.util.List;

/**
 * A peer that receives tracks: owns its forwarders, turns its PLI/FIR into keyframe requests and its
 * NACKs into retransmissions, and sends it sender reports. Media thread only.
 */
final class Subscriber {

    private final MediaSink peer;
    private final IntMap<Forwarder> byOutSsrc = new IntMap<>();
    private final List<Forwarder> forwarders = new ArrayList<>();
    /**
     * What the streams whose publisher went away had sent, by SSRC: a member's old connection is closed before this
     * subscriber's slot is given the new one's track, and the new forwarder goes on with it ({@link #apply}).
     */
    private final IntMap<Forwarder.Numbering> ended = new IntMap<>();
    private final RtcpCompound compound = new RtcpCompound();
    private final PictureLossIndication pli = new PictureLossIndication();
    private final FullIntraRequest fir = new FullIntraRequest();
    private final GenericNack nack = new GenericNack();
    private final io.atrium.webrtc.rtcp.ReceiverReport rr = new io.atrium.webrtc.rtcp.ReceiverReport();
    /** From the subscriber's receiver reports: worst fraction lost (0-255) and round-trip time. Any thread. */
    volatile int fractionLost;
    /** The SFU's counters (set by the router; a private set for a subscriber made alone in a test). */
    SfuCounters counters = new SfuCounters();
    volatile int rttMillis = -1;
    private final int[] lost = new int[GenericNack.SEQUENCES_PER_ENTRY * 400]; // a 1500-byte NACK holds < 375 entries
    private final byte[] rtcpOut = new byte[1500 + MediaPeer.SRTP_TRAILER];
    private final TransportCcFeedback feedback = new TransportCcFeedback();
    private final Remb remb = new Remb();
    /** Id of the transport-wide sequence number extension toward this peer (same on every BUNDLEd m-line), 0 without. */
    int transportCcId;
    /** The most the peer wants to receive in all, bit/s, from its offer's {@code b=TIAS}/{@code b=AS}; 0 without. */
    long receiveCap;
    final SendHistory history = new SendHistory();
    final BandwidthEstimator bwe;
    /** The clock of send times and feedback, microseconds (a test sets its own). */
    java.util.function.LongSupplier micros = () -> System.nanoTime() / 1000;
    /** Most padding packets per {@link #pad} call (about 5 Mbit/s at a 20 ms tick). */
    static final int MAX_PADDING_PACKETS = 50;
    /** Allocation runs after feedback at most this often (and every second). */
    static final long ALLOCATION_INTERVAL_MILLIS = 200;
    private final Allocator allocator = new Allocator();
    private Allocator.Track[] tracks = new Allocator.Track[4];
    private long lastAllocationMillis;
    private long lastPadMillis;
    private long sentBytes;

    Subscriber(MediaSink peer) {
        this(peer, BandwidthEstimator.Limits.DEFAULT);
    }

    Subscriber(MediaSink peer, BandwidthEstimator.Limits limits) {
        this.peer = peer;
        this.bwe = new BandwidthEstimator(limits);
    }

    /**
     * Sends a rewritten packet {@code buf[0, len)}; with {@code transportSeqOffset >= 0} first writes the
     * next transport-wide sequence number there and remembers the send time and size for the feedback.
     */
    boolean send(byte[] buf, int len, int transportSeqOffset) {
        sentBytes += len;
        if (transportSeqOffset < 0) {
            return peer.sendRtp(buf, 0, len);
        }
        TransportSequenceExtension.write(buf, transportSeqOffset, history.nextSequence());
        if (!peer.sendRtp(buf, 0, len)) {
            return false;
        }
        long now = micros.getAsLong();
        history.sent(now, len);
        bwe.onSent(now);
        return true;
    }

    MediaSink peer() {
        return peer;
    }

    List<Forwarder> forwarders() {
        return forwarders;
    }

    private List<Subscription> wanted = List.of();

    /** The subscriptions the last negotiation promised; applied when the peer is connected. */
    void want(List<Subscription> subscriptions) {
        wanted = List.copyOf(subscriptions);
        transportCcId = wanted.stream().mapToInt(Subscription::transportCcId).filter(id -> id > 0).findFirst().orElse(0);
        receiveCap = wanted.stream().mapToLong(Subscription::receiveCap).filter(c -> c > 0).findFirst().orElse(0);
    }

    /** Makes the forwarders match {@link #want}: keeps unchanged streams, adds new ones, drops the rest. */
    void apply(long nowMillis) {
        List<Forwarder> keep = new ArrayList<>();
        for (Subscription s : wanted) {
            Forwarder f = byOutSsrc.get(s.ssrc());
            if (f != null && f.receiver == s.receiver()) {
                f.target(s.width(), s.height());
                keep.add(f);
                continue;
            }
            // the stream shows another receiver now (its member's new connection): it goes on where it stopped
            Forwarder.Numbering sent = f != null ? f.numbering() : ended.get(s.ssrc());
            if (f != null) {
                removeForwarder(f);
            }
            Forwarder created = new Forwarder(s.receiver(), this, s.ssrc(), s.payloadType(), s.rtxSsrc(), s.rtxPayloadType(),
                    s.redPayloadType(), s.cname(), s.dependencyDescriptorId());
            if (sent != null) {
                created.continueFrom(sent);
            }
            created.target(s.width(), s.height());
            addForwarder(created);
            created.selectLayer(nowMillis);
            s.receiver().requestKeyframe(Math.max(0, created.pending), nowMillis);
            keep.add(created);
        }
        for (Forwarder f : List.copyOf(forwarders)) {
            if (!keep.contains(f)) {
                removeForwarder(f);
            }
        }
        ended.clear();
        allocate(nowMillis);
    }

    void addForwarder(Forwarder f) {
        forwarders.add(f);
        byOutSsrc.put(f.ssrc, f);
        f.receiver.addForwarder(f);
    }

    /** {@code f}'s publisher went away: the stream stops, and what it sent is kept until the next {@link #apply}. */
    void publisherGone(Forwarder f) {
        Forwarder.Numbering sent = f.numbering();
        if (sent != null) {
            ended.put(f.ssrc, sent);
        }
        removeForwarder(f);
    }

    void removeForwarder(Forwarder f) {
        forwarders.remove(f);
        byOutSsrc.remove(f.ssrc);
        f.receiver.removeForwarder(f);
    }

    void onRtcp(byte[] buf, int off, int len, long nowMillis) {
        if (!compound.wrap(buf, off, len)) {
            return;
        }
        while (compound.next()) {
            int type = compound.packetType();
            int fmt = compound.count();
            int poff = compound.packetOffset();
            int plen = compound.packetLength();
            if (type == RtcpHeader.PSFB && fmt == RtcpHeader.FMT_PLI && pli.wrap(buf, poff, plen)) {
                counters.pliIn++;
                keyframe(pli.mediaSsrc(), nowMillis);
            } else if (type == RtcpHeader.PSFB && fmt == RtcpHeader.FMT_FIR && fir.wrap(buf, poff, plen)) {
                counters.firIn++;
                for (int i = 0; i < fir.entryCount(); i++) {
                    keyframe(fir.ssrc(i), nowMillis);
                }
            } else if (type == RtcpHeader.RR && rr.wrap(buf, poff, plen)) {
                onReceiverReport(buf, nowMillis);
            } else if (type == RtcpHeader.RTPFB && fmt == RtcpHeader.FMT_TRANSPORT_CC && feedback.wrap(buf, poff, plen)) {
                bwe.onFeedback(feedback, history, micros.getAsLong());
                if (nowMillis - lastAllocationMillis >= ALLOCATION_INTERVAL_MILLIS) {
                    allocate(nowMillis);
                }
            } else if (type == RtcpHeader.PSFB && fmt == RtcpHeader.FMT_AFB && remb.wrap(buf, poff, plen)) {
                bwe.onRemb(remb.bitrate(), micros.getAsLong());
            } else if (type == RtcpHeader.RTPFB && fmt == RtcpHeader.FMT_NACK && nack.wrap(buf, poff, plen)) {
                counters.nackIn++;
                Forwarder f = byOutSsrc.get(nack.mediaSsrc());
                if (f != null) {
                    f.retransmit(lost, nack.lostSequenceNumbers(lost));
                }
            }
        }
    }

    private void onReceiverReport(byte[] buf, long nowMillis) {
        int worstLoss = 0;
        int rtt = -1;
        int nowMiddle = Ntp.middle(Ntp.fromMillis(nowMillis));
        for (int i = 0; i < rr.reportCount(); i++) {
            int off = rr.reportBlockOffset(i);
            if (byOutSsrc.get(io.atrium.webrtc.rtcp.ReportBlock.ssrc(buf, off)) == null) {
                continue;
            }
            worstLoss = Math.max(worstLoss, io.atrium.webrtc.rtcp.ReportBlock.fractionLost(buf, off));
            int lsr = io.atrium.webrtc.rtcp.ReportBlock.lastSr(buf, off);
            int dlsr = io.atrium.webrtc.rtcp.ReportBlock.delaySinceLastSr(buf, off);
            if (lsr != 0) {
                long units = (nowMiddle - lsr - dlsr) & 0xFFFFFFFFL;
                if (units < 65536L * 10) {
                    rtt = Math.max(rtt, (int) (units * 1000 / 65536));
                }
            }
        }
        fractionLost = worstLoss;
        if (rtt >= 0) {
            rttMillis = rtt;
            bwe.rtt(rtt);
        }
    }

    private void keyframe(int ssrc, long nowMillis) {
        Forwarder f = byOutSsrc.get(ssrc);
        if (f != null) {
            f.receiver.requestKeyframe(f.current >= 0 ? f.current : Math.max(0, f.pending), nowMillis);
        }
    }

    MediaStats.Estimate estimate() {
        return new MediaStats.Estimate(bwe.hasEstimate() ? bwe.estimate() : -1, bwe.ackedBps(), bwe.lossFraction(),
                bwe.signal().name().toLowerCase(java.util.Locale.ROOT), bwe.feedbacks(), receiveCap);
    }

    /** Every second: re-allocate layers and send an SR + SDES per started stream. */
    void tick(long nowMillis) {
        allocate(nowMillis);
        for (Forwarder f : forwarders) {
            int n = f.writeSenderReport(rtcpOut, 0, rtcpOut.length - MediaPeer.SRTP_TRAILER, nowMillis);
            if (n > 0) {
                peer.sendRtcp(rtcpOut, 0, n);
            }
        }
    }

    /**
     * Shares the estimate among the video forwarders ({@link Allocator}), or the peer's {@link #receiveCap} when
     * that is lower; with neither (no transport-cc feedback or REMB from this peer yet, no cap) every track gets the
     * layer its size asks for. When a track gets less than it wants and the estimate, not the cap, is what limits it,
     * asks the estimator for a probe toward what all want (never above the cap), sooner while a track is suspended; a
     * track that wants a higher layer than before (or is new, or live again) cuts the wait after failed probes short.
     */
    void allocate(long nowMillis) {
        lastAllocationMillis = nowMillis;
        int n = 0;
        boolean demandRose = false;
        long audio = 0;
        for (int i = 0; i < forwarders.size(); i++) { // indexed: no iterator on the media thread
            Forwarder f = forwarders.get(i);
            if (f.receiver.info.kind() != MediaKind.VIDEO) {
                audio += f.receiver.layers[0].bitrate;
                continue;
            }
            if (tracks.length <= n) {
                tracks = java.util.Arrays.copyOf(tracks, Math.max(4, n * 2));
            }
            Allocator.Track t = f.allocation;
            tracks[n++] = t;
            t.priority = f.receiver.priority();
            t.resolutionFirst = t.priority == Receiver.PRIORITY_SCREEN;
            t.area = f.targetArea();
            int wantedBefore = t.wanted;
            t.wanted = f.wantedLayer(nowMillis);
            demandRose |= t.wanted > wantedBefore; // a new track, a larger tile, a track live again
            t.currentTemporal = f.temporalCurrent;
            if (f.svc()) { // the spatial layers of one VP9 SVC stream stand for the layers: SID 0..s, cumulative
                Layer layer = f.receiver.layers[0];
                t.current = f.current < 0 ? -1 : f.spatialLayer();
                t.layers = Math.min(Allocator.MAX_LAYERS, layer.keyframes.spatialLayers());
                for (int l = 0; l < t.layers; l++) {
                    t.rates[l] = layer.isAvailable(nowMillis) ? layer.spatialBitrate[l][Allocator.MAX_TEMPORAL - 1] : -1;
                    t.widths[l] = layer.keyframes.spatialWidth(l);
                    t.temporalLayers[l] = layer.temporalLayers;
                    System.arraycopy(layer.spatialBitrate[l], 0, t.temporalRates[l], 0, Allocator.MAX_TEMPORAL);
                }
                continue;
            }
            t.current = f.current;
            t.layers = Math.min(Allocator.MAX_LAYERS, f.receiver.layers.length);
            for (int l = 0; l < t.layers; l++) {
                Layer layer = f.receiver.layers[l];
                t.rates[l] = layer.isAvailable(nowMillis) ? layer.bitrate : -1;
                t.widths[l] = layer.keyframes.width();
                t.temporalLayers[l] = layer.temporalLayers;
                System.arraycopy(layer.temporalBitrate, 0, t.temporalRates[l], 0, Allocator.MAX_TEMPORAL);
            }
        }
        long cap = receiveCap > 0 ? receiveCap : Long.MAX_VALUE;
        long limit = bwe.hasEstimate() ? Math.min(bwe.estimate(), cap) : cap;
        long budget = limit == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, limit - audio);
        long capBudget = cap == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, cap - audio);
        long desired = allocator.allocate(tracks, n, budget, capBudget, nowMillis);
        boolean suspended = false; // a track gets nothing, or a share more than fits: probe soon
        for (int i = 0; i < forwarders.size(); i++) {
            Forwarder f = forwarders.get(i);
            if (f.receiver.info.kind() == MediaKind.VIDEO) {
                suspended |= f.allocation.suspended || f.allocation.overBudget;
                f.allocate(f.allocation.allowed, f.allocation.allowedTemporal, nowMillis);
                if (f.receiver.pausedUpstream(f.allocation.allowed)) {
                    f.receiver.updateUpstream(nowMillis); // dynacast: resume a paused layer at once
                }
            }
        }
        if (demandRose) {
            bwe.demandRose();
        }
        if (bwe.hasEstimate() && desired + audio > bwe.estimate() && bwe.estimate() < cap && paddingForwarder() != null) {
            bwe.startProbe(Math.min(cap, Math.min((desired + audio) * 3 / 2, 2 * bwe.estimate())), suspended, micros.getAsLong());
        }
    }

    /**
     * Every {@link Sfu#NACK_TICK_MILLIS}: when the peer's transport-cc feedback has gone silent while it was sent
     * packets and the estimator lowered its estimate for it ({@link BandwidthEstimator#checkSilence}), re-allocates
     * at once (no feedback comes to trigger it).
     */
    void checkSilence(long nowMillis) {
        if (bwe.checkSilence(micros.getAsLong())) {
            allocate(nowMillis);
        }
    }

    /**
     * Every {@link Sfu#NACK_TICK_MILLIS} while the estimator probes: pads what was sent since the last call
     * up to the probe's rate with padding-only RTX packets (RFC 4588; they carry transport-wide sequence
     * numbers like media, and receivers drop them).
     */
    void pad(long nowMillis) {
        long goal = bwe.probeGoal();
        long elapsed = nowMillis - lastPadMillis;
        long sent = sentBytes;
        lastPadMillis = nowMillis;
        sentBytes = 0;
        if (goal <= 0 || elapsed <= 0 || elapsed > 200) {
            return;
        }
        Forwarder f = paddingForwarder();
        if (f == null) {
            return;
        }
        long missing = goal * elapsed / 8000 - sent;
        for (int i = 0; i < MAX_PADDING_PACKETS && missing > 0; i++) {
            int len = f.writePadding(rtcpOut);
            if (len < 0 || !send(rtcpOut, len, f.paddingTransportSeqOffset())) {
                break;
            }
            missing -= len;
        }
        sentBytes = 0; // the padding just sent is not media: the next call counts from here
    }

    /** A started video forwarder with RTX, whose RTX stream can carry padding; null if none. */
    private Forwarder paddingForwarder() {
        if (transportCcId <= 0) {
            return null;
        }
        for (int i = 0; i < forwarders.size(); i++) {
            Forwarder f = forwarders.get(i);
            if (f.canPad()) {
                return f;
            }
        }
        return null;
    }

    void close() {
        for (Forwarder f : List.copyOf(forwarders)) {
            removeForwarder(f);
        }
    }
}
