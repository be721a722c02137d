package io.atrium.webrtc.srtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** RFC 3711 appendix B.3: key derivation with the AES-CM PRF. */
class SrtpKeyDerivationTest {
    private static final byte[] MASTER_KEY = Hex.bytes("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static final byte[] MASTER_SALT = Hex.bytes("0EC675AD498AFEEBB6960B3AABE6");

    @Test
    void cipherKey() {
        assertThat(SrtpKeyDerivation.derive(MASTER_KEY, MASTER_SALT, SrtpKeyDerivation.LABEL_RTP_ENCRYPTION, 16))
                .isEqualTo(Hex.bytes("C61E7A93744F39EE10734AFE3FF7A087"));
    }

    @Test
    void cipherSalt() {
        assertThat(SrtpKeyDerivation.derive(MASTER_KEY, MASTER_SALT, SrtpKeyDerivation.LABEL_RTP_SALT, 14))
                .isEqualTo(Hex.bytes("30CBBC08863D8C85D49DB34A9AE1"));
    }

    @Test
    void authKeyAll94Octets() {
        assertThat(SrtpKeyDerivation.derive(MASTER_KEY, MASTER_SALT, SrtpKeyDerivation.LABEL_RTP_AUTH, 94))
                .isEqualTo(Hex.bytes("""
                        CEBE321F6FF7716B6FD4AB49AF256A15
                        6D38BAA48F0A0ACF3C34E2359E6CDBCE
                        E049646C43D9327AD175578EF7227098
                        6371C10C9A369AC2F94A8C5FBCDDDC25
                        6D6E919A48B610EF17C2041E47403576
                        6B68642C59BBFC2F34DB60DBDFB2"""));
    }

    @Test
    void labelsGiveDistinctKeys() {
        byte[][] keys = new byte[6][];
        for (int label = 0; label < 6; label++) {
            keys[label] = SrtpKeyDerivation.derive(MASTER_KEY, MASTER_SALT, label, 16);
        }
        for (int a = 0; a < 6; a++) {
            for (int b = a + 1; b < 6; b++) {
                assertThat(keys[a]).isNotEqualTo(keys[b]);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({
        "16, 13, 0, 16",   // salt neither 12 nor 14
        "16, 15, 0, 16",
        "16, 14, -1, 16",  // label out of range
        "16, 14, 256, 16",
        "16, 14, 0, -1",   // negative length
        "15, 14, 0, 16",   // not an AES key
    })
    void rejectsBadArguments(int keyLength, int saltLength, int label, int length) {
        assertThatThrownBy(() -> SrtpKeyDerivation.derive(new byte[keyLength], new byte[saltLength], label, length))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
