package io.atrium.server.sfu;

import io.atrium.server.transport.MediaPeer;
import io.atrium.server.transport.MediaTransport;
import io.atrium.server.transport.PeerOwner;
import io.atrium.webrtc.dtls.DtlsFingerprint;
import io.atrium.webrtc.ice.HostCandidate;
import io.atrium.webrtc.sdp.AnswerBuilder;
import io.atrium.webrtc.sdp.Candidate;
import io.atrium.webrtc.sdp.Codec;
import io.atrium.webrtc.sdp.CodecCapability;
import io.atrium.webrtc.sdp.Direction;
import io.atrium.webrtc.sdp.Fingerprint;
import io.atrium.webrtc.sdp.IceCredentials;
import io.atrium.webrtc.sdp.LocalCapabilities;
import io.atrium.webrtc.sdp.LocalSource;
import io.atrium.webrtc.sdp.LocalTransport;
import io.atrium.webrtc.sdp.MediaDescription;
import io.atrium.webrtc.sdp.Msid;
import io.atrium.webrtc.sdp.RidDirection;
import io.atrium.webrtc.sdp.SdpException;
import io.atrium.webrtc.sdp.SessionDescription;
import io.atrium.webrtc.sdp.SsrcGroup;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns an SDP offer into a media peer and its answer: for a publisher, the tracks it will send
 * ({@link TrackInfo}); for a subscriber, which room track each receive-only m-line carries
 * ({@link Subscription}). Atrium answers as an ICE-lite, DTLS-passive, BUNDLE-only, rtcp-mux SFU.
 * Every problem with the offer is an {@link SdpException} whose message can go back to the client; an
 * offer or sender beyond {@link MediaLimits} is a {@link MediaLimitException} (400 or 429), checked
 * here because every way into media (WHIP, WHEP, join_room, subscribe_room) negotiates here.
 */
public final class Negotiator {

    /** Codecs Atrium forwards, with the feedback it implements: transport-cc (with REMB as fallback), NACK, PLI, FIR. */
    static final List<String> VIDEO_FEEDBACK = List.of("goog-remb", "transport-cc", "ccm fir", "nack", "nack pli");
    static final Set<String> EXTENSIONS = Set.of(LocalCapabilities.EXT_MID, LocalCapabilities.EXT_RID,
            LocalCapabilities.EXT_REPAIRED_RID, LocalCapabilities.EXT_AUDIO_LEVEL, LocalCapabilities.EXT_ABS_SEND_TIME,
            LocalCapabilities.EXT_TRANSPORT_CC, LocalCapabilities.EXT_DEPENDENCY_DESCRIPTOR);
    private static final String CNAME = "atrium";

    private final MediaTransport transport;
    /** Every shard's transport (this one's included): the peers still connecting are counted over all of them. */
    private final List<MediaTransport> all;
    private final MediaLimits limits;
    private final SecureRandom random = new SecureRandom();

    public Negotiator(MediaTransport transport, MediaLimits limits) {
        this(transport, limits, List.of(transport));
    }

    Negotiator(MediaTransport transport, MediaLimits limits, List<MediaTransport> all) {
        this.transport = transport;
        this.all = all;
        this.limits = limits;
    }

    /** A negotiated peer and the SDP answer to send back. */
    public record Negotiated<T>(MediaPeer peer, String answer, List<T> items) {
    }

    /** Negotiates a publisher; the peer is not yet attached to a router. */
    public Negotiated<TrackInfo> publish(String offerText, PeerOwner owner) {
        return publish(offerText, null, owner);
    }

