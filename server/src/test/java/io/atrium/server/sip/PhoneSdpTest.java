package io.atrium.server.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * What Atrium agrees with a phone from SDP: the codec, the payload types each way when the phone's peer
 * chose other numbers (RFC 3264 6.1: a phone sends with its peer's numbers), and hold by direction.
 */
class PhoneSdpTest {

    static Sdp sdp(String address, String formats, String attributes) {
        return Sdp.parse(("v=0\r\no=- 1 1 IN IP4 " + address + "\r\ns=-\r\nc=IN IP4 " + address + "\r\nt=0 0\r\nm=audio 4000 RTP/AVP "
                + formats + "\r\n" + attributes).getBytes(StandardCharsets.UTF_8));
    }

    static final Sdp OFFER = sdp("10.0.0.1", "111 0 101", "a=rtpmap:111 opus/48000/2\r\na=rtpmap:101 telephone-event/8000\r\n");
    static final Sdp ANSWER = sdp("10.0.0.2", "96 100", "a=rtpmap:96 opus/48000/2\r\na=rtpmap:100 telephone-event/8000\r\n");

    @Test
    void aPhoneSendsWithItsPeersPayloadTypesAndExpectsItsOwn() {
        PhoneSdp caller = PhoneSdp.between(OFFER, ANSWER);
        assertThat(caller).isEqualTo(new PhoneSdp("10.0.0.1", 4000, "opus", 96, 100, 111, 101));
        PhoneSdp callee = PhoneSdp.between(ANSWER, OFFER);
        assertThat(callee).isEqualTo(new PhoneSdp("10.0.0.2", 4000, "opus", 111, 101, 96, 100));
        // the answer chose PCMU from an offer that preferred Opus; no telephone-event in the answer
        Sdp pcmu = sdp("10.0.0.2", "0", "");
        assertThat(PhoneSdp.between(OFFER, pcmu)).isEqualTo(new PhoneSdp("10.0.0.1", 4000, "PCMU", 0, -1, 0, -1));
        assertThat(PhoneSdp.between(OFFER, sdp("10.0.0.2", "9", "a=rtpmap:9 G722/8000\r\n"))).as("no codec in common").isNull();
        assertThat(PhoneSdp.negotiate(OFFER)).isEqualTo(new PhoneSdp("10.0.0.1", 4000, "opus", 111, 101, 111, 101));
    }

    /**
     * Whether a phone given one SDP may be sent media as another says (a fork's early media moving to another phone,
     * docs/SIP.md "Early media"): the audio line's transport and formats and the rtpmap/fmtp lines, wherever either listens.
     */
    @Test
    void sameMediaIsTheSameFormatsAndMapsWhereverEachListens() {
        Sdp pcmu = sdp("10.0.0.1", "0 101", "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n");
        Sdp elsewhere = Sdp.parse(sdp("10.0.0.2", "0 101", "a=rtpmap:101 telephone-event/8000\r\na=rtpmap:0 PCMU/8000\r\n")
                .pointedAt("192.0.2.1", 5000));
        assertThat(pcmu.sameMedia(elsewhere)).as("another address, port, origin, direction and order").isTrue();
        assertThat(pcmu.sameMedia(sdp("10.0.0.1", "8 101", "a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n")))
                .as("another codec").isFalse();
        assertThat(pcmu.sameMedia(sdp("10.0.0.1", "0 96", "a=rtpmap:0 PCMU/8000\r\na=rtpmap:96 telephone-event/8000\r\n")))
                .as("another payload type").isFalse();
        assertThat(OFFER.sameMedia(sdp("10.0.0.1", "111 0 101", "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 useinbandfec=1\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\n"))).as("another fmtp").isFalse();
    }

    @Test
    void holdIsSendonlyInactiveOrAZeroAddress() {
        assertThat(sdp("10.0.0.1", "0", "a=sendrecv\r\n").holds()).isFalse();
        assertThat(sdp("10.0.0.1", "0", "").answerDirection()).isEqualTo("sendrecv");
        Sdp sendonly = sdp("10.0.0.1", "0", "a=sendonly\r\n");
        assertThat(sendonly.holds()).isTrue();
        assertThat(sendonly.answerDirection()).isEqualTo("recvonly");
        Sdp inactive = sdp("10.0.0.1", "0", "a=inactive\r\n");
        assertThat(inactive.holds()).isTrue();
        assertThat(inactive.answerDirection()).isEqualTo("inactive");
        assertThat(sdp("0.0.0.0", "0", "").holds()).as("RFC 2543 hold").isTrue();
        Sdp recvonly = sdp("10.0.0.1", "0", "a=recvonly\r\n");
        assertThat(recvonly.holds()).isFalse();
        assertThat(recvonly.answerDirection()).isEqualTo("sendonly");
        assertThat(new String(PhoneSdp.negotiate(sendonly).answer("127.0.0.1", 5000, sendonly.answerDirection()), StandardCharsets.UTF_8))
                .contains("m=audio 5000 RTP/AVP 0\r\n").contains("a=recvonly\r\n").doesNotContain("sendrecv");
    }

    @Test
    void aDirectionReplacesEveryOtherAndAChangedSdpsVersionGoesOneUp() {
        Sdp media = sdp("10.0.0.1", "0", "a=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n");
        String held = media.withDirection("recvonly").text();
        assertThat(held).contains("t=0 0\r\na=recvonly\r\nm=audio 4000").doesNotContain("sendrecv");
        assertThat(Sdp.parse(held.getBytes(StandardCharsets.UTF_8)).direction()).isEqualTo("recvonly");
        byte[] sent = media.text().getBytes(StandardCharsets.UTF_8);
        assertThat(new String(media.withDirection("recvonly").after(sent), StandardCharsets.UTF_8)).startsWith("v=0\r\no=- 1 2 IN IP4 10.0.0.1\r\n");
        assertThat(new String(media.withDirection("sendrecv").after(sent), StandardCharsets.UTF_8)).as("the same SDP")
                .startsWith("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\n");
        assertThat(Sdp.quiet("sendrecv")).isFalse();
        assertThat(java.util.List.of("sendonly", "recvonly", "inactive")).as("holding or held").allMatch(Sdp::quiet);
        // an RFC 2543 hold pointed at the relay says what it meant
        assertThat(new String(sdp("0.0.0.0", "0", "").pointedAt("127.0.0.1", 5000), StandardCharsets.UTF_8))
                .contains("c=IN IP4 127.0.0.1").contains("a=sendonly\r\nm=audio 5000");
    }
}
