package io.atrium.webrtc.dtls;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class DtlsFingerprintTest {

    /** FIPS 180-2 appendix B.1: SHA-256("abc"). */
    private static final String SHA256_ABC =
            "BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD";

    /** The example attribute of RFC 4572 section 5 (carried over into RFC 8122). */
    private static final String RFC_4572_EXAMPLE = "SHA-1 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB";

    @Test
    void sha256IsFormattedAsSdpWantsIt() {
        DtlsFingerprint fingerprint = DtlsFingerprint.sha256("abc".getBytes(US_ASCII));

        assertThat(fingerprint.toSdpValue()).isEqualTo("sha-256 " + SHA256_ABC);
        assertThat(fingerprint.toSdpValue()).matches("sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}");
        assertThat(fingerprint.hashFunction()).isEqualTo("sha-256");
        assertThat(fingerprint.digest()).hasSize(32);
    }

    @Test
    void parsesLowerCaseHexAndMatchesTheCertificate() {
        byte[] certificate = "abc".getBytes(US_ASCII);
        DtlsFingerprint parsed = DtlsFingerprint.parse("sha-256 " + SHA256_ABC.toLowerCase(Locale.ROOT)).orElseThrow();

        assertThat(parsed).isEqualTo(DtlsFingerprint.sha256(certificate));
        assertThat(parsed.matches(certificate)).isTrue();
        assertThat(parsed.matches("abd".getBytes(US_ASCII))).isFalse();
        assertThat(parsed.matches(null)).isFalse();
        assertThat(parsed.toSdpValue()).isEqualTo("sha-256 " + SHA256_ABC);
    }

    @Test
    void parsesTheRfcExampleWithUpperCaseHashName() {
        DtlsFingerprint parsed = DtlsFingerprint.parse(RFC_4572_EXAMPLE).orElseThrow();

        assertThat(parsed.hashFunction()).isEqualTo("sha-1");
        assertThat(parsed.digest()).isEqualTo(HexFormat.of().parseHex("4AADB9B13F82183B540212DF3E5D496B19E57CAB"));
        assertThat(parsed.toSdpValue()).isEqualTo("sha-1 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "  sha-256 " + SHA256_ABC + "  ",
        "sha-256   " + SHA256_ABC,
        "SHA-256 " + SHA256_ABC,
        "Sha-256 ba:78:16:bf:8f:01:cf:ea:41:41:40:de:5d:ae:22:23:b0:03:61:a3:96:17:7a:9c:b4:10:ff:61:f2:00:15:ad",
    })
    void toleratesCaseAndSurroundingSpace(String value) {
        assertThat(DtlsFingerprint.parse(value)).contains(DtlsFingerprint.sha256("abc".getBytes(US_ASCII)));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        " ",
        "sha-256",
        "sha-256 ",
        SHA256_ABC,
        "md5 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B",
        "sha-3 " + SHA256_ABC,
        "sha-256 BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15",
        "sha-256 " + SHA256_ABC + ":00",
        "sha-256 " + SHA256_ABC + ":",
        "sha-256 :" + SHA256_ABC,
        "sha-256 BA-78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD",
        "sha-256 BA::78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD",
        "sha-256 GA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD",
        "sha-256 \uFF11A:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD",
        "sha-256 BA78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD:",
        "sha-256 B:A78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD",
        "sha-256\t" + SHA256_ABC,
        "sha-256 " + SHA256_ABC + " extra",
    })
    void rejectsMalformedValues(String value) {
        assertThat(DtlsFingerprint.parse(value)).isEmpty();
    }

    @Test
    void rejectsHostileLengthWithoutScanningIt() {
        String huge = "sha-256 " + "AB:".repeat(100_000) + "AB";
        assertThat(huge.length()).isGreaterThan(DtlsFingerprint.MAX_VALUE_LENGTH);
        assertThat(DtlsFingerprint.parse(huge)).isEmpty();
    }

    @Test
    void longestSupportedHashFitsTheLimit() {
        String sha512 = "sha-512 " + "AB:".repeat(63) + "AB";
        assertThat(sha512.length()).isLessThanOrEqualTo(DtlsFingerprint.MAX_VALUE_LENGTH);
        assertThat(DtlsFingerprint.parse(sha512)).isPresent();
    }
}
