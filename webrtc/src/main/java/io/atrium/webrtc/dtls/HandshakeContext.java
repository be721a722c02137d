package io.atrium.webrtc.dtls;

import io.atrium.webrtc.srtp.SrtpProfile;

import java.io.IOException;
import java.util.List;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * What the BouncyCastle client and server peers of one {@link DtlsEndpoint} share: the local
 * certificate, the expected remote fingerprint, the SRTP profile negotiation, and what happened
 * (keying material, alerts). Written by the handshake thread, read by the endpoint afterwards.
 *
 * <p>Implements the WebRTC-specific parts of the handshake: certificate fingerprint verification
 * (RFC 8827 section 6.5, RFC 5763 section 5), {@code use_srtp} (RFC 5764 section 4.1) and the
 * DTLS-SRTP exporter (RFC 5764 section 4.2).
 */
final class HandshakeContext {

    /** ECDHE-ECDSA with AES-GCM only (RFC 5289 section 3.2); WebRTC stacks all offer the first. */
    static final int[] CIPHER_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    };

    final DtlsRole role;
    final DtlsCertificate certificate;
    final DtlsFingerprint remoteFingerprint;
    final DtlsSettings settings;
    final BcTlsCrypto crypto;

    private volatile SrtpProfile profile;
    private volatile SrtpKeyingMaterial keyingMaterial;
    private volatile boolean peerCloseNotify;
    private volatile int alertRaised = DtlsException.NO_ALERT;
    private volatile int alertReceived = DtlsException.NO_ALERT;

    HandshakeContext(DtlsRole role, DtlsCertificate certificate, DtlsFingerprint remoteFingerprint,
                     DtlsSettings settings, BcTlsCrypto crypto) {
        this.role = role;
        this.certificate = certificate;
        this.remoteFingerprint = remoteFingerprint;
        this.settings = settings;
        this.crypto = crypto;
    }

    /**
     * Accepts the peer's certificate chain only if its end-entity certificate hashes to the
     * fingerprint from the remote SDP; an empty chain is refused, since WebRTC requires mutual
     * authentication (RFC 8827 section 6.5).
     */
    void verifyPeer(Certificate chain) throws IOException {
        if (chain == null || chain.isEmpty()) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "peer sent no certificate");
        }
        if (!remoteFingerprint.matches(chain.getCertificateAt(0).getEncoded())) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate,
                    "peer certificate does not match the SDP fingerprint " + remoteFingerprint.toSdpValue());
        }
    }

    /** Server side: picks our most preferred profile among those the client offered (RFC 5764 4.1.1). */
    void selectProfile(UseSRTPData offered) throws IOException {
        if (offered == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "client did not offer use_srtp");
        }
        int[] ids = offered.getProtectionProfiles();
        for (SrtpProfile candidate : settings.srtpProfiles()) {
            for (int id : ids) {
                if (id == candidate.id()) {
                    profile = candidate;
                    return;
                }
            }
        }
        throw new TlsFatalAlert(AlertDescription.handshake_failure,
                "no common SRTP protection profile with the client");
    }

    /**
     * Client side: the server must answer with exactly one of the offered profiles and, since we offer
     * no MKI, an empty MKI (RFC 5764 section 4.1.1).
     */
    void acceptProfile(UseSRTPData answer) throws IOException {
        if (answer == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "server did not answer use_srtp");
        }
        int[] ids = answer.getProtectionProfiles();
        if (ids.length != 1 || answer.getMki().length != 0) {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "server use_srtp answer is malformed");
        }
        List<SrtpProfile> offered = settings.srtpProfiles();
        profile = offered.stream().filter(p -> p.id() == ids[0]).findFirst()
                .orElseThrow(() -> new TlsFatalAlert(AlertDescription.illegal_parameter,
                        "server chose an SRTP profile that was not offered: " + ids[0]));
    }

    /** Runs the RFC 5764 section 4.2 exporter once the handshake has completed. */
    void exportKeyingMaterial(TlsContext context) throws IOException {
        SrtpProfile negotiated = profile;
        if (negotiated == null) {
            throw new TlsFatalAlert(AlertDescription.internal_error, "handshake completed without use_srtp");
        }
        byte[] material = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null,
                negotiated.keyingMaterialLength());
        keyingMaterial = SrtpKeyingMaterial.of(negotiated, role, material);
    }

    void alertRaised(short level, short description) {
        if (level == AlertLevel.fatal) {
            alertRaised = description;
        }
    }

    void alertReceived(short level, short description) {
        if (description == AlertDescription.close_notify) {
            peerCloseNotify = true;
        } else if (level == AlertLevel.fatal) {
            alertReceived = description;
        }
    }

    /** The negotiated profile, or null before {@code use_srtp} was processed. */
    SrtpProfile profile() {
        return profile;
    }

    SrtpKeyingMaterial keyingMaterial() {
        return keyingMaterial;
    }

    boolean peerCloseNotify() {
        return peerCloseNotify;
    }

    int alertRaised() {
        return alertRaised;
    }

    int alertReceived() {
        return alertReceived;
    }
}
