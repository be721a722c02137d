package io.atrium.webrtc.dtls;

import io.atrium.webrtc.srtp.SrtpProfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Hashtable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The server refuses clients that WebRTC does not allow: no client certificate (RFC 8827 section 6.5
 * requires mutual authentication) or no {@code use_srtp} offer (RFC 5764 section 4.1). The client here
 * is plain BouncyCastle, not a {@link DtlsEndpoint}, so it can misbehave.
 */
class DtlsServerPeerRequirementsTest {

    enum Misbehaviour { NO_CLIENT_CERTIFICATE, NO_USE_SRTP }

    @ParameterizedTest
    @EnumSource(Misbehaviour.class)
    void serverRejectsTheClient(Misbehaviour misbehaviour) throws Exception {
        DtlsSettings settings = DtlsSettings.defaults().withHandshakeTimeout(Duration.ofSeconds(3));
        DtlsCertificate clientCertificate = DtlsCertificate.generate();
        QueuedDatagramTransport[] clientSide = new QueuedDatagramTransport[1];
        DtlsEndpoint server = DtlsEndpoint.create(DtlsRole.SERVER, DtlsCertificate.generate(),
                clientCertificate.fingerprint(), settings,
                (buf, off, len) -> clientSide[0].enqueue(buf, off, len), DtlsListener.NONE);
        clientSide[0] = new QueuedDatagramTransport((buf, off, len) -> server.receive(buf, off, len),
                DtlsSettings.DEFAULT_MTU, DtlsSettings.DEFAULT_RECEIVE_QUEUE_CAPACITY);
        clientSide[0].deadline(System.nanoTime() + settings.handshakeTimeout().toNanos());

        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture<SrtpKeyingMaterial> serverResult = server.start(executor);
            RawClient client = new RawClient(misbehaviour, clientCertificate);

            assertThatThrownBy(() -> new DTLSClientProtocol().connect(client, clientSide[0]))
                    .isInstanceOf(TlsFatalAlertReceived.class);
            DtlsException error = DtlsEndpointTest.failure(serverResult, settings.handshakeTimeout());
            assertThat(error.alertDescription()).isEqualTo(AlertDescription.handshake_failure);
            assertThat(error.alertFromPeer()).isFalse();
            assertThat(server.state()).isEqualTo(DtlsEndpoint.State.FAILED);
        } finally {
            executor.shutdownNow();
        }
    }

    /** A DTLS 1.2 client that skips one WebRTC requirement. */
    private static final class RawClient extends DefaultTlsClient {
        private final Misbehaviour misbehaviour;
        private final DtlsCertificate certificate;

        RawClient(Misbehaviour misbehaviour, DtlsCertificate certificate) {
            super(new BcTlsCrypto(new SecureRandom()));
            this.misbehaviour = misbehaviour;
            this.certificate = certificate;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        public Hashtable getClientExtensions() throws IOException {
            Hashtable extensions = TlsExtensionsUtils.ensureExtensionsInitialised(super.getClientExtensions());
            if (misbehaviour != Misbehaviour.NO_USE_SRTP) {
                TlsSRTPUtils.addUseSRTPExtension(extensions,
                        new UseSRTPData(new int[] {SrtpProfile.SRTP_AEAD_AES_128_GCM.id()}, TlsUtils.EMPTY_BYTES));
            }
            return extensions;
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate serverCertificate) {
                    // this test is about the server's checks; the client trusts anything
                }

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest certificateRequest)
                        throws IOException {
                    return misbehaviour == Misbehaviour.NO_CLIENT_CERTIFICATE
                            ? null : certificate.signer(context, (BcTlsCrypto) getCrypto());
                }
            };
        }
    }
}
