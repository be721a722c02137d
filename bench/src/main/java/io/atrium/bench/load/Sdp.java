package io.atrium.bench.load;

import io.atrium.webrtc.peer.ClientPeer;
import io.atrium.webrtc.peer.RemoteDescription;
import io.atrium.webrtc.sdp.AnswerBuilder;
import io.atrium.webrtc.sdp.Candidate;
import io.atrium.webrtc.sdp.CodecCapability;
import io.atrium.webrtc.sdp.Direction;
import io.atrium.webrtc.sdp.Fingerprint;
import io.atrium.webrtc.sdp.IceCredentials;
import io.atrium.webrtc.sdp.LocalCapabilities;
import io.atrium.webrtc.sdp.LocalTransport;
import io.atrium.webrtc.sdp.MediaDescription;
import io.atrium.webrtc.sdp.SdpException;
import io.atrium.webrtc.sdp.SdpLine;
import io.atrium.webrtc.sdp.SessionDescription;
import io.atrium.webrtc.sdp.Setup;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;

/**
 * The SDP the load generator's peers write and read, on the {@code webrtc/} sdp package. Every description
 * carries the peer's one host candidate (needed by full-ICE servers such as Janus; ICE-lite Atrium ignores it)
 * and {@code a=setup:active}: the client is always the DTLS client.
 */
public final class Sdp {
    /** RFC 8445 section 5.1.2.1 host priority: type 126, local 65535, component 1. */
    static final long HOST_PRIORITY = (126L << 24) + (65535L << 8) + 255;

    private Sdp() {
    }

    private static String transport(ClientPeer peer) {
        InetSocketAddress a = peer.localAddress();
        return "c=IN IP4 " + a.getAddress().getHostAddress() + "\r\n"
                + "a=ice-ufrag:" + peer.localCredentials().ufrag() + "\r\n"
                + "a=ice-pwd:" + peer.localCredentials().password() + "\r\n"
                + "a=fingerprint:" + peer.localFingerprint().toSdpValue() + "\r\n"
                + "a=setup:active\r\na=rtcp-mux\r\n";
    }

    private static String candidate(ClientPeer peer) {
        InetSocketAddress a = peer.localAddress();
        return "a=candidate:1 1 udp " + HOST_PRIORITY + " " + a.getAddress().getHostAddress() + " " + a.getPort()
                + " typ host\r\na=end-of-candidates\r\n";
    }

    private static String session(int sections) {
        StringBuilder mids = new StringBuilder();
        for (int i = 0; i < sections; i++) {
            mids.append(' ').append(i);
        }
        return "v=0\r\no=- " + System.nanoTime() + " 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE" + mids
                + "\r\na=msid-semantic: WMS *\r\n";
    }

    private static String audioSection(ClientPeer peer, int mid, String direction, String ssrcLines) {
        return "m=audio 9 UDP/TLS/RTP/SAVPF " + Publisher.OPUS_PT + "\r\n" + transport(peer)
                + (mid == 0 ? candidate(peer) : "") + "a=mid:" + mid + "\r\na=" + direction + "\r\n"
                + "a=rtpmap:" + Publisher.OPUS_PT + " opus/48000/2\r\na=fmtp:" + Publisher.OPUS_PT
                + " minptime=10;useinbandfec=1\r\n" + ssrcLines;
    }

    private static String videoSection(ClientPeer peer, int mid, String direction, String ssrcLines) {
        int pt = Publisher.VP8_PT;
        return "m=video 9 UDP/TLS/RTP/SAVPF " + pt + "\r\n" + transport(peer)
                + (mid == 0 ? candidate(peer) : "") + "a=mid:" + mid + "\r\na=" + direction + "\r\n"
                + "a=rtpmap:" + pt + " VP8/90000\r\na=rtcp-fb:" + pt + " ccm fir\r\na=rtcp-fb:" + pt + " nack\r\n"
                + "a=rtcp-fb:" + pt + " nack pli\r\n" + ssrcLines;
    }

    private static String ssrc(int ssrc, String cname, String stream, String track) {
        String s = Integer.toUnsignedString(ssrc);
        return "a=msid:" + stream + " " + track + "\r\na=ssrc:" + s + " cname:" + cname + "\r\na=ssrc:" + s
                + " msid:" + stream + " " + track + "\r\n";
    }

