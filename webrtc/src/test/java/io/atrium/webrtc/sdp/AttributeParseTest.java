package io.atrium.webrtc.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Typed attributes: each valid value parses and writes back unchanged; each invalid one is refused. */
class AttributeParseTest {

    static Stream<Arguments> roundTrips() {
        return Stream.of(
                Arguments.of("rtpmap", "111 opus/48000/2", (Function<String, SdpAttribute>) Rtpmap::parse),
                Arguments.of("rtpmap", "96 VP8/90000", (Function<String, SdpAttribute>) Rtpmap::parse),
                Arguments.of("fmtp", "97 apt=96", (Function<String, SdpAttribute>) Fmtp::parse),
                Arguments.of("rtcp-fb", "96 nack pli", (Function<String, SdpAttribute>) RtcpFeedback::parse),
                Arguments.of("rtcp-fb", "* ccm fir", (Function<String, SdpAttribute>) RtcpFeedback::parse),
                Arguments.of("rtcp-fb", "96 trr-int 100", (Function<String, SdpAttribute>) RtcpFeedback::parse),
                Arguments.of("extmap", "2/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level",
                        (Function<String, SdpAttribute>) Extmap::parse),
                Arguments.of("extmap", "7 urn:example:ext attr1 attr2", (Function<String, SdpAttribute>) Extmap::parse),
                Arguments.of("candidate", "1 1 UDP 2130706431 203.0.113.141 8998 typ host",
                        (Function<String, SdpAttribute>) Candidate::parse),
                Arguments.of("candidate",
                        "842163049 1 udp 1677729535 198.51.100.7 61665 typ srflx raddr 0.0.0.0 rport 0 generation 0"
                                + " network-cost 999",
                        (Function<String, SdpAttribute>) Candidate::parse),
                Arguments.of("candidate", "3 1 udp 2122262783 2001:db8::5 50000 typ host",
                        (Function<String, SdpAttribute>) Candidate::parse),
                Arguments.of("candidate", "1 1 udp 2113937151 4a1f0d56-2b1c-4c8d-9e3f-123456789abc.local 56001 typ host",
                        (Function<String, SdpAttribute>) Candidate::parse),
                Arguments.of("msid", "stream track", (Function<String, SdpAttribute>) Msid::parse),
                Arguments.of("msid", "- track", (Function<String, SdpAttribute>) Msid::parse),
                Arguments.of("ssrc", "3735928559 cname:user@example.org",
                        (Function<String, SdpAttribute>) SsrcAttribute::parse),
                Arguments.of("ssrc-group", "SIM 1 2 3", (Function<String, SdpAttribute>) SsrcGroup::parse),
                Arguments.of("group", "BUNDLE 0 1 2", (Function<String, SdpAttribute>) Group::parse),
                Arguments.of("group", "BUNDLE", (Function<String, SdpAttribute>) Group::parse),
                // RFC 8853 §6.2 answer lines (verbatim values).
                Arguments.of("rid", "1 recv pt=97;max-width=1280;max-height=720",
                        (Function<String, SdpAttribute>) Rid::parse),
                Arguments.of("rid", "4 send pt=97", (Function<String, SdpAttribute>) Rid::parse),
                Arguments.of("rid", "q send", (Function<String, SdpAttribute>) Rid::parse),
                Arguments.of("simulcast", "send 1;2,3 recv 4", (Function<String, SdpAttribute>) Simulcast::parse),
                Arguments.of("simulcast", "send 1,~4;2;3 recv c", (Function<String, SdpAttribute>) Simulcast::parse),
                Arguments.of("sctpmap", "5000 webrtc-datachannel 1024", (Function<String, SdpAttribute>) SctpMap::parse),
                Arguments.of("setup", "actpass", (Function<String, SdpAttribute>) Setup::parse));
    }

    @ParameterizedTest(name = "a={0}:{1}")
    @MethodSource("roundTrips")
    void parsesAndWritesBack(String name, String value, Function<String, SdpAttribute> parser) {
        SdpAttribute a = parser.apply(value);

        assertThat(a.attributeName()).isEqualTo(name);
        assertThat(a.attributeValue()).isEqualTo(value);
    }

