package io.atrium.webrtc.dtls;

import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;

import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The self-signed certificate a WebRTC endpoint presents in the DTLS handshake (RFC 8827 section 6.5:
 * identity comes from the SDP fingerprint, not from a CA), with its private key and its
 * {@code a=fingerprint} value (RFC 8122 section 5).
 *
 * <p>The key is ECDSA on P-256 (secp256r1, named-curve encoding), the certificate is X.509 v3 signed
 * with ecdsa-with-SHA256 (RFC 5480, RFC 5758), subject and issuer {@code CN=atrium}, a random positive
 * 64-bit serial, valid from {@link #VALID_BEFORE} in the past (clock skew) to {@link #VALID_AFTER} ahead.
 * Generation takes milliseconds; generate one per server process and share it across peers.
 * Immutable and safe to share between threads.
 */
public final class DtlsCertificate {

    /** Subject and issuer common name. */
    public static final String COMMON_NAME = "atrium";
    /** How far before "now" the certificate starts being valid, to tolerate peers with skewed clocks. */
    public static final Duration VALID_BEFORE = Duration.ofDays(30);
    /** How long after "now" the certificate stays valid. */
    public static final Duration VALID_AFTER = Duration.ofDays(365);

    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    private static final int SERIAL_BITS = 63;
    private static final SignatureAndHashAlgorithm ECDSA_SHA256 =
            SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);

    private final X509CertificateHolder certificate;
    private final ECPrivateKeyParameters privateKey;
    private final byte[] encoded;
    private final DtlsFingerprint fingerprint;

    private DtlsCertificate(X509CertificateHolder certificate, ECPrivateKeyParameters privateKey) throws IOException {
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.encoded = certificate.getEncoded();
        this.fingerprint = DtlsFingerprint.sha256(encoded);
    }

    /** Generates a fresh key pair and certificate valid around the current time. */
    public static DtlsCertificate generate() {
        return generate(new SecureRandom(), Instant.now());
    }

    /** Generates a fresh key pair and certificate valid around {@code now}, drawing randomness from {@code random}. */
    public static DtlsCertificate generate(SecureRandom random, Instant now) {
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(now, "now");
        X9ECParameters p256 = CustomNamedCurves.getByOID(SECObjectIdentifiers.secp256r1);
        ECKeyPairGenerator generator = new ECKeyPairGenerator();
        generator.init(new ECKeyGenerationParameters(
                new ECNamedDomainParameters(SECObjectIdentifiers.secp256r1, p256), random));
        AsymmetricCipherKeyPair keyPair = generator.generateKeyPair();
        try {
            X500Name name = new X500Name("CN=" + COMMON_NAME);
            BigInteger serial = new BigInteger(SERIAL_BITS, random).setBit(0);
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(
                    name, serial,
                    Date.from(now.minus(VALID_BEFORE)), Date.from(now.plus(VALID_AFTER)),
                    name, SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(keyPair.getPublic()));
            AlgorithmIdentifier signatureAlgorithm =
                    new DefaultSignatureAlgorithmIdentifierFinder().find(SIGNATURE_ALGORITHM);
            AlgorithmIdentifier digestAlgorithm = new DefaultDigestAlgorithmIdentifierFinder().find(signatureAlgorithm);
            ContentSigner signer = new BcECContentSignerBuilder(signatureAlgorithm, digestAlgorithm)
                    .build(keyPair.getPrivate());
            return new DtlsCertificate(builder.build(signer), (ECPrivateKeyParameters) keyPair.getPrivate());
        } catch (IOException | OperatorCreationException e) {
            throw new DtlsException("cannot create the DTLS certificate", e);
        }
    }

    /** The X.509 certificate. */
    public X509CertificateHolder certificate() {
        return certificate;
    }

    /** The ECDSA P-256 private key matching the certificate. */
    public ECPrivateKeyParameters privateKey() {
        return privateKey;
    }

    /** A copy of the DER encoding of the certificate. */
    public byte[] encoded() {
        return encoded.clone();
    }

    /** The SHA-256 fingerprint to put in the local SDP's {@code a=fingerprint}. */
    public DtlsFingerprint fingerprint() {
        return fingerprint;
    }

    /** The certificate and key as BouncyCastle TLS signing credentials (ecdsa_secp256r1_sha256). */
    TlsCredentialedSigner signer(TlsContext context, BcTlsCrypto crypto) throws IOException {
        TlsCertificate tlsCertificate = crypto.createCertificate(encoded);
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, privateKey,
                new Certificate(new TlsCertificate[] {tlsCertificate}), ECDSA_SHA256);
    }

    @Override
    public String toString() {
        return "DtlsCertificate[CN=" + COMMON_NAME + ", " + fingerprint.toSdpValue() + "]";
    }
}
