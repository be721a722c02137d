package io.atrium.webrtc.dtls;

import java.io.IOException;
import java.util.Hashtable;

import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;

/**
 * BouncyCastle server peer for the DTLS 1.2 server role of WebRTC (RFC 5763 section 5, RFC 8827
 * section 6.5): DTLS 1.2 only (RFC 6347), ECDHE-ECDSA AES-GCM suites, extended master secret required
 * (RFC 7627), client certificate requested and checked against the SDP fingerprint, {@code use_srtp}
 * answered with the server's preferred common profile (RFC 5764 section 4.1).
 */
final class DtlsServerPeer extends DefaultTlsServer {

    private final HandshakeContext handshake;

    DtlsServerPeer(HandshakeContext handshake) {
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
    public int getHandshakeTimeoutMillis() {
        return (int) handshake.settings.handshakeTimeout().toMillis();
    }

    @Override
    public boolean requiresExtendedMasterSecret() {
        return true;
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
        return handshake.certificate.signer(context, handshake.crypto);
    }

    @Override
    public CertificateRequest getCertificateRequest() {
        short[] types = {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign};
        return new CertificateRequest(types, TlsUtils.getDefaultSupportedSignatureAlgorithms(context), null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        handshake.verifyPeer(clientCertificate);
    }

    @Override
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        handshake.selectProfile(TlsSRTPUtils.getUseSRTPExtension(clientExtensions));
    }

    @Override
    public Hashtable getServerExtensions() throws IOException {
        Hashtable extensions = super.getServerExtensions();
        int[] selected = {handshake.profile().id()};
        TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(selected, TlsUtils.EMPTY_BYTES));
        return extensions;
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
