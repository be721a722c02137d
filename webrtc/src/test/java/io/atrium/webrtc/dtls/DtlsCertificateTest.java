package io.atrium.webrtc.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.bc.BcECContentVerifierProviderBuilder;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.junit.jupiter.api.Test;

class DtlsCertificateTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @Test
    void isASelfSignedEcdsaP256Certificate() throws Exception {
        DtlsCertificate generated = DtlsCertificate.generate(new SecureRandom(), NOW);
        X509CertificateHolder certificate = generated.certificate();

        SubjectPublicKeyInfo key = certificate.getSubjectPublicKeyInfo();
        assertThat(key.getAlgorithm().getAlgorithm()).isEqualTo(X9ObjectIdentifiers.id_ecPublicKey);
        assertThat(key.getAlgorithm().getParameters()).isEqualTo(SECObjectIdentifiers.secp256r1);
        assertThat(certificate.getSignatureAlgorithm().getAlgorithm()).isEqualTo(X9ObjectIdentifiers.ecdsa_with_SHA256);
        assertThat(certificate.getSubject()).isEqualTo(certificate.getIssuer());
        assertThat(certificate.getSubject().toString()).isEqualTo("CN=atrium");
        assertThat(certificate.isSignatureValid(new BcECContentVerifierProviderBuilder(
                new DefaultDigestAlgorithmIdentifierFinder()).build(certificate))).isTrue();
        assertThat(certificate.getSerialNumber().signum()).isPositive();
        assertThat(generated.privateKey().getParameters().getCurve())
                .isEqualTo(org.bouncycastle.crypto.ec.CustomNamedCurves.getByOID(SECObjectIdentifiers.secp256r1).getCurve());
    }

    @Test
    void isValidFromThirtyDaysBackToOneYearAhead() {
        X509CertificateHolder certificate = DtlsCertificate.generate(new SecureRandom(), NOW).certificate();

        assertThat(certificate.getNotBefore().toInstant()).isEqualTo(NOW.minus(DtlsCertificate.VALID_BEFORE));
        assertThat(certificate.getNotAfter().toInstant()).isEqualTo(NOW.plus(DtlsCertificate.VALID_AFTER));
        assertThat(certificate.isValidOn(Date.from(NOW))).isTrue();
        assertThat(certificate.isValidOn(Date.from(NOW.minusSeconds(31L * 86_400)))).isFalse();
    }

    @Test
    void fingerprintIsTheSha256OfTheDerEncoding() throws Exception {
        DtlsCertificate generated = DtlsCertificate.generate();
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(generated.certificate().getEncoded());

        assertThat(generated.encoded()).isEqualTo(generated.certificate().getEncoded());
        assertThat(generated.fingerprint().digest()).isEqualTo(expected);
        assertThat(generated.fingerprint().toSdpValue()).matches("sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}");
        assertThat(generated.fingerprint().matches(generated.encoded())).isTrue();
    }

    @Test
    void everyGenerationHasItsOwnKeyAndSerial() {
        DtlsCertificate first = DtlsCertificate.generate();
        DtlsCertificate second = DtlsCertificate.generate();

        assertThat(first.certificate().getSerialNumber()).isNotEqualTo(second.certificate().getSerialNumber());
        assertThat(first.privateKey().getD()).isNotEqualTo(second.privateKey().getD());
        assertThat(first.fingerprint()).isNotEqualTo(second.fingerprint());
    }
}
