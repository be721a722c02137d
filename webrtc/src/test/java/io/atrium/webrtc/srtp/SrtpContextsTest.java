package io.atrium.webrtc.srtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** RFC 5764 section 4.2 key splitting, and the profile table. */
class SrtpContextsTest {

    private static byte[] material(SrtpProfile profile) {
        byte[] m = new byte[profile.keyingMaterialLength()];
        for (int i = 0; i < m.length; i++) {
            m[i] = (byte) (i * 31 + 5);
        }
        return m;
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void clientAndServerContextsPairUp(SrtpProfile profile) {
        SrtpContexts client = SrtpContexts.forClient(profile, material(profile));
        SrtpContexts server = SrtpContexts.forServer(profile, material(profile));

        byte[] up = Packets.rtp(1, 1, 160);
        int len = client.outbound().protectRtp(up, 0, 172);
        assertThat(server.inbound().unprotectRtp(up, 0, len)).isEqualTo(172);

        byte[] down = Packets.rtcp(2, 20);
        len = server.outbound().protectRtcp(down, 0, 28);
        assertThat(client.inbound().unprotectRtcp(down, 0, len)).isEqualTo(28);

        byte[] loop = Packets.rtp(2, 1, 160);
        len = client.outbound().protectRtp(loop, 0, 172);
        assertThat(client.inbound().unprotectRtp(loop, 0, len)).isEqualTo(SrtpError.AUTH_FAILED);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void clientWriteKeyIsTheFirstKeyAndClientSaltTheThirdField(SrtpProfile profile) {
        byte[] m = material(profile);
        int k = profile.masterKeyLength();
        int s = profile.masterSaltLength();
        SrtpContext expected = new SrtpContext(profile, Arrays.copyOfRange(m, 0, k), Arrays.copyOfRange(m, 2 * k, 2 * k + s));
        byte[] a = Packets.rtp(4, 9, 50);
        byte[] b = a.clone();
        int len = expected.protectRtp(a, 0, 62);
        assertThat(SrtpContexts.forClient(profile, m).outbound().protectRtp(b, 0, 62)).isEqualTo(len);
        assertThat(b).isEqualTo(a);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rejectsKeyingMaterialOfTheWrongLength(SrtpProfile profile) {
        assertThatThrownBy(() -> SrtpContexts.forClient(profile, new byte[profile.keyingMaterialLength() - 1]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SrtpContexts.forServer(profile, new byte[profile.keyingMaterialLength() + 1]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void profileTableFollowsRfc5764AndRfc7714() {
        assertThat(SrtpProfile.fromId(0x0001)).contains(SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80);
        assertThat(SrtpProfile.fromId(0x0007)).contains(SrtpProfile.SRTP_AEAD_AES_128_GCM);
        assertThat(SrtpProfile.fromId(0x0002)).isEmpty();
        assertThat(SrtpProfile.fromId(0x0008)).isEmpty();
        assertThat(SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80.keyingMaterialLength()).isEqualTo(60);
        assertThat(SrtpProfile.SRTP_AEAD_AES_128_GCM.keyingMaterialLength()).isEqualTo(56);
        assertThat(SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80.rtcpOverhead()).isEqualTo(14);
        assertThat(SrtpProfile.SRTP_AEAD_AES_128_GCM.rtcpOverhead()).isEqualTo(20);
    }

    @Test
    void errorCodesAreDistinctNegativeAndNamed() {
        int[] codes = {SrtpError.TOO_SHORT, SrtpError.MALFORMED, SrtpError.AUTH_FAILED, SrtpError.REPLAYED,
            SrtpError.TOO_OLD, SrtpError.SSRC_LIMIT, SrtpError.BUFFER_TOO_SMALL, SrtpError.INDEX_EXHAUSTED};
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int code : codes) {
            assertThat(code).isNegative();
            assertThat(names.add(SrtpError.describe(code))).isTrue();
        }
        assertThat(names).doesNotContain("ok", "unknown");
        assertThat(java.util.Arrays.stream(codes).distinct().count()).isEqualTo(codes.length);
        assertThat(SrtpError.describe(12)).isEqualTo("ok");
        assertThat(SrtpError.describe(-99)).isEqualTo("unknown");
    }
}
