package io.atrium.webrtc.sdp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Writes the media sections of an SFU answer (RFC 8829 §5.3.1): codec and header extension
 * intersection, rid/simulcast mirroring (RFC 8851 §6, RFC 8853 §5.3), transport attributes, and
 * rejected sections (RFC 3264 §6).
 */
final class AnswerSection {

    private final LocalTransport transport;
    private final LocalCapabilities capabilities;

    AnswerSection(LocalTransport transport, LocalCapabilities capabilities) {
        this.transport = transport;
        this.capabilities = capabilities;
    }

    /**
     * Returns the offered codecs to keep, in the offer's order and with the offer's payload types:
     * each primary codec some capability matches, with its feedback narrowed to what the capability
     * allows, followed in m-line order by the RTX payload type associated with it when the capability
     * wants RTX.
     */
    static List<Codec> negotiateCodecs(MediaDescription m, List<CodecCapability> capabilities) {
        Map<Integer, Codec> kept = new LinkedHashMap<>();
        for (Codec c : m.codecs()) {
            if (c.isRtx()) {
                continue;
            }
            Optional<CodecCapability> cap = CodecCapability.find(capabilities, c);
            if (cap.isEmpty()) {
                continue;
            }
            List<RtcpFeedback> fb = new ArrayList<>();
            for (RtcpFeedback f : c.feedback()) {
                RtcpFeedback own = f.withPayloadType(c.payloadType());
                if (cap.get().allows(f) && !fb.contains(own)) {
                    fb.add(own);
                }
            }
            kept.put(c.payloadType(), new Codec(c.rtpmap(), c.fmtp(), c.parameters(), fb,
                    cap.get().rtx() ? c.rtxPayloadType() : OptionalInt.empty()));
            if (cap.get().rtx() && c.rtxPayloadType().isPresent()) {
                Codec rtx = m.codec(c.rtxPayloadType().getAsInt()).orElseThrow();
                kept.put(rtx.payloadType(), new Codec(rtx.rtpmap(), rtx.fmtp(), rtx.parameters(), List.of(),
                        rtx.rtxPayloadType()));
            }
        }
        kept.values().removeIf(c -> c.is(CodecCapability.RED) && !redundancyOfKept(c, kept));
        // RED first: a WebRTC sender (libwebrtc) sends redundancy only when the answer prefers it
        List<Codec> ordered = new ArrayList<>(kept.size());
        for (boolean red : new boolean[] {true, false}) {
            for (Codec c : m.codecs()) {
                Codec k = kept.get(c.payloadType());
                if (k != null && k.is(CodecCapability.RED) == red) {
                    ordered.add(k);
                }
            }
        }
        return ordered;
    }

    /** Whether a RED codec's fmtp ({@code 111/111}, RFC 2198 §5) names only payload types of codecs kept, not RED. */
    private static boolean redundancyOfKept(Codec red, Map<Integer, Codec> kept) {
        String[] types = red.fmtp().strip().split("/");
        for (String t : types) {
            Codec k = SdpText.isDigits(t) && t.length() <= 3 ? kept.get(Integer.parseInt(t)) : null;
            if (k == null || k.is(CodecCapability.RED) || k.isRtx()) {
                return false;
            }
        }
        return true;
    }

    /** A rejected section: port 0, the first offered format, and the offer's mid (RFC 8829 §5.3.1). */
    static MediaDescription rejected(MediaDescription m) {
        MediaLine offered = m.mediaLine();
        MediaDescription.Builder b = MediaDescription.builder(
                new MediaLine(offered.media(), 0, 1, offered.proto(), List.of(offered.formats().get(0))));
        b.add(ConnectionData.UNSPECIFIED_IP4.toLine());
        m.mid().ifPresent(mid -> b.attribute("mid", mid));
        return b.build();
    }

    /** An accepted RTP section. */
    MediaDescription rtp(MediaDescription m, Direction dir, LocalSource source, boolean withCandidates) {
        List<Codec> codecs = negotiateCodecs(m, capabilities.codecs());
        List<String> formats = new ArrayList<>(codecs.size());
        Set<Integer> primaries = new HashSet<>();
        boolean anyRtx = false;
        for (Codec c : codecs) {
            formats.add(Integer.toString(c.payloadType()));
            if (c.isRtx()) {
                anyRtx = true;
            } else {
                primaries.add(c.payloadType());
            }
        }
        MediaDescription.Builder b = begin(m, formats, withCandidates);
        b.add(SdpLine.attribute(dir.sdpName(), null));
        transportLines(b);
        b.flag("rtcp-mux");
        if (m.rtcpRsize()) {
            b.flag("rtcp-rsize");
        }
        String sendersCodec = codecs.stream().filter(c -> !c.isRtx() && !c.is(CodecCapability.RED)).findFirst()
                .map(Codec::name).orElse("");
        for (Extmap e : m.extmaps()) {
            boolean accepted = capabilities.headerExtensions().contains(e.uri())
                    && (dir.sends() || LocalCapabilities.receivedWith(e.uri(), sendersCodec));
            if (accepted) {
                b.add(new Extmap(e.id(), e.direction() == null ? null : e.direction().reverse(), e.uri(), ""));
            }
        }
        for (Codec c : codecs) {
            b.add(c.rtpmap());
            if (!c.fmtp().isEmpty()) {
                b.add(new Fmtp(Integer.toString(c.payloadType()), c.fmtp()));
            }
            for (RtcpFeedback f : c.feedback()) {
                b.add(f);
            }
        }
        if (source != null) {
            sourceLines(b, source, anyRtx);
        }
        ridLines(b, m, dir, primaries);
        if (withCandidates) {
            candidateLines(b);
        }
        return b.build();
    }

