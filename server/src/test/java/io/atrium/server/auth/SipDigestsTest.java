package io.atrium.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.store.SipDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Digest arithmetic against the worked example of RFC 7616 3.9.1 (same formulas as SIP's RFC 8760). */
class SipDigestsTest {

    static final String NONCE = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    static final String CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

    @ParameterizedTest
    @CsvSource({
        "MD5,     8ca523f5e9506fed4657c9700eebdbec",
        "SHA-256, 753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"})
    void rfc7616Example(String algorithm, String expected) {
        String ha1 = SipDigests.forPassword("Mufasa", "http-auth@example.org", "Circle of Life").stream()
                .filter(d -> d.algorithm().equals(algorithm)).map(SipDigest::ha1).findFirst().orElseThrow();
        assertThat(SipDigests.response(algorithm, ha1, "GET", "/dir/index.html", NONCE, "00000001", CNONCE, "auth"))
                .isEqualTo(expected);
    }

    @Test
    void withoutQopTheResponseSkipsNcAndCnonce() {
        String ha1 = SipDigests.hash("MD5", "bob:atrium:pw");
        String expected = SipDigests.hash("MD5", ha1 + ":n:" + SipDigests.hash("MD5", "REGISTER:sip:a"));
        assertThat(SipDigests.response("MD5", ha1, "REGISTER", "sip:a", "n", null, null, null)).isEqualTo(expected);
    }

    @Test
    void comparisonIsCaseInsensitiveForTheGivenHexOnly() {
        assertThat(SipDigests.equal("abcdef", "ABCDEF")).isTrue();
        assertThat(SipDigests.equal("abcdef", "abcdee")).isFalse();
        assertThat(SipDigests.equal("abcdef", null)).isFalse();
    }

    @Test
    void thePasswordIsNotInTheStoredDigests() {
        assertThat(SipDigests.forPassword("u", "r", "secret-password")).hasSize(2)
                .allSatisfy(d -> assertThat(d.ha1()).doesNotContain("secret").hasSizeGreaterThanOrEqualTo(32));
    }
}
