package io.atrium.server.sfu;

import io.atrium.server.transport.MediaPeer;
import io.atrium.server.transport.MediaSink;
import io.atrium.webrtc.rtcp.FullIntraRequest;
import io.atrium.webrtc.rtcp.GenericNack;
import io.atrium.webrtc.rtcp.PictureLossIndication;
import io.atrium.webrtc.rtcp.RtcpCompound;
import io.atrium.webrtc.rtcp.RtcpHeader;
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

    Subscriber(MediaSink peer) {
        this.peer = peer;
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
            if (f != null) {
                removeForwarder(f);
            }
            Forwarder created = new Forwarder(s.receiver(), this, s.ssrc(), s.payloadType(), s.rtxSsrc(), s.rtxPayloadType(), s.cname());
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
    }

    void addForwarder(Forwarder f) {
        forwarders.add(f);
        byOutSsrc.put(f.ssrc, f);
        f.receiver.addForwarder(f);
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
        }
    }

    private void keyframe(int ssrc, long nowMillis) {
        Forwarder f = byOutSsrc.get(ssrc);
        if (f != null) {
            f.receiver.requestKeyframe(f.current >= 0 ? f.current : Math.max(0, f.pending), nowMillis);
        }
    }

    /** Every second: re-evaluate layers and send an SR + SDES per started stream. */
    void tick(long nowMillis) {
        for (Forwarder f : forwarders) {
            f.selectLayer(nowMillis);
            int n = f.writeSenderReport(rtcpOut, 0, rtcpOut.length - MediaPeer.SRTP_TRAILER, nowMillis);
            if (n > 0) {
                peer.sendRtcp(rtcpOut, 0, n);
            }
        }
    }

    void close() {
        for (Forwarder f : List.copyOf(forwarders)) {
            removeForwarder(f);
        }
    }
}
