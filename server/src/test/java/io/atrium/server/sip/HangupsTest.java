package io.atrium.server.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import javax.sip.message.Request;
import org.junit.jupiter.api.Test;

/**
 * The one mapping from why Atrium ends a call ({@link Hangups.Why}: a cause and its text) to the RFC 3326
 * {@code Reason} of its BYE or CANCEL, as it goes on the wire (JAIN-SIP's header factory): unavailable 503,
 * losing to another answer 200, no common codec 488, a fork's 6xx its own status, every other end Q.850 normal
 * call clearing; the text as a short quoted ASCII string whatever it holds. And which of the other side's
 * Reasons a BYE passes on. The SIPp tests check the same headers at the phones.
 */
class HangupsTest {

    static final SipFactories SIP = SipFactories.create();

    static String reason(Hangups.Why why) {
        return Hangups.reason(SIP.headers(), why).toString().strip();
    }

    @Test
    void unavailableIsServiceUnavailableWhateverItsText() {
        assertThat(reason(Hangups.STOPPING)).isEqualTo("Reason: SIP;cause=503;text=\"server stopping\"");
        assertThat(reason(Hangups.unavailable("join failed: the server is stopping")))
                .isEqualTo("Reason: SIP;cause=503;text=\"join failed: the server is stopping\"");
        assertThat(reason(Hangups.unavailable("the room moved to another node; reconnect")))
                .isEqualTo("Reason: SIP;cause=503;text=\"the room moved to another node; reconnect\"");
    }

    @Test
    void normalEndsAreNormalCallClearingWhateverTheirText() {
        assertThat(reason(Hangups.normal("removed by an admin"))).isEqualTo("Reason: Q.850;cause=16;text=\"removed by an admin\"");
        assertThat(reason(Hangups.normal("the room ended"))).isEqualTo("Reason: Q.850;cause=16;text=\"the room ended\"");
        assertThat(reason(Hangups.normal("the server is stopping"))).as("no text decides a cause")
                .isEqualTo("Reason: Q.850;cause=16;text=\"the server is stopping\"");
    }

    @Test
    void answeredElsewhereAndNoCommonCodecHaveTheirSipCauses() {
        assertThat(reason(Hangups.ELSEWHERE)).isEqualTo("Reason: SIP;cause=200;text=\"Call completed elsewhere\"");
        assertThat(reason(Hangups.NO_COMMON_AUDIO)).isEqualTo("Reason: SIP;cause=488;text=\"no common audio codec\"");
    }

    @Test
    void aForkEndsWithTheFinalResponseThatEndedIt() {
        assertThat(reason(Hangups.forkEnded(603))).isEqualTo("Reason: SIP;cause=603;text=\"Decline\"");
        assertThat(reason(Hangups.forkEnded(600))).isEqualTo("Reason: SIP;cause=600;text=\"Busy everywhere\"");
        assertThat(reason(Hangups.DECLINED)).as("an app's decline").isEqualTo("Reason: SIP;cause=603;text=\"Decline\"");
        assertThat(reason(Hangups.forkEnded(487))).isEqualTo("Reason: Q.850;cause=16;text=\"cancelled by the caller\"");
        assertThat(reason(Hangups.forkEnded(408))).isEqualTo("Reason: Q.850;cause=16;text=\"no answer\"");
        assertThat(reason(Hangups.forkEnded(486))).isEqualTo("Reason: Q.850;cause=16;text=\"busy\"");
    }

    @Test
    void theTextIsShortQuotedAscii() {
        assertThat(reason(Hangups.normal("join failed: \"bad\" \\ name é\r\nInjected: 1")))
                .isEqualTo("Reason: Q.850;cause=16;text=\"join failed:  bad    name    Injected: 1\"");
        assertThat(Hangups.text("x".repeat(200))).hasSize(Hangups.MAX_TEXT);
        assertThat(reason(Hangups.normal(null))).isEqualTo("Reason: Q.850;cause=16;text=\"call ended\"");
        assertThat(reason(Hangups.normal("\""))).isEqualTo("Reason: Q.850;cause=16;text=\"call ended\"");
    }

    /** The Reasons of a BYE with these Reason lines that Atrium passes on, as they go on the wire. */
    static List<String> passedOn(String... reasons) throws Exception {
        StringBuilder bye = new StringBuilder("BYE sip:atrium@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\nFrom: <sip:1001@127.0.0.1>;tag=a\r\n"
                + "To: <sip:1002@127.0.0.1>;tag=b\r\nCall-ID: c1\r\nCSeq: 3 BYE\r\nMax-Forwards: 70\r\n");
        for (String r : reasons) {
            bye.append("Reason: ").append(r).append("\r\n");
        }
        Request request = SIP.messages().createRequest(bye.append("Content-Length: 0\r\n\r\n").toString());
        return Hangups.passedOn(SIP.headers(), request).stream().map(h -> h.toString().strip()).toList();
    }

    @Test
    void aWellFormedReasonOfTheOtherSideIsPassedOnShortAndQuoted() throws Exception {
        assertThat(passedOn()).isEmpty();
        assertThat(passedOn("Q.850;cause=31;text=\"Normal, unspecified\""))
                .containsExactly("Reason: Q.850;cause=31;text=\"Normal, unspecified\"");
        assertThat(passedOn("sip ; cause=200 ; text=\"Call completed elsewhere\"", "Q.850;cause=16"))
                .containsExactly("Reason: SIP;cause=200;text=\"Call completed elsewhere\"", "Reason: Q.850;cause=16");
        assertThat(passedOn("Q.850;cause=16;text=\"" + "y".repeat(300) + "\";x-extra=1"))
                .containsExactly("Reason: Q.850;cause=16;text=\"" + "y".repeat(Hangups.MAX_TEXT) + "\"");
        assertThat(passedOn("Q.850;cause=17;text=\"a\\\"b\"")).containsExactly("Reason: Q.850;cause=17;text=\"a  b\"");
        assertThat(passedOn("SIP;cause=603", "SIP;cause=200")).as("one of each protocol").containsExactly("Reason: SIP;cause=603");
    }

    @Test
    void aMalformedOrForeignReasonIsNotPassedOn() throws Exception {
        assertThat(passedOn("SIP;cause=abc")).isEmpty();
        assertThat(passedOn("SIP;cause=99")).isEmpty();
        assertThat(passedOn("SIP;cause=99999999999")).isEmpty();
        assertThat(passedOn("Q.850;cause=0")).isEmpty();
        assertThat(passedOn("Q.850;cause=128")).isEmpty();
        assertThat(passedOn("preemption;cause=1;text=\"UA preemption\"")).isEmpty();
        assertThat(passedOn("SIP;cause=abc", "Q.850;cause=16;text=\"fine\""))
                .containsExactly("Reason: Q.850;cause=16;text=\"fine\"");
    }
}
