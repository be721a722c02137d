package io.atrium.webrtc.dtls;

import java.io.IOException;
import java.util.Hashtable;
import java.util.Vector;

import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;

/**
 * BouncyCastle client peer for the DTLS 1.2 client role of WebRTC (RFC 5763 section 5, RFC 8827
 * section 6.5): DTLS 1.2 only (RFC 6347), ECDHE-ECDSA AES-GCM suites over X25519 or P-256, extended
 * master secret required (RFC 7627), server certificate checked against the SDP fingerprint, own
 * certificate sent when asked, {@code use_srtp} offered with an empty MKI (RFC 5764 section 4.1).
 */
final class DtlsClientPeer extends DefaultTlsClient {

    private final HandshakeContext handshake;

    DtlsClientPeer(HandshakeContext handshake) {
        super(handshake.crypto);
        this.handshake = handshake;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return HandshakeContext.CIPHER_SUITES.clone();
    }

    @Override
    protected Vector getSupportedGroups(Vector namedGroupRoles) {
        Vector<Integer> groups = new Vector<>();
        groups.add(NamedGroup.x25519);
        groups.add(NamedGroup.secp256r1);
        return groups;
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return (int) handshake.settings.handshakeTimeout().toMillis();
    }

    @Override
    public boolean requiresExtendedMasterSecret() {
        return true;
    }

    @Override
    public Hashtable getClientExtensions() throws IOException {
        Hashtable extensions = TlsExtensionsUtils.ensureExtensionsInitialised(super.getClientExtensions());
        TlsSRTPUtils.addUseSRTPExtension(extensions,
                new UseSRTPData(handshake.settings.srtpProfileIds(), TlsUtils.EMPTY_BYTES));
        return extensions;
    }

    @Override
    public void processServerExtensions(Hashtable serverExtensions) throws IOException {
        super.processServerExtensions(serverExtensions);
        handshake.acceptProfile(TlsSRTPUtils.getUseSRTPExtension(serverExtensions));
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                handshake.verifyPeer(serverCertificate.getCertificate());
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest certificateRequest) throws IOException {
                return handshake.certificate.signer(context, handshake.crypto);
            }
        };
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        handshake.exportKeyingMaterial(context);
    }

    @Override
    public void notifyAlertRaised(short alertLevel, short alertDescription, String message, Throwable cause) {
        handshake.alertRaised(alertLevel, alertDescription);
    }

    @Override
    public void notifyAlertReceived(short alertLevel, short alertDescription) {
        handshake.alertReceived(alertLevel, alertDescription);
    }
}
