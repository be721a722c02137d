package io.atrium.webrtc.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SrtpProfileTest {

    @Test
    void matchesTheRegisteredValuesAndLengths() {
        // RFC 5764 4.1.2: SRTP_AES128_CM_HMAC_SHA1_80 = {0x00, 0x01}; 128-bit key, 112-bit salt
        assertThat(SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80.id()).isEqualTo(0x0001);
        assertThat(SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80.masterKeyLength()).isEqualTo(128 / 8);
        assertThat(SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80.masterSaltLength()).isEqualTo(112 / 8);
        assertThat(SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80.keyingMaterialLength()).isEqualTo(60);
        // RFC 7714 14.2: SRTP_AEAD_AES_128_GCM = {0x00, 0x07}; 128-bit key, 96-bit salt
        assertThat(SrtpProfile.SRTP_AEAD_AES_128_GCM.id()).isEqualTo(0x0007);
        assertThat(SrtpProfile.SRTP_AEAD_AES_128_GCM.masterKeyLength()).isEqualTo(128 / 8);
        assertThat(SrtpProfile.SRTP_AEAD_AES_128_GCM.masterSaltLength()).isEqualTo(96 / 8);
        assertThat(SrtpProfile.SRTP_AEAD_AES_128_GCM.keyingMaterialLength()).isEqualTo(56);
    }

    @Test
    void tagsAndOverheads() {
        // RFC 3711 8.2 / RFC 5764 4.1.2: HMAC-SHA1 with a 160-bit key, tag truncated to 80 bits
        assertThat(SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80.authKeyLength()).isEqualTo(20);
        assertThat(SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80.rtpOverhead()).isEqualTo(10);
        assertThat(SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80.rtcpOverhead()).isEqualTo(14);
        // RFC 7714 12: no auth key, 16-octet tag; SRTCP adds the 4-octet E/index word
        assertThat(SrtpProfile.SRTP_AEAD_AES_128_GCM.authKeyLength()).isZero();
        assertThat(SrtpProfile.SRTP_AEAD_AES_128_GCM.rtpOverhead()).isEqualTo(16);
        assertThat(SrtpProfile.SRTP_AEAD_AES_128_GCM.rtcpOverhead()).isEqualTo(20);
    }

    @Test
    void findsSupportedIds() {
        assertThat(SrtpProfile.fromId(0x0001)).contains(SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80);
        assertThat(SrtpProfile.fromId(0x0007)).contains(SrtpProfile.SRTP_AEAD_AES_128_GCM);
    }

    @ParameterizedTest
    @ValueSource(ints = {0x0000, 0x0002, 0x0005, 0x0006, 0x0008, 0x0100, 0xFFFF, -1})
    void unknownIdsAreEmpty(int id) {
        assertThat(SrtpProfile.fromId(id)).isEmpty();
    }
}
