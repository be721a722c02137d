package io.atrium.webrtc.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.stream.Stream;

import org.bouncycastle.tls.EncryptionAlgorithm;
import org.bouncycastle.tls.TlsUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DtlsRecordFilterTest {

    private static final String GCM_MIN = "ab".repeat(DtlsRecordFilter.MIN_ENCRYPTED_FRAGMENT_LENGTH);

    static Stream<Arguments> datagrams() {
        return Stream.of(
            Arguments.of("epoch-0 handshake, DTLS 1.2", "16fefd" + "0000" + "000000000000" + "0001" + "01", true),
            Arguments.of("epoch-0 handshake, DTLS 1.0 (first flight)",
                "16feff" + "0000" + "000000000000" + "0002" + "0300", true),
            Arguments.of("epoch-1 record of exactly nonce + tag", "17fefd" + "0001" + "000000000001" + "0018" + GCM_MIN,
                true),
            Arguments.of("change_cipher_spec then an epoch-1 Finished in one datagram",
                "14fefd" + "0000" + "000000000005" + "0001" + "01"
                    + "16fefd" + "0001" + "000000000000" + "0028" + "cd".repeat(40), true),
            Arguments.of("three records", ("15fefd" + "0001" + "000000000009" + "001a" + "ef".repeat(26)).repeat(3),
                true),
            Arguments.of("empty datagram", "", false),
            Arguments.of("12 bytes", "17fefd000100000000000100", false),
            Arguments.of("epoch-1 record of 16 bytes", "17fefd" + "0001" + "000000000001" + "0010" + "ab".repeat(16),
                false),
            Arguments.of("epoch-1 record of 23 bytes", "17fefd" + "0001" + "000000000001" + "0017" + "ab".repeat(23),
                false),
            Arguments.of("epoch-1 empty record", "17fefd" + "0001" + "000000000001" + "0000", false),
            Arguments.of("epoch-0 empty record", "16fefd" + "0000" + "000000000001" + "0000", false),
            Arguments.of("content type 19", "13fefd" + "0001" + "000000000001" + "0018" + GCM_MIN, false),
            Arguments.of("content type 24 (heartbeat)", "18fefd" + "0001" + "000000000001" + "0018" + GCM_MIN, false),
            Arguments.of("content type 25 (tls12_cid)", "19fefd" + "0001" + "000000000001" + "0018" + GCM_MIN, false),
            Arguments.of("version 0xFEFC", "17fefc" + "0001" + "000000000001" + "0018" + GCM_MIN, false),
            Arguments.of("version 0xFFFD", "17fffd" + "0001" + "000000000001" + "0018" + GCM_MIN, false),
            Arguments.of("version 0x0303", "170303" + "0001" + "000000000001" + "0018" + GCM_MIN, false),
            Arguments.of("epoch 2", "17fefd" + "0002" + "000000000001" + "0018" + GCM_MIN, false),
            Arguments.of("epoch 256", "17fefd" + "0100" + "000000000001" + "0018" + GCM_MIN, false),
            Arguments.of("length past the end", "17fefd" + "0001" + "000000000001" + "0019" + GCM_MIN, false),
            Arguments.of("one trailing byte", "17fefd" + "0001" + "000000000001" + "0018" + GCM_MIN + "00", false),
            Arguments.of("12 trailing bytes", "17fefd" + "0001" + "000000000001" + "0018" + GCM_MIN + "00".repeat(12),
                false),
            Arguments.of("second record too short for the cipher",
                "17fefd" + "0001" + "000000000001" + "0018" + GCM_MIN
                    + "15fefd" + "0001" + "000000000002" + "0002" + "0100", false),
            Arguments.of("second record in epoch 2",
                "17fefd" + "0001" + "000000000001" + "0018" + GCM_MIN
                    + "17fefd" + "0002" + "000000000002" + "0018" + GCM_MIN, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("datagrams")
    void framingDecidesWhetherTheDatagramIsPassedOn(String name, String hex, boolean wellFramed) {
        byte[] datagram = HexFormat.of().parseHex(hex);
        assertThat(DtlsRecordFilter.isWellFramed(datagram, 0, datagram.length)).isEqualTo(wellFramed);

        byte[] shifted = new byte[datagram.length + 7];
        System.arraycopy(datagram, 0, shifted, 5, datagram.length);
        shifted[0] = 0x17;
        shifted[shifted.length - 1] = 0x17;
        assertThat(DtlsRecordFilter.isWellFramed(shifted, 5, datagram.length)).isEqualTo(wellFramed);
    }

    @Test
    void outOfRangeArgumentsAreRefusedWithoutThrowing() {
        byte[] record = HexFormat.of().parseHex("17fefd" + "0001" + "000000000001" + "0018" + GCM_MIN);
        assertThat(DtlsRecordFilter.isWellFramed(null, 0, 37)).isFalse();
        assertThat(DtlsRecordFilter.isWellFramed(record, -1, record.length)).isFalse();
        assertThat(DtlsRecordFilter.isWellFramed(record, 0, record.length + 1)).isFalse();
        assertThat(DtlsRecordFilter.isWellFramed(record, 1, record.length)).isFalse();
        assertThat(DtlsRecordFilter.isWellFramed(record, 0, -1)).isFalse();
        assertThat(DtlsRecordFilter.isWellFramed(record, 0, record.length - 1)).isFalse();
        assertThat(DtlsRecordFilter.isWellFramed(record, 0, record.length)).isTrue();
    }

    @Test
    void everyOfferedSuiteIsAesGcmSoTheMinimumFragmentHolds() {
        // the minimum encrypted fragment is RFC 5288's 8-byte explicit nonce plus 16-byte tag; a suite with
        // another record layout (CBC, ChaCha20-Poly1305) would need another minimum
        for (int suite : HandshakeContext.CIPHER_SUITES) {
            assertThat(TlsUtils.getEncryptionAlgorithm(suite))
                    .isIn(EncryptionAlgorithm.AES_128_GCM, EncryptionAlgorithm.AES_256_GCM);
        }
        assertThat(DtlsRecordFilter.MIN_ENCRYPTED_FRAGMENT_LENGTH).isEqualTo(24);
    }
}