    /** An accepted data channel section (RFC 8841 §5, §6). */
    MediaDescription dataChannel(MediaDescription m, boolean withCandidates) {
        MediaDescription.Builder b = begin(m, m.mediaLine().formats(), withCandidates);
        transportLines(b);
        b.attribute("sctp-port", Integer.toString(capabilities.sctpPort()));
        b.attribute("max-message-size", Long.toString(capabilities.maxMessageSize()));
        if (withCandidates) {
            candidateLines(b);
        }
        return b.build();
    }

    /** The m= and c= lines (default destination: the first candidate, RFC 8839 §4.2.1.2) and a=mid. */
    private MediaDescription.Builder begin(MediaDescription m, List<String> formats, boolean withCandidates) {
        int port = 9;
        ConnectionData c = ConnectionData.UNSPECIFIED_IP4;
        if (!transport.candidates().isEmpty()) {
            Candidate first = transport.candidates().get(0);
            port = first.port();
            c = new ConnectionData("IN", first.address().indexOf(':') >= 0 ? "IP6" : "IP4", first.address());
        }
        MediaLine offered = m.mediaLine();
        MediaDescription.Builder b = MediaDescription.builder(
                new MediaLine(offered.media(), port, 1, offered.proto(), formats));
        b.add(c.toLine());
        b.attribute("mid", m.mid().orElseThrow());
        return b;
    }

    private void transportLines(MediaDescription.Builder b) {
        b.add(transport.ice().ufragLine());
        b.add(transport.ice().pwdLine());
        b.add(transport.fingerprint());
        b.add(transport.setup());
    }

    private void candidateLines(MediaDescription.Builder b) {
        for (Candidate c : transport.candidates()) {
            b.add(c);
        }
        b.flag("end-of-candidates");
    }

    private static void sourceLines(MediaDescription.Builder b, LocalSource s, boolean withRtx) {
        String msid = s.msid().attributeValue();
        b.add(s.msid());
        boolean rtx = withRtx && s.rtxSsrc() != LocalSource.NO_RTX;
        if (rtx) {
            b.add(new SsrcGroup(SsrcGroup.FID, List.of(s.ssrc(), s.rtxSsrc())));
        }
        b.add(new SsrcAttribute(s.ssrc(), "cname", s.cname()));
        b.add(new SsrcAttribute(s.ssrc(), "msid", msid));
        if (rtx) {
            b.add(new SsrcAttribute(s.rtxSsrc(), "cname", s.cname()));
            b.add(new SsrcAttribute(s.rtxSsrc(), "msid", msid));
        }
    }

    /**
     * Mirrors the offer's rids and simulcast (RFC 8853 §5.3): an offered {@code send} rid becomes a
     * {@code recv} rid when the answer receives, and vice versa; {@code pt=} keeps only accepted payload
     * types and a rid whose payload types were all refused is dropped.
     */
    private static void ridLines(MediaDescription.Builder b, MediaDescription m, Direction dir, Set<Integer> accepted) {
        Set<String> kept = new HashSet<>();
        for (Rid rid : m.rids()) {
            RidDirection mine = rid.direction().reverse();
            boolean allowed = mine == RidDirection.RECV ? dir.receives() : dir.sends();
            List<Integer> pts = new ArrayList<>();
            for (int pt : rid.payloadTypes()) {
                if (accepted.contains(pt)) {
                    pts.add(pt);
                }
            }
            if (allowed && (rid.payloadTypes().isEmpty() || !pts.isEmpty())) {
                b.add(rid.mirrored(pts));
                kept.add(mine.sdpName() + " " + rid.id());
            }
        }
        Optional<Simulcast> offered = m.simulcast();
        if (offered.isEmpty()) {
            return;
        }
        List<List<Simulcast.Layer>> send = keep(offered.get().recv(), RidDirection.SEND, kept);
        List<List<Simulcast.Layer>> recv = keep(offered.get().send(), RidDirection.RECV, kept);
        if (!send.isEmpty() || !recv.isEmpty()) {
            b.add(new Simulcast(send, recv));
        }
    }

    private static List<List<Simulcast.Layer>> keep(List<List<Simulcast.Layer>> streams, RidDirection mine,
            Set<String> kept) {
        List<List<Simulcast.Layer>> out = new ArrayList<>();
        for (List<Simulcast.Layer> alternatives : streams) {
            List<Simulcast.Layer> alt = new ArrayList<>();
            for (Simulcast.Layer l : alternatives) {
                if (kept.contains(mine.sdpName() + " " + l.rid())) {
                    alt.add(l);
                }
            }
            if (!alt.isEmpty()) {
                out.add(alt);
            }
        }
        return out;
    }
}