    /**
     * Negotiates a publisher, reusing {@code current} when the offer comes from the same peer
     * connection (same ICE ufrag: a renegotiation); otherwise a new peer is made for {@code owner}.
     * An offer beyond {@link MediaLimits} is a {@link MediaLimitException}.
     */
    public Negotiated<TrackInfo> publish(String offerText, MediaPeer current, PeerOwner owner) {
        SessionDescription offer = SessionDescription.parse(offerText);
        limits.checkOffer(offer, true);
        MediaPeer peer = peerFor(offer, current, owner);
        try {
            AnswerBuilder builder = new AnswerBuilder(offer, capabilities(), localTransport(peer));
            for (MediaDescription m : offer.media()) {
                m.mid().filter(mid -> !isMedia(m) || !offer.direction(m).sends()).ifPresent(builder::reject);
                m.mid().filter(mid -> isMedia(m) && offer.direction(m).sends())
                        .ifPresent(mid -> builder.direction(mid, Direction.RECVONLY));
            }
            SessionDescription answer = builder.build();
            List<TrackInfo> tracks = new ArrayList<>();
            for (MediaDescription a : answer.media()) {
                if (a.isRejected() || a.mid().isEmpty()) {
                    continue;
                }
                MediaDescription o = offer.mediaByMid(a.mid().get()).orElseThrow();
                tracks.add(track(peer.id() + "-" + a.mid().get(), o, a));
            }
            if (tracks.isEmpty()) {
                throw new SdpException("the offer has no audio or video that Atrium can receive"
                        + " (send Opus audio or VP8, H.264, VP9 or AV1 video)");
            }
            return new Negotiated<>(peer, answer.write(), tracks);
        } catch (RuntimeException e) {
            if (peer != current) {
                peer.close("negotiation failed");
            }
            throw e;
        }
    }

    /** What a receive-only m-line should carry, and at what size. */
    public record Pick(Receiver receiver, int width, int height) {
    }

    /**
     * Negotiates a subscriber (WHEP): each receive-only audio or video m-line gets the next room track
     * of its kind from {@code available}, in order; m-lines without one are answered inactive.
     */
    public Negotiated<Subscription> subscribe(String offerText, List<Receiver> available, int width, int height, PeerOwner owner) {
        return subscribe(offerText, null, Map.of(), available, width, height, new HashMap<>(), owner);
    }

    /**
     * Negotiates a subscriber: m-lines named in {@code picks} carry that track; the others take the
     * next track of their kind from {@code fallback}; the rest are inactive. {@code current} is reused
     * for an offer from the same peer connection, and {@code sources} (mid → SSRCs) keeps each mid's
     * SSRCs stable across renegotiations (it is updated).
     */
    public Negotiated<Subscription> subscribe(String offerText, MediaPeer current, Map<String, Pick> picks,
                                              List<Receiver> fallback, int width, int height, Map<String, LocalSource> sources,
                                              PeerOwner owner) {
        SessionDescription offer = SessionDescription.parse(offerText);
        limits.checkOffer(offer, false);
        long receiveCap = offer.bandwidth().orElse(0);
        MediaPeer peer = peerFor(offer, current, owner);
        try {
            AnswerBuilder builder = new AnswerBuilder(offer, capabilities(), localTransport(peer));
            List<Receiver> free = new ArrayList<>(fallback);
            picks.values().forEach(p -> free.remove(p.receiver()));
            Map<String, Pick> assigned = new HashMap<>();
            for (MediaDescription m : offer.media()) {
                if (m.mid().isEmpty()) {
                    continue;
                }
                String mid = m.mid().get();
                if (!isMedia(m)) {
                    builder.reject(mid);
                    continue;
                }
                if (!offer.direction(m).receives()) {
                    // a slot the client parked (inactive) stays in the BUNDLE group: rejecting it with port 0
                    // would stop its transceiver for good and, for the first slot, move the BUNDLE tag, which
                    // Chromium refuses ("Failed to setup RTCP mux")
                    builder.direction(mid, Direction.INACTIVE);
                    continue;
                }
                Pick pick = picks.get(mid);
                if (pick != null && (pick.receiver().info.kind() != MediaKind.of(m.media()) || !offersCodec(m, pick.receiver().info))) {
                    pick = null;
                }
                if (pick == null) {
                    pick = free.stream().filter(r -> r.info.kind() == MediaKind.of(m.media()) && offersCodec(m, r.info))
                            .findFirst().map(r -> new Pick(r, width, height)).orElse(null);
                }
                if (pick == null) {
                    builder.direction(mid, Direction.INACTIVE);
                    continue;
                }
                free.remove(pick.receiver());
                assigned.put(mid, pick);
                Receiver r = pick.receiver();
                LocalSource previous = sources.get(mid);
                long ssrc = previous != null ? previous.ssrc() : random.nextInt() & 0xFFFFFFFFL;
                long rtx = r.info.kind() != MediaKind.VIDEO ? LocalSource.NO_RTX
                        : previous != null && previous.rtxSsrc() != LocalSource.NO_RTX ? previous.rtxSsrc() : random.nextInt() & 0xFFFFFFFFL;
                LocalSource source = new LocalSource(ssrc, rtx, CNAME, new Msid(r.publisherId(), r.info.id()));
                sources.put(mid, source);
                builder.direction(mid, Direction.SENDONLY).localSource(mid, source);
            }
            SessionDescription answer = builder.build();
            List<Subscription> subs = new ArrayList<>();
            for (MediaDescription a : answer.media()) {
                Pick pick = a.mid().map(assigned::get).orElse(null);
                if (pick == null || a.isRejected()) {
                    continue;
                }
                Receiver r = pick.receiver();
                Codec codec = a.codecs().stream().filter(c -> !c.isRtx() && sameCodec(c, r.info)).findFirst()
                        .orElseThrow(() -> new SdpException("m-line " + a.mid().get() + " does not accept " + r.info.codec()));
                LocalSource s = sources.get(a.mid().get());
                boolean rtx = codec.rtxPayloadType().isPresent() && s.rtxSsrc() != LocalSource.NO_RTX;
                subs.add(new Subscription(r, (int) s.ssrc(), codec.payloadType(), rtx ? (int) s.rtxSsrc() : 0,
                        rtx ? codec.rtxPayloadType().getAsInt() : -1, CNAME, pick.width(), pick.height(),
                        a.extmapId(LocalCapabilities.EXT_TRANSPORT_CC).orElse(0), redPayloadType(a), receiveCap,
                        a.extmapId(LocalCapabilities.EXT_DEPENDENCY_DESCRIPTOR).orElse(0)));
            }
            return new Negotiated<>(peer, answer.write(), subs);
        } catch (RuntimeException e) {
            if (peer != current) {
                peer.close("negotiation failed");
            }
            throw e;
        }
    }