    @Test
    void rfc8853ReceiveFirstSimulcastIsReadByDirection() {
        Simulcast s = Simulcast.parse("recv 1;2 send 4");

        assertThat(s.rids(RidDirection.RECV)).containsExactly("1", "2");
        assertThat(s.rids(RidDirection.SEND)).containsExactly("4");
        assertThat(s.attributeValue()).isEqualTo("send 4 recv 1;2");
    }

    @Test
    void simulcastAlternativesAndPausedLayers() {
        Simulcast s = Simulcast.parse("send 1,~4;2;3 recv c");

        assertThat(s.send()).hasSize(3);
        assertThat(s.send().get(0)).containsExactly(new Simulcast.Layer("1", false), new Simulcast.Layer("4", true));
        assertThat(s.recv()).containsExactly(List.of(new Simulcast.Layer("c", false)));
    }

    @Test
    void ridRestrictions() {
        Rid rid = Rid.parse("1 send pt=97,98;max-width=1280;max-height=720;max-fps=30");

        assertThat(rid.payloadTypes()).containsExactly(97, 98);
        assertThat(rid.restrictions()).containsExactly(Map.entry("max-width", "1280"),
                Map.entry("max-height", "720"), Map.entry("max-fps", "30"));
        assertThat(rid.mirrored(List.of(97)).attributeValue())
                .isEqualTo("1 recv pt=97;max-width=1280;max-height=720;max-fps=30");
    }

    @Test
    void fmtpParameterMapTrimsAndKeepsOrder() {
        assertThat(Fmtp.parameterMap("max-fs=240; max-fr=30;;flag")).containsExactly(Map.entry("max-fs", "240"),
                Map.entry("max-fr", "30"), Map.entry("flag", ""));
        assertThat(Fmtp.parameterMap("a=1;a=2")).containsExactly(Map.entry("a", "1"));
    }

    @Test
    void fingerprintParsesBothCasesWritesUpperCaseAndChecksLength() {
        Fingerprint f = Fingerprint.parse("SHA-1 4a:ad:b9:b1:3f:82:18:3b:54:02:12:df:3e:5d:49:6b:19:e5:7c:ab");

        assertThat(f.hashFunction()).isEqualTo("sha-1");
        assertThat(f.value()).hasSize(20);
        assertThat(f.attributeValue()).isEqualTo("sha-1 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB");
        assertThat(f.matches(f.value())).isTrue();
        assertThat(Fingerprint.parse("x-future 01:02").value()).containsExactly(1, 2);
        assertThatThrownBy(() -> Fingerprint.parse("sha-1 4A:AD")).isInstanceOf(SdpException.class)
                .hasMessageContaining("must be 20 bytes, found 2");
        assertThatThrownBy(() -> Fingerprint.parse("sha-256 \u0661\u0662")).isInstanceOf(SdpException.class)
                .hasMessageContaining("bad hex");
    }

