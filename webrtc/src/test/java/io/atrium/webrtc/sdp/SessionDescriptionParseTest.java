package io.atrium.webrtc.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SessionDescriptionParseTest {

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.CHROMIUM, Fixtures.CHROMIUM_SIMULCAST, Fixtures.FIREFOX, Fixtures.WHIP,
            Fixtures.WHEP, Fixtures.RFC8866_EXAMPLE})
    void writesBackExactlyWithCrlfWhetherInputUsedCrlfOrLf(String name) {
        SessionDescription fromCrlf = SessionDescription.parse(Fixtures.crlf(name));
        SessionDescription fromLf = SessionDescription.parse(Fixtures.lf(name));

        assertThat(fromCrlf.write()).isEqualTo(Fixtures.crlf(name));
        assertThat(fromLf.write()).isEqualTo(Fixtures.crlf(name));
        assertThat(fromLf).isEqualTo(fromCrlf);
        assertThat(SessionDescription.parse(fromCrlf.write())).isEqualTo(fromCrlf);
    }

    @Test
    void rfc8866ExampleParses() {
        SessionDescription sdp = Fixtures.parse(Fixtures.RFC8866_EXAMPLE);

        assertThat(sdp.origin()).isEqualTo(
                new Origin("jdoe", "3724394400", "3724394405", "IN", "IP4", "198.51.100.1"));
        assertThat(sdp.sessionName()).isEqualTo("Call to John Smith");
        assertThat(sdp.media()).hasSize(3);
        MediaDescription audio = sdp.media().get(0);
        assertThat(audio.mediaLine()).isEqualTo(new MediaLine("audio", 49170, 1, "RTP/AVP", List.of("0")));
        assertThat(audio.codecs()).singleElement().satisfies(c -> {
            assertThat(c.payloadType()).isZero();
            assertThat(c.name()).isEqualTo("PCMU");
            assertThat(c.clockRate()).isEqualTo(8000);
            assertThat(c.channels()).isEqualTo(1);
        });
        MediaDescription video = sdp.media().get(2);
        assertThat(video.connection()).contains(new ConnectionData("IN", "IP6", "2001:db8::2"));
        assertThat(video.codecs()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("h263-1998");
            assertThat(c.clockRate()).isEqualTo(90000);
        });
        assertThat(sdp.direction(video)).isEqualTo(Direction.SENDRECV);
    }

    @Test
    void chromiumOfferSessionLevel() {
        SessionDescription sdp = Fixtures.parse(Fixtures.CHROMIUM);

        assertThat(sdp.bundleMids()).containsExactly("0", "1", "2");
        assertThat(sdp.msidSemantic()).contains("WMS 3c6b9ac6-0c5e-4f4a-9b1e-5a1f4d2e7c10");
        assertThat(sdp.extmapAllowMixed()).isTrue();
        assertThat(sdp.iceLite()).isFalse();
        assertThat(sdp.media()).extracting(MediaDescription::media).containsExactly("audio", "video", "application");
        assertThat(sdp.media()).extracting(m -> m.mid().orElseThrow()).containsExactly("0", "1", "2");
    }

    @Test
    void chromiumOfferAudioCodecsAndTransport() {
        SessionDescription sdp = Fixtures.parse(Fixtures.CHROMIUM);
        MediaDescription audio = sdp.mediaByMid("0").orElseThrow();

        assertThat(audio.codecs()).extracting(Codec::payloadType).containsExactly(111, 63, 9, 0, 8, 13, 110, 126);
        Codec opus = audio.codecs().get(0);
        assertThat(opus.name()).isEqualTo("opus");
        assertThat(opus.clockRate()).isEqualTo(48000);
        assertThat(opus.channels()).isEqualTo(2);
        assertThat(opus.parameters()).containsExactly(Map.entry("minptime", "10"), Map.entry("useinbandfec", "1"));
        assertThat(opus.feedback()).extracting(RtcpFeedback::kind).containsExactly("transport-cc");
        assertThat(opus.rtxPayloadType()).isEmpty();
        Codec red = audio.codec(63).orElseThrow();
        assertThat(red.fmtp()).isEqualTo("111/111");
        assertThat(audio.codec(110).orElseThrow().clockRate()).isEqualTo(48000);
        assertThat(audio.codec(126).orElseThrow().name()).isEqualTo("telephone-event");

        assertThat(sdp.direction(audio)).isEqualTo(Direction.SENDRECV);
        assertThat(sdp.iceCredentials(audio)).contains(new IceCredentials("Xr5J", "dZ2tcw1u4VRZrnL8tXf9fH9J"));
        assertThat(sdp.setup(audio)).contains(Setup.ACTPASS);
        assertThat(audio.rtcpMux()).isTrue();
        assertThat(audio.rtcpRsize()).isTrue();
        assertThat(audio.iceOptions()).containsExactly("trickle");
        Fingerprint fp = sdp.fingerprints(audio).get(0);
        assertThat(fp.hashFunction()).isEqualTo("sha-256");
        assertThat(fp.value()).hasSize(32).startsWith((byte) 0xA5, (byte) 0x4D).endsWith((byte) 0x9D, (byte) 0x5C);
        assertThat(audio.extmapId(LocalCapabilities.EXT_AUDIO_LEVEL)).isEqualTo(OptionalInt.of(1));
        assertThat(audio.extmapUri(4)).contains(LocalCapabilities.EXT_MID);
        assertThat(audio.msids()).containsExactly(
                new Msid("3c6b9ac6-0c5e-4f4a-9b1e-5a1f4d2e7c10", "8f2d1e4c-aa51-4c7e-b0d2-91e3c4a5f6b7"));
        assertThat(audio.ssrcs()).singleElement().satisfies(s -> {
            assertThat(s.ssrc()).isEqualTo(1001772520L);
            assertThat(s.cname()).contains("kX9pQ2rT7vWbN3mZ");
            assertThat(s.msid().orElseThrow().trackId()).isEqualTo("8f2d1e4c-aa51-4c7e-b0d2-91e3c4a5f6b7");
        });
        assertThat(audio.attribute("rtcp")).contains(new Attribute("rtcp", "9 IN IP4 0.0.0.0"));
    }

    @Test
    void chromiumOfferVideoCodecsWithRtx() {
        MediaDescription video = Fixtures.parse(Fixtures.CHROMIUM).mediaByMid("1").orElseThrow();

        assertThat(video.codecs()).hasSize(29);
        Codec vp8 = video.codec(96).orElseThrow();
        assertThat(vp8.name()).isEqualTo("VP8");
        assertThat(vp8.rtxPayloadType()).hasValue(97);
        assertThat(vp8.feedback()).extracting(RtcpFeedback::kind)
                .containsExactly("goog-remb", "transport-cc", "ccm fir", "nack", "nack pli");
        Codec rtx = video.codec(97).orElseThrow();
        assertThat(rtx.isRtx()).isTrue();
        assertThat(rtx.associatedPayloadType()).hasValue(96);
        assertThat(video.codec(100).orElseThrow().parameter("profile-id")).isEqualTo("2");
        assertThat(video.codec(100).orElseThrow().rtxPayloadType()).hasValue(101);
        assertThat(video.codec(35).orElseThrow().rtxPayloadType()).hasValue(36);
        Codec h264 = video.codec(106).orElseThrow();
        assertThat(h264.parameters()).containsEntry("profile-level-id", "42e01f")
                .containsEntry("packetization-mode", "1").containsEntry("level-asymmetry-allowed", "1");
        assertThat(h264.rtxPayloadType()).hasValue(107);
        assertThat(video.codec(45).orElseThrow().name()).isEqualTo("AV1");
        assertThat(video.codec(45).orElseThrow().rtxPayloadType()).hasValue(46);
        assertThat(video.codec(114).orElseThrow().rtxPayloadType()).hasValue(115);
        assertThat(video.codec(116).orElseThrow().rtxPayloadType()).isEmpty();
        assertThat(video.extmaps()).hasSize(11);
        assertThat(video.extmapId(LocalCapabilities.EXT_RID)).hasValue(10);
        assertThat(video.ssrcGroups()).containsExactly(new SsrcGroup("FID", List.of(2231627014L, 632943048L)));
        assertThat(video.ssrcs()).extracting(MediaDescription.SsrcDescription::ssrc)
                .containsExactly(2231627014L, 632943048L);
    }

    @Test
    void chromiumOfferDataChannel() {
        MediaDescription data = Fixtures.parse(Fixtures.CHROMIUM).mediaByMid("2").orElseThrow();

        assertThat(data.mediaLine().proto()).isEqualTo("UDP/DTLS/SCTP");
        assertThat(data.mediaLine().formats()).containsExactly("webrtc-datachannel");
        assertThat(data.mediaLine().isRtp()).isFalse();
        assertThat(data.codecs()).isEmpty();
        assertThat(data.sctpPort()).hasValue(5000);
        assertThat(data.maxMessageSize()).hasValue(262144);
    }

    @Test
    void chromiumSimulcastOfferRidsAndLayers() {
        SessionDescription sdp = Fixtures.parse(Fixtures.CHROMIUM_SIMULCAST);
        MediaDescription video = sdp.media().get(0);

        assertThat(sdp.direction(video)).isEqualTo(Direction.SENDONLY);
        assertThat(video.rids()).extracting(Rid::id, Rid::direction).containsExactly(
                org.assertj.core.groups.Tuple.tuple("q", RidDirection.SEND),
                org.assertj.core.groups.Tuple.tuple("h", RidDirection.SEND),
                org.assertj.core.groups.Tuple.tuple("f", RidDirection.SEND));
        Simulcast sim = video.simulcast().orElseThrow();
        assertThat(sim.rids(RidDirection.SEND)).containsExactly("q", "h", "f");
        assertThat(sim.send()).hasSize(3);
        assertThat(sim.recv()).isEmpty();
        assertThat(video.ssrcs()).isEmpty();
    }

    @Test
    void firefoxOfferSessionLevelFingerprintAndFmtpBeforeRtpmap() {
        SessionDescription sdp = Fixtures.parse(Fixtures.FIREFOX);
        MediaDescription audio = sdp.media().get(0);
        MediaDescription video = sdp.media().get(1);

        assertThat(sdp.origin().username()).isEqualTo("mozilla...THIS_IS_SDPARTA-99.0");
        assertThat(audio.fingerprints()).isEmpty();
        assertThat(sdp.fingerprints(audio)).containsExactlyElementsOf(sdp.sessionFingerprints()).hasSize(1);
        assertThat(sdp.iceOptions()).containsExactly("trickle");
        assertThat(audio.codec(109).orElseThrow().parameters()).containsEntry("stereo", "1");
        assertThat(audio.codec(9).orElseThrow().channels()).isEqualTo(1);
        assertThat(audio.codec(101).orElseThrow().parameters()).containsEntry("0-15", "");
        assertThat(audio.extmaps().get(1)).isEqualTo(
                new Extmap(2, Direction.RECVONLY, "urn:ietf:params:rtp-hdrext:csrc-audio-level", ""));
        assertThat(audio.candidates()).hasSize(3);
        Candidate srflx = audio.candidates().get(2);
        assertThat(srflx.type()).isEqualTo("srflx");
        assertThat(srflx.relatedAddress()).isEqualTo("192.168.1.23");
        assertThat(srflx.relatedPort()).isEqualTo(53021);
        assertThat(audio.candidates().get(1).extension("tcptype")).isEqualTo("active");
        assertThat(audio.endOfCandidates()).isTrue();
        assertThat(video.codec(120).orElseThrow().rtxPayloadType()).hasValue(124);
        assertThat(video.codec(126).orElseThrow().rtxPayloadType()).hasValue(127);
        assertThat(video.codec(122).orElseThrow().rtxPayloadType()).hasValue(119);
        assertThat(video.codec(126).orElseThrow().feedback()).hasSize(5);
    }

    @Test
    void whipOfferTakesIceAndSetupFromSessionLevel() {
        SessionDescription sdp = Fixtures.parse(Fixtures.WHIP);
        MediaDescription video = sdp.media().get(1);

        assertThat(sdp.groups()).containsExactly(new Group("BUNDLE", List.of("0", "1")),
                new Group("LS", List.of("0", "1")));
        assertThat(video.iceUfrag()).isEmpty();
        assertThat(sdp.iceCredentials(video)).contains(new IceCredentials("Pd3u", "eMx2w8Kq9Tz3Rb7Yc1Nv5Hj0"));
        assertThat(sdp.setup(video)).contains(Setup.ACTPASS);
        assertThat(sdp.iceOptions()).containsExactly("ice2,trickle");
        assertThat(sdp.direction(video)).isEqualTo(Direction.SENDONLY);
        assertThat(video.codecs()).singleElement().extracting(Codec::name).isEqualTo("H264");
        assertThat(video.ssrcs().get(0).msid()).contains(new Msid("obs", "obs-video"));
    }

    @Test
    void whepOfferIsRecvonly() {
        SessionDescription sdp = Fixtures.parse(Fixtures.WHEP);

        assertThat(sdp.media()).allSatisfy(m -> assertThat(sdp.direction(m)).isEqualTo(Direction.RECVONLY));
        assertThat(sdp.msidSemantic()).contains("WMS");
        assertThat(sdp.media().get(0).msids()).isEmpty();
    }

    @Test
    void unknownAttributesAndLinesAreKeptAndIgnored() {
        String text = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nb=AS:500\r\nt=0 0\r\na=x-session:yes\r\n"
                + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nb=TIAS:64000\r\na=x-custom:1 2 3\r\na=x-flag\r\n"
                + "a=rtpmap:111 opus/48000/2\r\ny=unknown type\r\n";
        SessionDescription sdp = SessionDescription.parse(text);

        assertThat(sdp.write()).isEqualTo(text);
        assertThat(sdp.attributes()).containsExactly(new Attribute("x-session", "yes"));
        assertThat(sdp.media().get(0).attribute("x-custom")).contains(new Attribute("x-custom", "1 2 3"));
        assertThat(sdp.media().get(0).attribute("x-flag").map(Attribute::isFlag)).isEqualTo(Optional.of(true));
        assertThat(sdp.media().get(0).codecs()).hasSize(1);
    }

    /** The session-level receive bandwidth a subscriber's offer may carry: TIAS in bit/s first, else AS in kbit/s. */
    @Test
    void sessionBandwidthIsTiasElseAsTimesAThousandAndABadValueIsRefusedNamingItsLine() {
        String whep = Fixtures.lf(Fixtures.WHEP);
        java.util.function.Function<String, SessionDescription> with = b -> SessionDescription.parse(whep.replaceFirst("\nt=", "\n" + b + "\nt="));
        assertThat(SessionDescription.parse(whep).bandwidth()).isEmpty();
        assertThat(with.apply("b=AS:900").bandwidth()).hasValue(900_000);
        assertThat(with.apply("b=TIAS:850000").bandwidth()).hasValue(850_000);
        assertThat(with.apply("b=AS:900\nb=TIAS:850000").bandwidth()).as("TIAS wins").hasValue(850_000);
        assertThat(with.apply("b=CT:64").bandwidth()).as("other types are ignored").isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> with.apply("b=AS:-5").bandwidth())
                .isInstanceOf(SdpException.class).hasMessageContaining("b=AS:-5").hasMessageContaining("b=AS must be a whole number of kbit/s");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> with.apply("b=TIAS:0").bandwidth())
                .isInstanceOf(SdpException.class).hasMessageContaining("b=TIAS must be a whole number of bit/s from 1 to 1000000000");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> with.apply("b=AS:99999999999").bandwidth())
                .isInstanceOf(SdpException.class).hasMessageContaining("from 1 to 1000000");
    }
}
