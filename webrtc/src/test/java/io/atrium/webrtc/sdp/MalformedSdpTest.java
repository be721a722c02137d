package io.atrium.webrtc.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Hostile and malformed SDP: every case fails with an SdpException naming the problem and the line. */
class MalformedSdpTest {

    /** Lines 1-8; cases append from line 9 on. */
    private static final String BASE = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
            + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=rtpmap:111 opus/48000/2\r\n";

    private static String withLine(String line) {
        return BASE + line + "\r\n";
    }

    static Stream<Arguments> cases() {
        String fp31 = "AB:".repeat(30) + "AB";
        return Stream.of(
                Arguments.of("empty", "", "SDP is empty", 0),
                Arguments.of("only line breaks", "\r\n\r\n\n", "SDP is empty", 0),
                Arguments.of("missing v=", "o=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n", "must start with v=0", 1),
                Arguments.of("version 1", "v=1\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n",
                        "protocol version must be 0", 1),
                Arguments.of("binary garbage", "\u0089PNG\r\n\u001a\n\u0000\u0000\u0000\rIHDR",
                        "line is not <type>=<value>", 1),
                Arguments.of("NUL inside a value", "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=a\u0000b\r\n",
                        "control character 0x0", 3),
                Arguments.of("bare CR", "v=0\ro=- 1 1 IN IP4 127.0.0.1\r\n", "carriage return without line feed", 1),
                Arguments.of("empty line inside", "v=0\r\n\r\ns=-\r\n", "empty line", 2),
                Arguments.of("upper-case type", "V=0\r\n", "not a lower-case letter", 1),
                Arguments.of("line without =", "v=0\r\nhello\r\n", "line is not <type>=<value>", 2),
                Arguments.of("line too long", "v=0\r\na=" + "x".repeat(5000) + "\r\n", "longer than 4096", 2),
                Arguments.of("SDP too large", "v=0\r\n" + "a=x\r\n".repeat(SdpLimits.MAX_SDP_LENGTH / 5 + 1),
                        "more than the limit of 262144", 0),
                Arguments.of("too many lines", "v=0\r\n" + "a=x\r\n".repeat(SdpLimits.MAX_LINES),
                        "more than 8192 lines", 8193),
                Arguments.of("too many m-lines", "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                        + "m=audio 9 RTP/AVP 0\r\n".repeat(SdpLimits.MAX_MEDIA_SECTIONS + 1),
                        "more than 256 media sections", 4 + SdpLimits.MAX_MEDIA_SECTIONS + 1),
                Arguments.of("missing o=", "v=0\r\ns=-\r\nt=0 0\r\n", "no o= line", 0),
                Arguments.of("missing s=", "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\nt=0 0\r\n", "no s= line", 0),
                Arguments.of("missing t=", "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n", "no t= line", 0),
                Arguments.of("short o=", "v=0\r\no=- 1 1 IN IP4\r\n", "o= needs 6 fields", 2),
                Arguments.of("o= in media section", withLine("o=- 1 1 IN IP4 127.0.0.1"), "not allowed inside a media",
                        9),
                Arguments.of("m-line port too big", BASE + "m=video 70000 UDP/TLS/RTP/SAVPF 96\r\n",
                        "m= port 70000 is out of range 0-65535", 9),
                Arguments.of("m-line port not a number", BASE + "m=video 9a UDP/TLS/RTP/SAVPF 96\r\n",
                        "m= port '9a' is not a number", 9),
                Arguments.of("m-line negative port", BASE + "m=video -1 UDP/TLS/RTP/SAVPF 96\r\n",
                        "m= port '-1' is not a number", 9),
                Arguments.of("m-line without format", BASE + "m=video 9 UDP/TLS/RTP/SAVPF\r\n",
                        "at least one format", 9),
                Arguments.of("m-line RTP format not a PT", BASE + "m=video 9 UDP/TLS/RTP/SAVPF vp8\r\n",
                        "payload type 'vp8' is not a number", 9),
                Arguments.of("m-line repeats a format", BASE + "m=video 9 UDP/TLS/RTP/SAVPF 96 97 96\r\n",
                        "lists format 96 twice", 9),
                Arguments.of("rtpmap non-numeric PT", withLine("a=rtpmap:abc opus/48000/2"),
                        "payload type 'abc' is not a number", 9),
                Arguments.of("rtpmap PT 128", withLine("a=rtpmap:128 opus/48000/2"), "out of range 0-127", 9),
                Arguments.of("rtpmap without clock rate", withLine("a=rtpmap:112 opus"),
                        "is not <name>/<clock rate>", 9),
                Arguments.of("rtpmap clock rate zero", withLine("a=rtpmap:112 opus/0"), "clock rate 0 is out of range",
                        9),
                Arguments.of("duplicate rtpmap", withLine("a=rtpmap:111 opus/48000/2"),
                        "duplicate a=rtpmap for payload type 111", 9),
                Arguments.of("fmtp without parameters", withLine("a=fmtp:111"), "a=fmtp needs", 9),
                Arguments.of("fingerprint bad hex", withLine("a=fingerprint:sha-256 " + "ZZ:".repeat(31) + "ZZ"),
                        "bad hex at byte 1", 9),
                Arguments.of("fingerprint wrong separator", withLine("a=fingerprint:sha-256 " + "AB-".repeat(31) + "AB"),
                        "bad hex at byte 1", 9),
                Arguments.of("fingerprint wrong length", withLine("a=fingerprint:sha-256 " + fp31),
                        "must be 32 bytes, found 31", 9),
                Arguments.of("fingerprint odd digits", withLine("a=fingerprint:sha-256 ABC"),
                        "is not hex pairs", 9),
                Arguments.of("duplicate mid", withLine("a=mid:1"), "duplicate a=mid", 9),
                Arguments.of("mid reused across sections", BASE + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\n",
                        "duplicate a=mid:0", 10),
                Arguments.of("mid too long", BASE.replace("a=mid:0", "a=mid:" + "m".repeat(65)),
                        "mid is longer than 64", 7),
                Arguments.of("BUNDLE names unknown mid", BASE.replace("t=0 0\r\n", "t=0 0\r\na=group:BUNDLE 0 7\r\n"),
                        "names mid '7'", 5),
                Arguments.of("conflicting directions", withLine("a=sendonly") + "a=recvonly\r\n",
                        "a=recvonly conflicts with an earlier a=sendonly", 10),
                Arguments.of("extmap id 0", withLine("a=extmap:0 urn:x"), "extmap id 0 is out of range", 9),
                Arguments.of("extmap id 256", withLine("a=extmap:256 urn:x"), "extmap id 256 is out of range", 9),
                Arguments.of("extmap bad direction", withLine("a=extmap:1/both urn:x"), "extmap direction 'both'", 9),
                Arguments.of("extmap duplicate id", withLine("a=extmap:1 urn:x") + "a=extmap:1 urn:y\r\n",
                        "duplicate a=extmap id 1", 10),
                Arguments.of("ice-ufrag too short", withLine("a=ice-ufrag:ab"), "ice-ufrag must be 4 to 256", 9),
                Arguments.of("ice-pwd bad character", withLine("a=ice-pwd:" + "p".repeat(21) + "!"),
                        "ice-pwd may contain only", 9),
                Arguments.of("setup unknown", withLine("a=setup:server"), "a=setup value 'server'", 9),
                Arguments.of("candidate bad priority", withLine("a=candidate:1 1 udp x 192.0.2.1 9 typ host"),
                        "candidate priority 'x' is not a number", 9),
                Arguments.of("candidate without typ", withLine("a=candidate:1 1 udp 1 192.0.2.1 9 type host"),
                        "must be 'typ'", 9),
                Arguments.of("candidate dangling extension",
                        withLine("a=candidate:1 1 udp 1 192.0.2.1 9 typ host generation"), "has no value", 9),
                Arguments.of("ssrc-group without ssrc", withLine("a=ssrc-group:FID"), "a=ssrc-group needs", 9),
                Arguments.of("rid bad direction", withLine("a=rid:q sendrecv"), "neither send nor recv", 9),
                Arguments.of("rid bad id", withLine("a=rid:q.1 send"), "may contain only letters", 9),
                Arguments.of("simulcast unknown rid", withLine("a=rid:q send") + "a=simulcast:send q;h\r\n",
                        "names rid 'h' with no a=rid:h send", 10),
                Arguments.of("simulcast same direction twice", withLine("a=simulcast:send a recv b recv c"),
                        "a=simulcast needs", 9),
                Arguments.of("sctp-port too big", withLine("a=sctp-port:70000"), "sctp-port 70000 is out of range", 9),
                Arguments.of("attribute name empty", withLine("a=:value"), "attribute name is empty", 9));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void malformedSdpGivesSdpExceptionNamingLineAndProblem(String name, String sdp, String problem, int line) {
        SdpException e = catchThrowableOfType(SdpException.class, () -> SessionDescription.parse(sdp));

        assertThat(e).as(name).isNotNull();
        assertThat(e.getMessage()).contains(problem);
        assertThat(e.lineNumber()).isEqualTo(line);
        if (line > 0) {
            assertThat(e.getMessage()).startsWith("SDP line " + line + " (");
        }
    }

    @Test
    void nullIsRefused() {
        assertThatThrownBy(() -> SessionDescription.parse(null)).isInstanceOf(SdpException.class)
                .hasMessage("SDP is null");
    }

    /** Issue 22: what Atrium does not route by never refuses an offer; it stays an opaque line. */
    @Test
    void legacyOrMalformedMsidAndSsrcAttributesAreKeptAsLines() {
        String gstreamer = "a=ssrc:1 msid:user717454655@host-53e34b3e webrtctransceiver0\r\n"
                + "a=ssrc:1 cname:user717454655@host-53e34b3e\r\n";
        String others = "a=msid\r\na=msid:a b c\r\na=msid:st\u00e9am track\r\na=msid:" + "x".repeat(65) + "\r\n"
                + "a=ssrc:4294967296 cname:x\r\na=ssrc:12\r\na=ssrc:2 msid:a b c\r\na=msid:stream track\r\n";
        SessionDescription sdp = SessionDescription.parse(BASE + gstreamer + others);
        MediaDescription m = sdp.media().get(0);
        assertThat(m.ssrcs()).extracting(MediaDescription.SsrcDescription::ssrc).containsExactly(1L, 2L);
        assertThat(m.ssrcs().get(0).cname()).hasValue("user717454655@host-53e34b3e");
        assertThat(m.ssrcs().get(0).msid()).as("not RFC 8830 syntax: described without msid").isEmpty();
        assertThat(m.msids()).containsExactly(new Msid("stream", "track"));
        assertThat(m.attributes()).extracting(Attribute::name).contains("msid", "ssrc");
        assertThat(sdp.write()).contains("a=ssrc:1 msid:user717454655@host-53e34b3e webrtctransceiver0");
    }

    @Test
    void fmtpRtpmapAndRtcpFbForUnknownPayloadTypeAreTolerated() {
        SessionDescription sdp = SessionDescription.parse(withLine("a=fmtp:99 apt=98") + "a=rtpmap:100 VP8/90000\r\n"
                + "a=rtcp-fb:101 nack\r\n");

        assertThat(sdp.media().get(0).codecs()).extracting(Codec::payloadType).containsExactly(111);
        assertThat(sdp.media().get(0).codecs().get(0).fmtp()).isEmpty();
        assertThat(sdp.media().get(0).codecs().get(0).feedback()).isEmpty();
    }

    @Test
    void lfAndCrlfAndMissingFinalLineBreakAreAccepted() {
        SessionDescription crlf = SessionDescription.parse(BASE);
        SessionDescription lf = SessionDescription.parse(BASE.replace("\r\n", "\n"));
        SessionDescription mixed = SessionDescription.parse(BASE.replaceFirst("\r\n", "\n"));
        SessionDescription unterminated = SessionDescription.parse(BASE.substring(0, BASE.length() - 2));
        SessionDescription trailingBlank = SessionDescription.parse(BASE + "\r\n\r\n");

        assertThat(lf).isEqualTo(crlf);
        assertThat(mixed).isEqualTo(crlf);
        assertThat(unterminated).isEqualTo(crlf);
        assertThat(trailingBlank).isEqualTo(crlf);
        assertThat(lf.write()).isEqualTo(BASE);
    }

    @Test
    void exceptionMessagesDoNotEchoControlCharacters() {
        SdpException e = catchThrowableOfType(SdpException.class,
                () -> SessionDescription.parse(withLine("a=rtpmap:\u001b[31mX opus/1")));

        assertThat(e.getMessage()).doesNotContain("\u001b");
    }

    @Test
    void builderValidatesLikeTheParser() {
        MediaDescription.Builder b = MediaDescription.builder(MediaLine.parse("audio 9 UDP/TLS/RTP/SAVPF 111"))
                .attribute("rtpmap", "x opus/48000");

        assertThatThrownBy(b::build).isInstanceOf(SdpException.class)
                .hasMessageContaining("a=rtpmap:x opus/48000").hasMessageContaining("payload type 'x' is not a number");
        assertThatThrownBy(() -> new SdpLine('a', "x\r\ny")).isInstanceOf(SdpException.class)
                .hasMessageContaining("control character 0xd");
    }
}
