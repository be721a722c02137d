package io.atrium.server.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** DTMF in SIP INFO bodies ({@link InfoDtmf}). */
class InfoDtmfTest {

    private static InfoDtmf.Result read(String type, String body) {
        return InfoDtmf.read(type, body == null ? null : body.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void dtmfRelayGivesTheSignalLine() {
        assertThat(read("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n")).isEqualTo(new InfoDtmf.Key('5'));
        assertThat(read("application/dtmf-relay", "Duration=250\nsignal = #\n")).isEqualTo(new InfoDtmf.Key('#'));
        assertThat(read("Application/DTMF-Relay; charset=us-ascii", "Signal=*")).isEqualTo(new InfoDtmf.Key('*'));
        assertThat(read("application/dtmf-relay", "Signal=d")).isEqualTo(new InfoDtmf.Key('D'));
    }

    @Test
    void dtmfIsTheKeyAlone() {
        assertThat(read("application/dtmf", "7")).isEqualTo(new InfoDtmf.Key('7'));
        assertThat(read("application/dtmf", " 0\r\n")).isEqualTo(new InfoDtmf.Key('0'));
    }

    @Test
    void tenToFifteenAreTheEventCodesOfStarHashAndAToD() {
        assertThat(read("application/dtmf-relay", "Signal=10")).isEqualTo(new InfoDtmf.Key('*'));
        assertThat(read("application/dtmf", "11")).isEqualTo(new InfoDtmf.Key('#'));
        assertThat(read("application/dtmf-relay", "Signal=12")).isEqualTo(new InfoDtmf.Key('A'));
        assertThat(read("application/dtmf-relay", "Signal=15")).isEqualTo(new InfoDtmf.Key('D'));
        assertThat(read("application/dtmf", "05")).isEqualTo(new InfoDtmf.Key('5'));
    }

    @Test
    void otherTypesAreUnsupported() {
        assertThat(read("application/media_control+xml", "<media_control/>")).isInstanceOf(InfoDtmf.Unsupported.class);
        assertThat(read(null, "Signal=5")).isInstanceOf(InfoDtmf.Unsupported.class);
        assertThat(read("text/plain", "5")).isInstanceOf(InfoDtmf.Unsupported.class);
    }

    @Test
    void bodiesNamingNoKeyAreMalformedAndSayWhy() {
        assertThat(read("application/dtmf-relay", "Duration=160")).isEqualTo(new InfoDtmf.Malformed("no Signal= line"));
        assertThat(read("application/dtmf-relay", "Signal=16")).isEqualTo(new InfoDtmf.Malformed("no DTMF key in \"16\""));
        assertThat(read("application/dtmf", "")).isEqualTo(new InfoDtmf.Malformed("no body"));
        assertThat(read("application/dtmf", null)).isEqualTo(new InfoDtmf.Malformed("no body"));
        assertThat(read("application/dtmf", "5".repeat(257))).isEqualTo(new InfoDtmf.Malformed("body over 256 bytes"));
        assertThat(read("application/dtmf", "E")).isInstanceOf(InfoDtmf.Malformed.class);
        assertThat(((InfoDtmf.Malformed) read("application/dtmf-relay", "Signal=" + "x".repeat(40))).why())
                .isEqualTo("no DTMF key in \"" + "x".repeat(16) + "…\"");
    }
}
