package io.atrium.webrtc.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AnswerBuilderTest {

    private static SessionDescription answer(String fixture) {
        return new AnswerBuilder(Fixtures.parse(fixture), LocalCapabilities.defaults(), Fixtures.sfuTransport())
                .sessionId(42).build();
    }

    private static List<Integer> pts(MediaDescription m) {
        return m.mediaLine().payloadTypes();
    }

    @Test
    void chromiumAnswerKeepsOrderMidsAndBundle() {
        SessionDescription answer = answer(Fixtures.CHROMIUM);

        assertThat(answer.media()).extracting(m -> m.mid().orElseThrow()).containsExactly("0", "1", "2");
        assertThat(answer.bundleMids()).containsExactly("0", "1", "2");
        assertThat(answer.iceLite()).isTrue();
        assertThat(answer.extmapAllowMixed()).isTrue();
        assertThat(answer.origin().sessionId()).isEqualTo("42");
        assertThat(SessionDescription.parse(answer.write())).isEqualTo(answer);
    }

    @Test
    void chromiumAnswerAudioKeepsOnlyOpusWithOfferPayloadType() {
        MediaDescription audio = answer(Fixtures.CHROMIUM).media().get(0);

        assertThat(pts(audio)).containsExactly(111);
        Codec opus = audio.codecs().get(0);
        assertThat(opus.name()).isEqualTo("opus");
        assertThat(opus.channels()).isEqualTo(2);
        assertThat(opus.fmtp()).isEqualTo("minptime=10;useinbandfec=1");
        assertThat(opus.feedback()).extracting(RtcpFeedback::kind).containsExactly("transport-cc");
        assertThat(audio.direction()).contains(Direction.SENDRECV);
        assertThat(audio.rtcpMux()).isTrue();
        assertThat(audio.rtcpRsize()).isTrue();
        assertThat(audio.extmaps()).extracting(Extmap::id, Extmap::uri).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1, LocalCapabilities.EXT_AUDIO_LEVEL),
                org.assertj.core.groups.Tuple.tuple(2, LocalCapabilities.EXT_ABS_SEND_TIME),
                org.assertj.core.groups.Tuple.tuple(3, LocalCapabilities.EXT_TRANSPORT_CC),
                org.assertj.core.groups.Tuple.tuple(4, LocalCapabilities.EXT_MID));
    }

    @Test
    void redAroundAcceptedOpusIsAnsweredFirstAndRedAroundAnythingElseIsDropped() {
        LocalCapabilities d = LocalCapabilities.defaults();
        List<CodecCapability> codecs = new java.util.ArrayList<>(d.codecs());
        codecs.add(CodecCapability.red());
        LocalCapabilities withRed = new LocalCapabilities(codecs, d.headerExtensions(), d.dataChannels(), d.sctpPort(),
                d.maxMessageSize());
        MediaDescription audio = new AnswerBuilder(Fixtures.parse(Fixtures.CHROMIUM), withRed, Fixtures.sfuTransport()).build()
                .media().get(0);
        assertThat(pts(audio)).as("RED first, so a browser sends it").containsExactly(63, 111);
        assertThat(audio.codecs().get(0).fmtp()).isEqualTo("111/111");

        String offer = Fixtures.crlf(Fixtures.CHROMIUM);
        for (String fmtp : new String[] {"0/0", "111/9", "63/63", "", "111/x"}) {
            String changed = offer.replace("a=fmtp:63 111/111", fmtp.isEmpty() ? "" : "a=fmtp:63 " + fmtp)
                    .replace("\r\n\r\n", "\r\n");
            MediaDescription a = new AnswerBuilder(SessionDescription.parse(changed), withRed, Fixtures.sfuTransport()).build()
                    .media().get(0);
            assertThat(pts(a)).as("RED with fmtp '%s' (PCMU and G722 are not accepted)", fmtp).containsExactly(111);
        }
        assertThat(pts(answer(Fixtures.CHROMIUM).media().get(0))).as("without the capability").containsExactly(111);
    }

    @Test
    void chromiumAnswerVideoIntersectsCodecsInOfferOrderWithRtx() {
        MediaDescription video = answer(Fixtures.CHROMIUM).media().get(1);

        // VP8, VP9 profile 0, H264 42e01f packetization-mode 1 and AV1 profile 0, each with its RTX;
        // VP9 profiles 1-3, Baseline/Main/High H264, packetization-mode 0, red and ulpfec are refused.
        assertThat(pts(video)).containsExactly(96, 97, 98, 99, 106, 107, 45, 46);
        assertThat(video.codec(96).orElseThrow().rtxPayloadType()).hasValue(97);
        assertThat(video.codec(98).orElseThrow().rtxPayloadType()).hasValue(99);
        assertThat(video.codec(106).orElseThrow().rtxPayloadType()).hasValue(107);
        assertThat(video.codec(45).orElseThrow().rtxPayloadType()).hasValue(46);
        assertThat(video.codec(107).orElseThrow().associatedPayloadType()).hasValue(106);
        assertThat(video.codec(106).orElseThrow().fmtp())
                .isEqualTo("level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
        assertThat(video.codec(96).orElseThrow().feedback()).extracting(RtcpFeedback::kind)
                .containsExactly("goog-remb", "transport-cc", "ccm fir", "nack", "nack pli");
        assertThat(video.codec(97).orElseThrow().feedback()).isEmpty();
        assertThat(video.extmaps()).extracting(Extmap::id).containsExactly(2, 13, 3, 4, 10, 11);
        assertThat(video.ssrcs()).isEmpty();
    }

    @Test
    void answerCarriesSfuTransportAndCandidatesOnlyInBundleTag() {
        SessionDescription answer = answer(Fixtures.CHROMIUM);
        LocalTransport t = Fixtures.sfuTransport();

        for (MediaDescription m : answer.media()) {
            assertThat(answer.iceCredentials(m)).contains(t.ice());
            assertThat(answer.fingerprints(m)).containsExactly(t.fingerprint());
            assertThat(answer.setup(m)).contains(Setup.PASSIVE);
            assertThat(m.mediaLine().port()).isEqualTo(40000);
            assertThat(m.connection()).contains(new ConnectionData("IN", "IP4", "192.0.2.10"));
        }
        MediaDescription first = answer.media().get(0);
        assertThat(first.candidates()).containsExactlyElementsOf(t.candidates());
        assertThat(first.candidates().get(0).priority()).isEqualTo((126L << 24) + (65535L << 8) + 255);
        assertThat(first.candidates().get(1).extension("tcptype")).isEqualTo("passive");
        assertThat(first.endOfCandidates()).isTrue();
        assertThat(answer.media().get(1).candidates()).isEmpty();
    }

    @Test
    void dataChannelAcceptedOrRejectedWithPortZero() {
        MediaDescription accepted = answer(Fixtures.CHROMIUM).media().get(2);
        assertThat(accepted.isRejected()).isFalse();
        assertThat(accepted.sctpPort()).hasValue(5000);
        assertThat(accepted.maxMessageSize()).hasValue(262144);

        SessionDescription answer = new AnswerBuilder(Fixtures.parse(Fixtures.CHROMIUM),
                LocalCapabilities.defaults().withDataChannels(false), Fixtures.sfuTransport()).build();
        MediaDescription rejected = answer.media().get(2);
        assertThat(rejected.isRejected()).isTrue();
        assertThat(rejected.mediaLine()).isEqualTo(
                new MediaLine("application", 0, 1, "UDP/DTLS/SCTP", List.of("webrtc-datachannel")));
        assertThat(rejected.mid()).contains("2");
        assertThat(rejected.sctpPort()).isEmpty();
        assertThat(answer.bundleMids()).containsExactly("0", "1");
    }

    @Test
    void callerRejectsAndChoosesSendonlyWithOwnSource() {
        LocalSource source = new LocalSource(11111111L, 22222222L, "atrium", new Msid("room-alice", "cam"));
        SessionDescription answer = new AnswerBuilder(Fixtures.parse(Fixtures.CHROMIUM), LocalCapabilities.defaults(),
                Fixtures.sfuTransport())
                .reject("0")
                .direction("1", Direction.SENDONLY)
                .localSource("1", source)
                .build();

        assertThat(answer.media().get(0).isRejected()).isTrue();
        assertThat(answer.bundleMids()).containsExactly("1", "2");
        MediaDescription video = answer.media().get(1);
        assertThat(video.direction()).contains(Direction.SENDONLY);
        assertThat(video.candidates()).isNotEmpty();
        assertThat(video.msids()).containsExactly(new Msid("room-alice", "cam"));
        assertThat(video.ssrcGroups()).containsExactly(new SsrcGroup("FID", List.of(11111111L, 22222222L)));
        assertThat(video.ssrcs()).extracting(MediaDescription.SsrcDescription::ssrc)
                .containsExactly(11111111L, 22222222L);
        assertThat(video.ssrcs()).allSatisfy(s -> {
            assertThat(s.cname()).contains("atrium");
            assertThat(s.msid()).contains(new Msid("room-alice", "cam"));
        });
    }

    @Test
    void simulcastRidsAreMirrored() {
        SessionDescription answer = answer(Fixtures.CHROMIUM_SIMULCAST);
        MediaDescription video = answer.media().get(0);

        assertThat(video.direction()).contains(Direction.RECVONLY);
        assertThat(video.rids()).extracting(Rid::id, Rid::direction).containsExactly(
                org.assertj.core.groups.Tuple.tuple("q", RidDirection.RECV),
                org.assertj.core.groups.Tuple.tuple("h", RidDirection.RECV),
                org.assertj.core.groups.Tuple.tuple("f", RidDirection.RECV));
        Simulcast sim = video.simulcast().orElseThrow();
        assertThat(sim.rids(RidDirection.RECV)).containsExactly("q", "h", "f");
        assertThat(sim.send()).isEmpty();
        assertThat(video.attribute("simulcast").orElseThrow().value()).isEqualTo("recv q;h;f");
        assertThat(video.extmapId(LocalCapabilities.EXT_RID)).hasValue(10);
        assertThat(video.extmapId(LocalCapabilities.EXT_REPAIRED_RID)).hasValue(11);
        assertThat(pts(video)).containsExactly(96, 97, 98, 99, 45, 46);
    }

    @Test
    void rfc8853OfferRidsMirrorWithPayloadTypeFiltering() {
        // Media section of RFC 8853 §6.2 (verbatim lines), wrapped in a WebRTC transport.
        String offer = webrtcSession("m=video 49300 UDP/TLS/RTP/SAVPF 97 98 99",
                "a=rtpmap:97 H264/90000",
                "a=rtpmap:98 H264/90000",
                "a=rtpmap:99 VP8/90000",
                "a=fmtp:97 profile-level-id=42c01f;max-fs=3600;max-mbps=108000",
                "a=fmtp:98 profile-level-id=42c00b;max-fs=240;max-mbps=3600",
                "a=fmtp:99 max-fs=240; max-fr=30",
                "a=rid:1 send pt=97;max-width=1280;max-height=720",
                "a=rid:2 send pt=98;max-width=320;max-height=180",
                "a=rid:3 send pt=99;max-width=320;max-height=180",
                "a=rid:4 recv pt=97",
                "a=simulcast:send 1;2,3 recv 4",
                "a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id");
        CodecCapability h264 = new CodecCapability("H264", 90000, 0, List.of("nack"), false,
                p -> p.getOrDefault("profile-level-id", "").startsWith("42c0"));
        LocalCapabilities caps = new LocalCapabilities(List.of(h264), Set.of(LocalCapabilities.EXT_RID), false, 5000, 0);

        MediaDescription video = new AnswerBuilder(SessionDescription.parse(offer), caps, Fixtures.sfuTransport())
                .build().media().get(0);

        assertThat(pts(video)).containsExactly(97, 98);
        assertThat(video.rids()).extracting(r -> r.toLine().toString()).containsExactly(
                "a=rid:1 recv pt=97;max-width=1280;max-height=720",
                "a=rid:2 recv pt=98;max-width=320;max-height=180",
                "a=rid:4 send pt=97");
        assertThat(video.simulcast().orElseThrow().attributeValue()).isEqualTo("send 4 recv 1;2");
        assertThat(video.direction()).contains(Direction.SENDRECV);
    }

    @Test
    void firefoxAnswer() {
        SessionDescription answer = answer(Fixtures.FIREFOX);
        MediaDescription audio = answer.media().get(0);
        MediaDescription video = answer.media().get(1);

        assertThat(pts(audio)).containsExactly(109);
        assertThat(audio.extmaps()).extracting(Extmap::uri)
                .containsExactly(LocalCapabilities.EXT_AUDIO_LEVEL, LocalCapabilities.EXT_MID);
        assertThat(pts(video)).containsExactly(120, 124, 121, 125, 126, 127);
        assertThat(video.codec(121).orElseThrow().rtxPayloadType()).hasValue(125);
        assertThat(video.extmaps()).extracting(Extmap::id).containsExactly(3, 4, 7);
        assertThat(answer.bundleMids()).containsExactly("0", "1");
    }

    @Test
    void extmapDirectionIsReversed() {
        String offer = webrtcSession("m=audio 9 UDP/TLS/RTP/SAVPF 111", "a=rtpmap:111 opus/48000/2",
                "a=extmap:5/sendonly urn:ietf:params:rtp-hdrext:ssrc-audio-level");
        MediaDescription audio = new AnswerBuilder(SessionDescription.parse(offer), LocalCapabilities.defaults(),
                Fixtures.sfuTransport()).build().media().get(0);

        assertThat(audio.extmaps()).containsExactly(
                new Extmap(5, Direction.RECVONLY, LocalCapabilities.EXT_AUDIO_LEVEL, ""));
    }

    @Test
    void whipSendonlyOfferGetsRecvonlyAnswer() {
        SessionDescription answer = answer(Fixtures.WHIP);

        assertThat(answer.media()).allSatisfy(m -> assertThat(m.direction()).contains(Direction.RECVONLY));
        MediaDescription video = answer.media().get(1);
        assertThat(pts(video)).containsExactly(96);
        assertThat(video.codecs().get(0).feedback()).extracting(RtcpFeedback::kind)
                .containsExactly("nack", "nack pli", "goog-remb");
        assertThat(video.codecs().get(0).rtxPayloadType()).isEmpty();
        assertThat(answer.bundleMids()).containsExactly("0", "1");
        assertThat(answer.groups()).hasSize(1);
    }

    @Test
    void whepRecvonlyOfferGetsSendonlyAnswerWithSources() {
        SessionDescription answer = new AnswerBuilder(Fixtures.parse(Fixtures.WHEP), LocalCapabilities.defaults(),
                Fixtures.sfuTransport())
                .localSource("0", new LocalSource(1234L, LocalSource.NO_RTX, "sfu", new Msid("s", "a")))
                .localSource("1", new LocalSource(5678L, 5679L, "sfu", new Msid("s", "v")))
                .build();

        assertThat(answer.media()).allSatisfy(m -> assertThat(m.direction()).contains(Direction.SENDONLY));
        assertThat(pts(answer.media().get(0))).containsExactly(111);
        assertThat(answer.media().get(0).ssrcGroups()).isEmpty();
        assertThat(answer.media().get(0).ssrcs()).singleElement()
                .satisfies(s -> assertThat(s.cname()).contains("sfu"));
        assertThat(pts(answer.media().get(1))).containsExactly(96, 97, 106, 107);
        assertThat(answer.media().get(1).ssrcGroups()).containsExactly(new SsrcGroup("FID", List.of(5678L, 5679L)));
    }

    @Test
    void sectionWithoutCommonCodecIsRejected() {
        String offer = webrtcSession("m=video 9 UDP/TLS/RTP/SAVPF 100", "a=rtpmap:100 H265/90000");

        SessionDescription answer = new AnswerBuilder(SessionDescription.parse(offer), LocalCapabilities.defaults(),
                Fixtures.sfuTransport()).build();

        assertThat(answer.media().get(0).isRejected()).isTrue();
        assertThat(answer.bundleMids()).isEmpty();
        assertThat(answer.groups()).isEmpty();
    }

    @Test
    void offerWithoutRtcpMuxIsRefused() {
        String offer = webrtcSessionWithoutMux("m=audio 9 UDP/TLS/RTP/SAVPF 111", "a=rtpmap:111 opus/48000/2");

        assertThatThrownBy(() -> new AnswerBuilder(SessionDescription.parse(offer), LocalCapabilities.defaults(),
                Fixtures.sfuTransport()).build())
                .isInstanceOf(SdpException.class)
                .hasMessageContaining("mid 0")
                .hasMessageContaining("a=rtcp-mux");
    }

    @Test
    void invalidOffersAndCallerChoicesAreRefused() {
        SessionDescription whep = Fixtures.parse(Fixtures.WHEP);
        LocalCapabilities caps = LocalCapabilities.defaults();

        assertThatThrownBy(() -> new AnswerBuilder(whep, caps, Fixtures.sfuTransport())
                .direction("1", Direction.RECVONLY).build())
                .isInstanceOf(SdpException.class).hasMessageContaining("recvonly").hasMessageContaining("RFC 3264");
        assertThatThrownBy(() -> new AnswerBuilder(whep, caps, Fixtures.sfuTransport()).reject("9").build())
                .isInstanceOf(SdpException.class).hasMessageContaining("a=mid:9");
        assertThatThrownBy(() -> new AnswerBuilder(Fixtures.parse(Fixtures.WHIP), caps, Fixtures.sfuTransport())
                .localSource("1", new LocalSource(1, LocalSource.NO_RTX, "x", new Msid("a", "b"))).build())
                .isInstanceOf(SdpException.class).hasMessageContaining("does not send");

        String passive = Fixtures.crlf(Fixtures.WHIP).replace("a=setup:actpass", "a=setup:passive");
        assertThatThrownBy(() -> new AnswerBuilder(SessionDescription.parse(passive), caps, Fixtures.sfuTransport())
                .build()).isInstanceOf(SdpException.class).hasMessageContaining("a=setup:passive");

        String lite = Fixtures.crlf(Fixtures.WHIP).replace("a=msid-semantic:WMS *", "a=ice-lite");
        assertThatThrownBy(() -> new AnswerBuilder(SessionDescription.parse(lite), caps, Fixtures.sfuTransport())
                .build()).isInstanceOf(SdpException.class).hasMessageContaining("ICE-lite");

        String noFingerprint = Fixtures.crlf(Fixtures.WHIP).replaceAll("a=fingerprint:[^\r]*\r\n", "");
        assertThatThrownBy(() -> new AnswerBuilder(SessionDescription.parse(noFingerprint), caps,
                Fixtures.sfuTransport()).build())
                .isInstanceOf(SdpException.class).hasMessageContaining("no a=fingerprint");
    }

    @Test
    void withoutBundleOnlyTheFirstAcceptableSectionIsAccepted() {
        String offer = Fixtures.crlf(Fixtures.WHIP).replace("a=group:BUNDLE 0 1\r\n", "")
                .replace("a=group:LS 0 1\r\n", "");
        SessionDescription answer = new AnswerBuilder(SessionDescription.parse(offer), LocalCapabilities.defaults(),
                Fixtures.sfuTransport()).build();

        assertThat(answer.media().get(0).isRejected()).isFalse();
        assertThat(answer.media().get(0).candidates()).hasSize(2);
        assertThat(answer.media().get(1).isRejected()).isTrue();
        assertThat(answer.groups()).isEmpty();
    }

    static String webrtcSession(String mLine, String... attributes) {
        return webrtcSessionWithoutMux(mLine, attributes).replace("a=mid:0\r\n", "a=mid:0\r\na=rtcp-mux\r\n");
    }

    static String webrtcSessionWithoutMux(String mLine, String... attributes) {
        StringBuilder sb = new StringBuilder("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                + "a=group:BUNDLE 0\r\na=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
                + "a=fingerprint:sha-256 " + "00:".repeat(31) + "00\r\na=setup:actpass\r\n");
        sb.append(mLine).append("\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n");
        for (String a : attributes) {
            sb.append(a).append("\r\n");
        }
        return sb.toString();
    }
}
