package io.atrium.webrtc.dtls;

import io.atrium.webrtc.srtp.SrtpProfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The RFC 5764 section 4.2 layout: client key, server key, client salt, server salt. */
class SrtpKeyingMaterialTest {

    static Stream<Arguments> layouts() {
        return Stream.of(
            // profile, total, client key [from, to), server key, client salt, server salt
            Arguments.of(SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80, 60, new int[] {0, 16, 16, 32, 32, 46, 46, 60}),
            Arguments.of(SrtpProfile.SRTP_AEAD_AES_128_GCM, 56, new int[] {0, 16, 16, 32, 32, 44, 44, 56}));
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void slicesClientAndServerKeysAndSalts(SrtpProfile profile, int total, int[] ranges) {
        byte[] material = counting(total);
        SrtpKeyingMaterial client = SrtpKeyingMaterial.of(profile, DtlsRole.CLIENT, material);
        SrtpKeyingMaterial server = SrtpKeyingMaterial.of(profile, DtlsRole.SERVER, material);

        assertThat(client.clientWrite().key()).isEqualTo(range(ranges[0], ranges[1]));
        assertThat(client.serverWrite().key()).isEqualTo(range(ranges[2], ranges[3]));
        assertThat(client.clientWrite().salt()).isEqualTo(range(ranges[4], ranges[5]));
        assertThat(client.serverWrite().salt()).isEqualTo(range(ranges[6], ranges[7]));
        assertThat(client.local()).isEqualTo(client.clientWrite());
        assertThat(client.remote()).isEqualTo(client.serverWrite());
        assertThat(server.local()).isEqualTo(client.serverWrite());
        assertThat(server.remote()).isEqualTo(client.clientWrite());
        assertThat(client.profileId()).isEqualTo(profile.id());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 55, 57, 59, 61, 120})
    void rejectsMaterialOfTheWrongLength(int length) {
        for (SrtpProfile profile : SrtpProfile.values()) {
            if (length != profile.keyingMaterialLength()) {
                assertThatThrownBy(() -> SrtpKeyingMaterial.of(profile, DtlsRole.SERVER, new byte[length]))
                        .isInstanceOf(DtlsException.class);
            }
        }
    }

    @Test
    void isImmutableAndDoesNotPrintSecrets() {
        byte[] material = counting(60);
        SrtpKeyingMaterial keys = SrtpKeyingMaterial.of(SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80, DtlsRole.CLIENT, material);
        material[0] = 99;
        keys.material()[1] = 99;
        keys.local().key()[2] = 99;

        assertThat(keys.material()).isEqualTo(counting(60));
        assertThat(keys.toString()).doesNotContain("0, 1, 2").contains("60 bytes");
        assertThat(keys.local().toString()).contains("16 bytes").contains("14 bytes");
    }

    private static byte[] counting(int length) {
        return range(0, length);
    }

    private static byte[] range(int from, int to) {
        byte[] out = new byte[to - from];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (from + i);
        }
        return out;
    }
}
