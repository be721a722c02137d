package io.atrium.server.sip;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The one mapping from why Atrium ends a call to the RFC 3326 {@code Reason} of its BYE or CANCEL, as it
 * goes on the wire (JAIN-SIP's header factory): the server or media stopping is 503, losing to another
 * answer 200, no common codec 488, every other end Q.850 normal call clearing; the text is the why, as a
 * short quoted ASCII string whatever the why holds. The SIPp tests check the same headers at the phones.
 */
class HangupsTest {

    static final SipFactories SIP = SipFactories.create();

    static String reason(String why) {
        return Hangups.reason(SIP.headers(), why).toString().strip();
    }

    @Test
    void theServerOrItsMediaStoppingIsServiceUnavailable() {
        assertThat(reason(Hangups.STOPPING)).isEqualTo("Reason: SIP;cause=503;text=\"server stopping\"");
        assertThat(reason("join failed: the server is stopping"))
                .isEqualTo("Reason: SIP;cause=503;text=\"join failed: the server is stopping\"");
        assertThat(reason("server shutting down")).startsWith("Reason: SIP;cause=503;");
        assertThat(reason("the room's node is gone; reconnect")).startsWith("Reason: SIP;cause=503;");
        assertThat(reason("the room moved to another node; reconnect")).startsWith("Reason: SIP;cause=503;");
    }

    @Test
    void normalEndsAreNormalCallClearing() {
        assertThat(reason("removed by an admin")).isEqualTo("Reason: Q.850;cause=16;text=\"removed by an admin\"");
        assertThat(reason("the room ended")).isEqualTo("Reason: Q.850;cause=16;text=\"the room ended\"");
        assertThat(reason("wrong PIN")).isEqualTo("Reason: Q.850;cause=16;text=\"wrong PIN\"");
    }

    @Test
    void answeredElsewhereAndNoCommonCodecHaveTheirSipCauses() {
        assertThat(reason(Hangups.ELSEWHERE)).isEqualTo("Reason: SIP;cause=200;text=\"Call completed elsewhere\"");
        assertThat(reason(Hangups.NO_COMMON_AUDIO)).isEqualTo("Reason: SIP;cause=488;text=\"no common audio codec\"");
    }

    @Test
    void theTextIsShortQuotedAscii() {
        assertThat(reason("join failed: \"bad\" \\ name é\r\nInjected: 1"))
                .isEqualTo("Reason: Q.850;cause=16;text=\"join failed:  bad    name    Injected: 1\"");
        assertThat(Hangups.text("x".repeat(200))).hasSize(Hangups.MAX_TEXT);
        assertThat(reason(null)).isEqualTo("Reason: Q.850;cause=16;text=\"call ended\"");
        assertThat(reason("\"")).isEqualTo("Reason: Q.850;cause=16;text=\"call ended\"");
    }
}
