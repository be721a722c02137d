package io.atrium.webrtc.sdp;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds the answer of an ICE-lite SFU to a WebRTC offer (JSEP answer generation, RFC 8829 §5.3.1;
 * offer/answer rules, RFC 3264 §6).
 *
 * <pre>
 *  offer                                  answer
 *  a=group:BUNDLE 0 1 2                   a=group:BUNDLE 0 1        (accepted mids, offer order)
 *                                         a=ice-lite
 *  m=audio 9 ... 111 63 9 0               m=audio 9 ... 111         (codecs intersected, offer PTs and order)
 *  a=sendrecv                             a=recvonly / as the caller decides per mid
 *  a=extmap:4 urn:...:sdes:mid            a=extmap:4 urn:...:sdes:mid (supported URIs, offer ids)
 *  m=video ... 96 97 (97 rtx apt=96)      m=video ... 96 97         (RTX kept with its primary)
 *  a=rid:h send / a=simulcast:send h;f    a=rid:h recv / a=simulcast:recv h;f
 *  m=application ... webrtc-datachannel   m=application 0 ...       (when data channels are refused)
 * </pre>
 *
 * Policy: every accepted RTP section must offer {@code a=rtcp-mux} (otherwise {@link SdpException});
 * sections with an unsupported proto, no common codec, port 0, or left out of the offer's BUNDLE group
 * are rejected with port 0; without a BUNDLE group only the first acceptable section is accepted,
 * because the SFU uses one transport per peer. Transport attributes and candidates come from
 * {@link LocalTransport}; candidates are written in the BUNDLE-tag section only.
 */
public final class AnswerBuilder {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<String> RTP_PROTOS = Set.of("UDP/TLS/RTP/SAVPF", "TCP/DTLS/RTP/SAVPF");
    private static final Set<String> SCTP_PROTOS = Set.of("UDP/DTLS/SCTP", "TCP/DTLS/SCTP");
    private static final String DATA_CHANNEL_FORMAT = "webrtc-datachannel";

    private final SessionDescription offer;
    private final LocalCapabilities capabilities;
    private final LocalTransport transport;
    private final Map<String, Direction> directions = new HashMap<>();
    private final Map<String, LocalSource> sources = new HashMap<>();
    private final Set<String> rejectedMids = new HashSet<>();
    private long sessionId = RANDOM.nextLong() & Long.MAX_VALUE;

    /**
     * @param offer        the parsed offer
     * @param capabilities what the SFU accepts
     * @param transport    the SFU's ICE credentials, fingerprint, candidates and DTLS role
     */
    public AnswerBuilder(SessionDescription offer, LocalCapabilities capabilities, LocalTransport transport) {
        this.offer = offer;
        this.capabilities = capabilities;
        this.transport = transport;
    }

    /** Sets the {@code o=} session id (random by default; RFC 8829 §5.2.1 asks for a random 63-bit value). */
    public AnswerBuilder sessionId(long id) {
        if (id < 0) {
            throw new SdpException("session id must not be negative");
        }
        this.sessionId = id;
        return this;
    }

    /**
     * Sets the answer direction of the section {@code mid} instead of the reverse of the offer's; it must be
     * allowed by the offer (RFC 3264 §6.1), e.g. sendonly for an offered sendrecv or recvonly.
     */
    public AnswerBuilder direction(String mid, Direction direction) {
        directions.put(mid, direction);
        return this;
    }

    /** Announces the stream the SFU sends in section {@code mid}; the answer direction must include sending. */
    public AnswerBuilder localSource(String mid, LocalSource source) {
        sources.put(mid, source);
        return this;
    }

    /** Rejects section {@code mid} with port 0. */
    public AnswerBuilder reject(String mid) {
        rejectedMids.add(mid);
        return this;
    }