    private MediaPeer peerFor(SessionDescription offer, MediaPeer current, PeerOwner owner) {
        if (current != null && !current.isClosed()) {
            MediaDescription first = offer.media().stream().filter(m -> !m.isRejected()).findFirst().orElse(null);
            String ufrag = first == null ? null : offer.iceCredentials(first).map(IceCredentials::ufrag).orElse(null);
            if (current.remoteUfrag().equals(ufrag)) {
                return current;
            }
        }
        return createPeer(offer, owner);
    }

    private MediaPeer createPeer(SessionDescription offer, PeerOwner owner) {
        MediaDescription first = offer.media().stream().filter(m -> !m.isRejected()).findFirst()
                .orElseThrow(() -> new SdpException("the offer has no media section"));
        IceCredentials ice = offer.iceCredentials(first)
                .orElseThrow(() -> new SdpException("the offer has no a=ice-ufrag/a=ice-pwd"));
        Fingerprint fp = offer.fingerprints(first).stream().findFirst()
                .orElseThrow(() -> new SdpException("the offer has no a=fingerprint"));
        DtlsFingerprint remote = DtlsFingerprint.parse(fp.attributeValue())
                .orElseThrow(() -> new SdpException("unsupported a=fingerprint " + fp.attributeValue()));
        synchronized (all) { // one count-then-create at a time over every shard, so concurrent offers cannot overshoot
            limits.checkPending(all.stream().flatMap(t -> t.peers().stream()).toList(), owner);
            return transport.createPeer(ice.ufrag(), remote, null, owner);
        }
    }

    private LocalTransport localTransport(MediaPeer peer) {
        var local = peer.localCredentials();
        List<Candidate> candidates = new ArrayList<>();
        for (HostCandidate c : transport.candidates()) {
            candidates.add(Candidate.host(c.foundation(), c.transport().sdpName(), c.address().getHostAddress(), c.port(),
                    c.localPreference()));
        }
        return LocalTransport.passive(new IceCredentials(local.ufrag(), local.password()),
                Fingerprint.parse(transport.fingerprint().toSdpValue()), candidates);
    }