    @Test
    void fingerprintOfCertificateIsSha256() {
        // SHA-256("abc"), FIPS 180-2 Appendix B.1.
        Fingerprint f = Fingerprint.sha256Of("abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

        assertThat(f.attributeValue()).isEqualTo("sha-256 BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3"
                + ":96:17:7A:9C:B4:10:FF:61:F2:00:15:AD");
    }

    @Test
    void candidateFields() {
        Candidate c = Candidate.parse("842163049 1 udp 1677729535 198.51.100.7 61665 typ srflx raddr 10.0.0.2 rport 5000"
                + " generation 0");

        assertThat(c.foundation()).isEqualTo("842163049");
        assertThat(c.component()).isEqualTo(1);
        assertThat(c.isUdp()).isTrue();
        assertThat(c.priority()).isEqualTo(1677729535L);
        assertThat(c.address()).isEqualTo("198.51.100.7");
        assertThat(c.port()).isEqualTo(61665);
        assertThat(c.type()).isEqualTo("srflx");
        assertThat(c.relatedAddress()).isEqualTo("10.0.0.2");
        assertThat(c.relatedPort()).isEqualTo(5000);
        assertThat(c.extension("generation")).isEqualTo("0");
        assertThat(c.extension("missing")).isNull();
    }

    @Test
    void directionRulesOfRfc3264() {
        assertThat(Direction.SENDONLY.reverse()).isEqualTo(Direction.RECVONLY);
        assertThat(Direction.RECVONLY.reverse()).isEqualTo(Direction.SENDONLY);
        assertThat(Direction.SENDRECV.reverse()).isEqualTo(Direction.SENDRECV);
        assertThat(Direction.INACTIVE.reverse()).isEqualTo(Direction.INACTIVE);
        assertThat(Direction.SENDONLY.isValidAnswerTo(Direction.SENDRECV)).isTrue();
        assertThat(Direction.SENDONLY.isValidAnswerTo(Direction.SENDONLY)).isFalse();
        assertThat(Direction.INACTIVE.isValidAnswerTo(Direction.SENDONLY)).isTrue();
        assertThat(Direction.RECVONLY.isValidAnswerTo(Direction.INACTIVE)).isFalse();
        assertThat(Setup.PASSIVE.isValidAnswerTo(Setup.ACTPASS)).isTrue();
        assertThat(Setup.PASSIVE.isValidAnswerTo(Setup.PASSIVE)).isFalse();
        assertThat(Setup.ACTIVE.isValidAnswerTo(Setup.PASSIVE)).isTrue();
    }

    static Stream<Arguments> invalidValues() {
        return Stream.of(
                Arguments.of((Runnable) () -> Rtpmap.parse("111 opus/48000/2/1"), "is not <name>/<clock rate>"),
                Arguments.of((Runnable) () -> Rtpmap.parse("111 opus/48000/0"), "channels 0 is out of range"),
                Arguments.of((Runnable) () -> RtcpFeedback.parse("96"), "a=rtcp-fb needs"),
                Arguments.of((Runnable) () -> RtcpFeedback.parse("x nack"), "payload type 'x'"),
                Arguments.of((Runnable) () -> Extmap.parse("1"), "a=extmap needs"),
                Arguments.of((Runnable) () -> Extmap.parse("99999999999999999999 urn:x"), "extmap id"),
                Arguments.of((Runnable) () -> Candidate.parse("1 0 udp 1 192.0.2.1 9 typ host"), "component 0"),
                Arguments.of((Runnable) () -> Candidate.parse("1 1 udp 4294967296 192.0.2.1 9 typ host"), "priority"),
                Arguments.of((Runnable) () -> Candidate.parse("f\u00e9 1 udp 1 192.0.2.1 9 typ host"), "foundation"),
                Arguments.of((Runnable) () -> Msid.parse("a b c"), "msid needs"),
                Arguments.of((Runnable) () -> Msid.parse("x".repeat(65)), "longer than 64"),
                Arguments.of((Runnable) () -> SsrcAttribute.parse("12"), "a=ssrc needs"),
                Arguments.of((Runnable) () -> Rid.parse("1 send pt=97;pt=98"), "repeats pt="),
                Arguments.of((Runnable) () -> Rid.parse("1 send pt=abc"), "payload type 'abc'"),
                Arguments.of((Runnable) () -> Rid.parse("1 send max-width=1;max-width=2"), "repeats restriction"),
                Arguments.of((Runnable) () -> Simulcast.parse("send"), "a=simulcast needs"),
                Arguments.of((Runnable) () -> Simulcast.parse("send a;;b"), "simulcast rid must be 1 to 64"),
                Arguments.of((Runnable) () -> Simulcast.parse("sendrecv a"), "neither send nor recv"),
                Arguments.of((Runnable) () -> SctpMap.parse("x webrtc-datachannel"), "sctpmap port 'x'"),
                Arguments.of((Runnable) () -> Group.parse(""), "a=group needs"),
                Arguments.of((Runnable) () -> Origin.parse("- x 1 IN IP4 1.2.3.4"), "session id 'x'"),
                Arguments.of((Runnable) () -> ConnectionData.parse("IN IP4"), "c= needs 3 fields"),
                Arguments.of((Runnable) () -> MediaLine.parse("audio 9/0 RTP/AVP 0"), "number of ports 0 is out of range"),
                Arguments.of((Runnable) () -> MediaLine.parse("audio 9 RTP/AVP " + "0 ".repeat(129)), "more than 128"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalidValues")
    void invalidValuesAreRefused(Runnable parse, String problem) {
        assertThatThrownBy(parse::run).isInstanceOf(SdpException.class).hasMessageContaining(problem);
    }
}