    /**
     * A publisher's offer: Opus on mid 0 and, with video, VP8 on mid 1, both sendonly with their SSRCs; with
     * simulcast, the video as a browser offers it: mid and rid header extensions, one {@code a=rid} per layer and
     * {@code a=simulcast:send q;h;f}, no SSRC lines (the rid extension names each layer's SSRC).
     */
    public static String publisherOffer(ClientPeer peer, Publisher p) {
        String cname = "bench" + p.index();
        String stream = "s" + p.index();
        String text = session(p.profile().video() ? 2 : 1)
                + audioSection(peer, 0, "sendonly", ssrc(p.audio().ssrc(), cname, stream, "a" + p.index()));
        if (p.profile().simulcast()) {
            StringBuilder rids = new StringBuilder("a=msid:" + stream + " v" + p.index() + "\r\n"
                    + "a=extmap:" + Publisher.MID_EXT + " urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
                    + "a=extmap:" + Publisher.RID_EXT + " urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id\r\n");
            List<String> lowFirst = new java.util.ArrayList<>(MediaProfile.RIDS);
            java.util.Collections.reverse(lowFirst);
            lowFirst.forEach(rid -> rids.append("a=rid:").append(rid).append(" send\r\n"));
            rids.append("a=simulcast:send ").append(String.join(";", lowFirst)).append("\r\n");
            text += videoSection(peer, Integer.parseInt(Publisher.VIDEO_MID), "sendonly", rids.toString());
        } else if (p.profile().video()) {
            text += videoSection(peer, 1, "sendonly", ssrc(p.video().ssrc(), cname, stream, "v" + p.index()));
        }
        return check(text);
    }

    /**
     * A WHEP offer receiving {@code audio} audio tracks then {@code video} video tracks (Atrium gives each
     * m-line the next published track of its kind, oldest publisher first).
     */
    public static String subscriberOffer(ClientPeer peer, int audio, int video) {
        StringBuilder text = new StringBuilder(session(audio + video));
        for (int i = 0; i < audio; i++) {
            text.append(audioSection(peer, i, "recvonly", ""));
        }
        for (int i = 0; i < video; i++) {
            text.append(videoSection(peer, audio + i, "recvonly", ""));
        }
        return check(text.toString());
    }

    /**
     * Our answer to a server's offer (Janus subscribers): Opus and VP8 accepted (RTX kept when offered), every
     * section recvonly, our ICE credentials, fingerprint and host candidate, {@code a=setup:active}. Built with
     * {@link AnswerBuilder}, which writes an ICE-lite SFU's answer; as this client is a full ICE agent, the
     * {@code a=ice-lite} line is left out.
     */
    public static String clientAnswer(String offerText, ClientPeer peer) {
        SessionDescription offer = SessionDescription.parse(offerText);
        LocalCapabilities caps = new LocalCapabilities(
                List.of(CodecCapability.opus(), CodecCapability.vp8()),
                Set.of(LocalCapabilities.EXT_MID), false, 5000, 262144);
        InetSocketAddress a = peer.localAddress();
        Candidate host = new Candidate("1", 1, "udp", HOST_PRIORITY, a.getAddress().getHostAddress(), a.getPort(),
                "host", null, -1, List.of());
        LocalTransport transport = new LocalTransport(
                new IceCredentials(peer.localCredentials().ufrag(), peer.localCredentials().password()),
                Fingerprint.parse(peer.localFingerprint().toSdpValue()), List.of(host), Setup.ACTIVE);
        AnswerBuilder builder = new AnswerBuilder(offer, caps, transport);
        for (MediaDescription m : offer.media()) {
            if (!m.isRejected() && m.mid().isPresent() && !m.media().equals("application")) {
                Direction offered = offer.direction(m);
                builder.direction(m.mid().get(), offered.sends() ? Direction.RECVONLY : Direction.INACTIVE);
            } else if (m.mid().isPresent() && !m.isRejected()) {
                builder.reject(m.mid().get());
            }
        }
        SessionDescription lite = builder.build();
        SessionDescription.Builder full = SessionDescription.builder(lite.origin());
        for (SdpLine line : lite.lines()) {
            boolean fixed = "vost".indexOf(line.type()) >= 0;
            if (!fixed && !line.value().equals("ice-lite")) {
                full.add(line);
            }
        }
        lite.media().forEach(full::media);
        return full.build().write();
    }

    /** What a peer needs from the server's description: ICE credentials, fingerprint, the first UDP candidate. */
    public static RemoteDescription remote(String text) {
        SessionDescription sdp = SessionDescription.parse(text);
        MediaDescription m = sdp.media().stream().filter(x -> !x.isRejected()).findFirst()
                .orElseThrow(() -> new SdpException("every media section is rejected"));
        var ice = sdp.iceCredentials(m).orElseThrow(() -> new SdpException("no ICE credentials"));
        Candidate c = sdp.media().stream().flatMap(x -> x.candidates().stream())
                .filter(x -> x.transport().equalsIgnoreCase("udp") && x.component() == 1 && x.address().equals("127.0.0.1"))
                .findFirst().orElseThrow(() -> new SdpException("no UDP candidate on 127.0.0.1 in:\n" + text));
        return new RemoteDescription(ice.ufrag(), ice.pwd(), sdp.fingerprints(m).get(0).attributeValue(),
                new InetSocketAddress(c.address(), c.port()));
    }

    private static String check(String text) {
        SessionDescription.parse(text);
        return text;
    }
}
