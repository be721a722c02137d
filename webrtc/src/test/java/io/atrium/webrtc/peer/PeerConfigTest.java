package io.atrium.webrtc.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atrium.webrtc.dtls.DtlsCertificate;
import io.atrium.webrtc.dtls.DtlsSettings;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PeerConfigTest {
    static final String UFRAG = "abcd";
    static final String PWD = "abcdefghijklmnopqrstuv";
    static final String FINGERPRINT = DtlsCertificate.generate().fingerprint().toSdpValue();
    static final InetSocketAddress ADDRESS = new InetSocketAddress(InetAddress.getLoopbackAddress(), 3478);

    static Stream<Arguments> badDescriptions() {
        return Stream.of(
                Arguments.of("ufrag too short", "abc", PWD, FINGERPRINT, ADDRESS, "ufrag"),
                Arguments.of("ufrag with a colon", "ab:cd", PWD, FINGERPRINT, ADDRESS, "ufrag"),
                Arguments.of("ufrag null", null, PWD, FINGERPRINT, ADDRESS, "ufrag"),
                Arguments.of("password too short", UFRAG, "abcdefghijklmnopqrstu", FINGERPRINT, ADDRESS, "password"),
                Arguments.of("password with a space", UFRAG, "abcdefghijk mnopqrstuvw", FINGERPRINT, ADDRESS,
                        "password"),
                Arguments.of("fingerprint null", UFRAG, PWD, null, ADDRESS, "fingerprint"),
                Arguments.of("fingerprint without hash", UFRAG, PWD, FINGERPRINT.substring(8), ADDRESS, "fingerprint"),
                Arguments.of("fingerprint of an unknown hash", UFRAG, PWD, "md7 AB:CD", ADDRESS, "fingerprint"),
                Arguments.of("fingerprint with bad hex", UFRAG, PWD, "sha-256 AB:CG", ADDRESS, "fingerprint"),
                Arguments.of("candidate null", UFRAG, PWD, FINGERPRINT, null, "candidate"),
                Arguments.of("candidate unresolved", UFRAG, PWD, FINGERPRINT,
                        InetSocketAddress.createUnresolved("sfu.invalid", 3478), "candidate"),
                Arguments.of("candidate port 0", UFRAG, PWD, FINGERPRINT,
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "candidate"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badDescriptions")
    void rejectsBadRemoteDescriptions(String name, String ufrag, String pwd, String fingerprint,
                                      InetSocketAddress candidate, String mentions) {
        assertThatThrownBy(() -> new RemoteDescription(ufrag, pwd, fingerprint, candidate))
                .isInstanceOf(PeerException.class).hasMessageContaining(mentions);
    }

    @Test
    void acceptsAGoodDescriptionAndHidesThePassword() {
        RemoteDescription d = new RemoteDescription(UFRAG, PWD, FINGERPRINT, ADDRESS);
        assertThat(d.dtlsFingerprint().toSdpValue()).isEqualTo(FINGERPRINT);
        assertThat(d.toString()).contains(UFRAG).doesNotContain(PWD);
    }

    static Stream<Arguments> badSettings() {
        Duration ms50 = Duration.ofMillis(50);
        Duration s5 = Duration.ofSeconds(5);
        Duration s30 = Duration.ofSeconds(30);
        return Stream.of(
                Arguments.of("check interval 9 ms", Duration.ofMillis(9), s5, s30, "checkInterval"),
                Arguments.of("check interval 2 s", Duration.ofSeconds(2), s5, s30, "checkInterval"),
                Arguments.of("consent interval 0", ms50, Duration.ZERO, s30, "consentInterval"),
                Arguments.of("consent interval negative", ms50, Duration.ofSeconds(-1), s30, "consentInterval"),
                Arguments.of("consent timeout below two intervals", ms50, s5, Duration.ofSeconds(9),
                        "consentTimeout"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSettings")
    void rejectsBadSettings(String name, Duration check, Duration consent, Duration timeout, String mentions) {
        assertThatThrownBy(() -> new PeerSettings(check, consent, timeout, DtlsSettings.defaults()))
                .isInstanceOf(PeerException.class).hasMessageContaining(mentions);
    }

    @Test
    void defaultsFollowTheRfcs() {
        PeerSettings d = PeerSettings.defaults();
        assertThat(d.checkInterval()).isEqualTo(Duration.ofMillis(50));
        assertThat(d.consentInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(d.consentTimeout()).isEqualTo(Duration.ofSeconds(30));
    }
}