    static LocalCapabilities capabilities() {
        List<CodecCapability> codecs = List.of(CodecCapability.opus(), CodecCapability.red(), video(CodecCapability.vp8()),
                video(CodecCapability.h264ConstrainedBaseline()), video(CodecCapability.vp9()), video(CodecCapability.av1()));
        return new LocalCapabilities(codecs, EXTENSIONS, false, 5000, 0);
    }

    private static CodecCapability video(CodecCapability c) {
        return new CodecCapability(c.name(), c.clockRate(), c.channels(), VIDEO_FEEDBACK, c.rtx(), c.parameters());
    }

    private static boolean isMedia(MediaDescription m) {
        return !m.isRejected() && (m.media().equals("audio") || m.media().equals("video"));
    }

    private static boolean offersCodec(MediaDescription m, TrackInfo t) {
        return m.codecs().stream().anyMatch(c -> !c.isRtx() && sameCodec(c, t));
    }

    private static boolean sameCodec(Codec c, TrackInfo t) {
        return c.name().equalsIgnoreCase(t.codec()) && c.clockRate() == t.clockRate();
    }

    /** The payload type of RED (RFC 2198) in an answered m-line, -1 without (the answer keeps it only around an accepted codec). */
    private static int redPayloadType(MediaDescription answered) {
        return answered.codecs().stream().filter(c -> c.is(CodecCapability.RED)).mapToInt(Codec::payloadType).findFirst().orElse(-1);
    }

    private static TrackInfo track(String id, MediaDescription offered, MediaDescription answered) {
        Codec codec = answered.codecs().stream().filter(c -> !c.isRtx() && !c.is(CodecCapability.RED)).findFirst()
                .orElseThrow(() -> new SdpException("m-line " + answered.mid().orElse("?") + " has no codec Atrium supports"));
        int rtxPt = codec.rtxPayloadType().orElse(-1);
        List<String> rids = answered.rids().stream().filter(r -> r.direction() == RidDirection.RECV).map(r -> r.id()).toList();
        List<Long> ssrcs = new ArrayList<>();
        List<Long> rtxSsrcs = new ArrayList<>();
        Map<Long, Long> fid = new HashMap<>();
        offered.ssrcGroups().stream().filter(g -> g.semantics().equals(SsrcGroup.FID) && g.ssrcs().size() == 2)
                .forEach(g -> fid.put(g.ssrcs().get(0), g.ssrcs().get(1)));
        Optional<SsrcGroup> sim = offered.ssrcGroups().stream().filter(g -> g.semantics().equals(SsrcGroup.SIM)).findFirst();
        if (rids.isEmpty()) {
            List<Long> primaries = sim.map(SsrcGroup::ssrcs).orElseGet(() -> offered.ssrcs().stream()
                    .map(MediaDescription.SsrcDescription::ssrc).filter(s -> !fid.containsValue(s)).limit(1).toList());
            for (Long s : primaries.subList(0, Math.min(1, primaries.size()))) {
                ssrcs.add(s);
                rtxSsrcs.add(fid.getOrDefault(s, 0L));
            }
        }
        return new TrackInfo(id, MediaKind.of(answered.media()), answered.mid().orElseThrow(), codec.name(), codec.clockRate(),
                codec.payloadType(), rtxPt, rids, ssrcs, rtxSsrcs,
                answered.extmapId(LocalCapabilities.EXT_MID).orElse(0), answered.extmapId(LocalCapabilities.EXT_RID).orElse(0),
                answered.extmapId(LocalCapabilities.EXT_REPAIRED_RID).orElse(0),
                answered.extmapId(LocalCapabilities.EXT_AUDIO_LEVEL).orElse(0),
                answered.extmapId(LocalCapabilities.EXT_TRANSPORT_CC).orElse(0), redPayloadType(answered),
                answered.extmapId(LocalCapabilities.EXT_DEPENDENCY_DESCRIPTOR).orElse(0));
    }
}
