package io.atrium.webrtc.dtls;

import io.atrium.webrtc.srtp.SrtpProfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DtlsSettingsTest {

    private static final List<SrtpProfile> BOTH =
            List.of(SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80, SrtpProfile.SRTP_AEAD_AES_128_GCM);

    /** GCM first: it runs without garbage here (the test JVM opens the JDK's GHASH as the server's jar does). */
    @Test
    void defaultsPreferGcmAtMtu1200() {
        DtlsSettings defaults = DtlsSettings.defaults();
        assertThat(defaults.mtu()).isEqualTo(1200);
        assertThat(defaults.srtpProfiles()).containsExactly(SrtpProfile.SRTP_AEAD_AES_128_GCM, SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80);
        assertThat(defaults.srtpProfileIds()).containsExactly(0x0007, 0x0001);
    }

    static Stream<Arguments> invalid() {
        Duration ok = Duration.ofSeconds(5);
        return Stream.of(
            Arguments.of("mtu too small", DtlsSettings.MIN_MTU - 1, ok, BOTH, 8),
            Arguments.of("mtu too large", DtlsSettings.MAX_MTU + 1, ok, BOTH, 8),
            Arguments.of("timeout too short", 1200, Duration.ofMillis(99), BOTH, 8),
            Arguments.of("timeout negative", 1200, Duration.ofMillis(-1), BOTH, 8),
            Arguments.of("timeout too long", 1200, Duration.ofMinutes(6), BOTH, 8),
            Arguments.of("no profiles", 1200, ok, List.of(), 8),
            Arguments.of("duplicate profile", 1200, ok,
                List.of(SrtpProfile.SRTP_AEAD_AES_128_GCM, SrtpProfile.SRTP_AEAD_AES_128_GCM), 8),
            Arguments.of("empty queue", 1200, ok, BOTH, 0),
            Arguments.of("huge queue", 1200, ok, BOTH, DtlsSettings.MAX_RECEIVE_QUEUE_CAPACITY + 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void rejectsInvalidValues(String name, int mtu, Duration timeout, List<SrtpProfile> profiles, int queue) {
        assertThatThrownBy(() -> new DtlsSettings(mtu, timeout, profiles, queue))
                .isInstanceOf(DtlsException.class)
                .hasMessageStartingWith("dtls ");
    }
}