    /**
     * Builds the answer.
     *
     * @throws SdpException when the offer cannot be answered (no rtcp-mux, missing ICE credentials or
     *                      fingerprint, incompatible DTLS role, ICE-lite offerer) or a caller choice is invalid
     */
    public SessionDescription build() {
        if (offer.iceLite()) {
            throw new SdpException("the offer is ICE-lite and so is the SFU; two ICE-lite agents cannot connect"
                    + " (RFC 8445 §2.5)");
        }
        checkCallerMids();
        List<MediaDescription> sections = offer.media();
        boolean[] accepted = new boolean[sections.size()];
        boolean anyAccepted = false;
        for (int i = 0; i < sections.size(); i++) {
            MediaDescription m = sections.get(i);
            boolean bundled = offer.hasBundle() ? offer.bundleMids().contains(m.mid().orElse("")) : !anyAccepted;
            accepted[i] = bundled && isAcceptable(i, m);
            if (accepted[i]) {
                checkTransport(i, m);
                anyAccepted = true;
            }
        }
        List<String> bundle = new ArrayList<>();
        for (String mid : offer.bundleMids()) {
            for (int i = 0; i < sections.size(); i++) {
                if (accepted[i] && sections.get(i).mid().orElse("").equals(mid)) {
                    bundle.add(mid);
                }
            }
        }
        int tag = -1;
        for (int i = 0; i < sections.size() && tag < 0; i++) {
            boolean isTag = bundle.isEmpty() || sections.get(i).mid().orElse("").equals(bundle.get(0));
            if (accepted[i] && isTag) {
                tag = i;
            }
        }
        SessionDescription.Builder answer = SessionDescription.builder(
                new Origin("-", Long.toString(sessionId), "2", "IN", "IP4", "127.0.0.1"));
        if (!bundle.isEmpty()) {
            answer.add(new Group(Group.BUNDLE, bundle));
        }
        answer.flag("ice-lite");
        if (offer.extmapAllowMixed() || sections.stream().anyMatch(MediaDescription::extmapAllowMixed)) {
            answer.flag("extmap-allow-mixed");
        }
        answer.attribute("msid-semantic", " WMS *");
        AnswerSection writer = new AnswerSection(transport, capabilities);
        for (int i = 0; i < sections.size(); i++) {
            MediaDescription m = sections.get(i);
            if (!accepted[i]) {
                answer.media(AnswerSection.rejected(m));
            } else if (m.media().equals("application")) {
                answer.media(writer.dataChannel(m, i == tag));
            } else {
                String mid = m.mid().orElseThrow();
                Direction dir = answerDirection(i, m);
                LocalSource source = sources.get(mid);
                if (source != null && !dir.sends()) {
                    throw new SdpException("a local source is set for mid " + mid + " but the answer direction "
                            + dir.sdpName() + " does not send");
                }
                answer.media(writer.rtp(m, dir, source, i == tag));
            }
        }
        return answer.build();
    }

    private void checkCallerMids() {
        Set<String> all = new HashSet<>(directions.keySet());
        all.addAll(sources.keySet());
        all.addAll(rejectedMids);
        for (String mid : all) {
            if (offer.mediaByMid(mid).isEmpty()) {
                throw new SdpException("the offer has no media section with a=mid:" + SdpException.excerpt(mid));
            }
        }
    }

    private static String describe(int index, MediaDescription m) {
        return "media section " + (index + 1) + " (m=" + m.media() + m.mid().map(x -> ", mid " + x).orElse("") + ")";
    }

    /** Decides whether a section can be accepted on its own merits (bundle membership aside). */
    private boolean isAcceptable(int index, MediaDescription m) {
        if (m.isRejected() || m.mid().map(rejectedMids::contains).orElse(false)) {
            return false;
        }
        String media = m.media();
        if (media.equals("application")) {
            boolean modern = SCTP_PROTOS.contains(m.mediaLine().proto())
                    && m.mediaLine().formats().contains(DATA_CHANNEL_FORMAT) && m.sctpPort().isPresent();
            return capabilities.dataChannels() && modern && requireMid(index, m);
        }
        if (!media.equals("audio") && !media.equals("video") || !RTP_PROTOS.contains(m.mediaLine().proto())) {
            return false;
        }
        requireMid(index, m);
        if (!m.rtcpMux()) {
            throw new SdpException(describe(index, m) + " does not offer a=rtcp-mux; RTP and RTCP must share"
                    + " one port (RFC 8829 §5.1.3, RFC 5761)");
        }
        return !AnswerSection.negotiateCodecs(m, capabilities.codecs()).isEmpty();
    }

    private static boolean requireMid(int index, MediaDescription m) {
        if (m.mid().isEmpty()) {
            throw new SdpException(describe(index, m) + " has no a=mid; WebRTC offers tag every section"
                    + " (RFC 8829 §5.2.1)");
        }
        return true;
    }

    private void checkTransport(int index, MediaDescription m) {
        if (offer.iceCredentials(m).isEmpty()) {
            throw new SdpException(describe(index, m) + " has no a=ice-ufrag and a=ice-pwd (RFC 8839 §5.4)");
        }
        if (offer.fingerprints(m).isEmpty()) {
            throw new SdpException(describe(index, m) + " has no a=fingerprint (RFC 8122 §5)");
        }
        Setup offered = offer.setup(m).orElse(Setup.ACTIVE);
        if (!transport.setup().isValidAnswerTo(offered)) {
            throw new SdpException(describe(index, m) + " offers a=setup:" + offered.sdpName()
                    + ", which leaves no DTLS role for an a=setup:" + transport.setup().sdpName() + " answer");
        }
    }

    private Direction answerDirection(int index, MediaDescription m) {
        Direction offered = offer.direction(m);
        Optional<Direction> chosen = Optional.ofNullable(directions.get(m.mid().orElseThrow()));
        Direction dir = chosen.orElse(offered.reverse());
        if (!dir.isValidAnswerTo(offered)) {
            throw new SdpException("answer direction " + dir.sdpName() + " for " + describe(index, m)
                    + " is not allowed for an offered " + offered.sdpName() + " (RFC 3264 §6.1)");
        }
        return dir;
    }
}
