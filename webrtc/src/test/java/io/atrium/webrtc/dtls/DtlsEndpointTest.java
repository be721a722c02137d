package io.atrium.webrtc.dtls;

import io.atrium.webrtc.srtp.SrtpProfile;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.bouncycastle.tls.AlertDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DtlsEndpointTest {

    private static final System.Logger LOG = System.getLogger(DtlsEndpointTest.class.getName());
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final DtlsSettings SHORT = DtlsSettings.defaults().withHandshakeTimeout(Duration.ofSeconds(3));

    @Test
    void handshakeNegotiatesGcmAndBothSidesExportTheSameKeyingMaterial() throws Exception {
        DtlsSettings gcmFirst = DtlsSettings.defaults()
                .withSrtpProfiles(SrtpProfile.SRTP_AEAD_AES_128_GCM, SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80);
        try (MemoryLink link = new MemoryLink(gcmFirst)) {
            long started = System.nanoTime();
            CompletableFuture<SrtpKeyingMaterial> server = link.server.start(link.handshakes);
            CompletableFuture<SrtpKeyingMaterial> client = link.client.start(link.handshakes);
            SrtpKeyingMaterial serverKeys = server.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            SrtpKeyingMaterial clientKeys = client.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            LOG.log(System.Logger.Level.INFO, "in-memory DTLS handshake took {0} ms",
                    (System.nanoTime() - started) / 1_000_000);

            assertThat(serverKeys.profileId()).isEqualTo(0x0007);
            assertThat(clientKeys.profile()).isEqualTo(SrtpProfile.SRTP_AEAD_AES_128_GCM);
            assertThat(serverKeys.role()).isEqualTo(DtlsRole.SERVER);
            assertThat(clientKeys.role()).isEqualTo(DtlsRole.CLIENT);
            assertThat(serverKeys.material()).hasSize(56).isEqualTo(clientKeys.material());
            assertThat(clientKeys.local()).isEqualTo(serverKeys.remote());
            assertThat(clientKeys.remote()).isEqualTo(serverKeys.local());
            assertThat(clientKeys.local()).isNotEqualTo(clientKeys.remote());
            assertThat(link.server.state()).isEqualTo(DtlsEndpoint.State.CONNECTED);
            assertThat(link.client.state()).isEqualTo(DtlsEndpoint.State.CONNECTED);
            assertThat(link.server.srtpProfile()).isEqualTo(SrtpProfile.SRTP_AEAD_AES_128_GCM);
        }
    }

    @Test
    void handshakeTimingIsLogged() throws Exception {
        int rounds = 6;
        long[] millis = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            try (MemoryLink link = new MemoryLink(DtlsSettings.defaults())) {
                long started = System.nanoTime();
                CompletableFuture<SrtpKeyingMaterial> server = link.server.start(link.handshakes);
                SrtpKeyingMaterial clientKeys = link.client.start(link.handshakes)
                        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                SrtpKeyingMaterial serverKeys = server.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                millis[i] = (System.nanoTime() - started) / 1_000_000;
                assertThat(serverKeys.material()).isEqualTo(clientKeys.material());
            }
        }
        LOG.log(System.Logger.Level.INFO, "in-memory DTLS handshakes, ms each (first may be cold): {0}",
                java.util.Arrays.toString(millis));
    }

    @Test
    void clientOfferingOnlyAesCmNegotiatesAesCm() throws Exception {
        DtlsSettings cmOnly = DtlsSettings.defaults().withSrtpProfiles(SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80);
        try (MemoryLink link = new MemoryLink(DtlsSettings.defaults(), cmOnly, null, null)) {
            CompletableFuture<SrtpKeyingMaterial> server = link.server.start(link.handshakes);
            SrtpKeyingMaterial clientKeys = link.client.start(link.handshakes).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            SrtpKeyingMaterial serverKeys = server.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

            assertThat(serverKeys.profileId()).isEqualTo(0x0001);
            assertThat(clientKeys.profileId()).isEqualTo(0x0001);
            assertThat(serverKeys.material()).hasSize(60).isEqualTo(clientKeys.material());
            assertThat(serverKeys.local().keyLength()).isEqualTo(16);
            assertThat(serverKeys.local().saltLength()).isEqualTo(14);
        }
    }

    @Test
    void serverPreferenceWinsWhenClientListsGcmFirst() throws Exception {
        DtlsSettings gcmFirst = DtlsSettings.defaults()
                .withSrtpProfiles(SrtpProfile.SRTP_AEAD_AES_128_GCM, SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80);
        DtlsSettings cmFirst = DtlsSettings.defaults()
                .withSrtpProfiles(SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80, SrtpProfile.SRTP_AEAD_AES_128_GCM);
        try (MemoryLink link = new MemoryLink(cmFirst, gcmFirst, null, null)) {
            CompletableFuture<SrtpKeyingMaterial> server = link.server.start(link.handshakes);
            SrtpKeyingMaterial clientKeys = link.client.start(link.handshakes).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

            assertThat(clientKeys.profile()).isEqualTo(SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80);
            assertThat(server.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).profile())
                    .isEqualTo(SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80);
        }
    }

    @Test
    void noCommonSrtpProfileFailsBothSides() throws Exception {
        DtlsSettings gcmOnly = SHORT.withSrtpProfiles(SrtpProfile.SRTP_AEAD_AES_128_GCM);
        DtlsSettings cmOnly = SHORT.withSrtpProfiles(SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80);
        try (MemoryLink link = new MemoryLink(gcmOnly, cmOnly, null, null)) {
            CompletableFuture<SrtpKeyingMaterial> server = link.server.start(link.handshakes);
            CompletableFuture<SrtpKeyingMaterial> client = link.client.start(link.handshakes);

            DtlsException serverError = failure(server, SHORT.handshakeTimeout());
            DtlsException clientError = failure(client, SHORT.handshakeTimeout());
            assertThat(serverError.alertDescription()).isEqualTo(AlertDescription.handshake_failure);
            assertThat(serverError.alertFromPeer()).isFalse();
            assertThat(clientError.alertDescription()).isEqualTo(AlertDescription.handshake_failure);
            assertThat(clientError.alertFromPeer()).isTrue();
            assertThat(link.server.state()).isEqualTo(DtlsEndpoint.State.FAILED);
        }
    }

    @ParameterizedTest
    @EnumSource(DtlsRole.class)
    void fingerprintMismatchFailsBothSidesWithinTheTimeout(DtlsRole rejecting) throws Exception {
        DtlsFingerprint wrong = DtlsCertificate.generate().fingerprint();
        try (MemoryLink link = new MemoryLink(SHORT, SHORT,
                rejecting == DtlsRole.SERVER ? wrong : null, rejecting == DtlsRole.CLIENT ? wrong : null)) {
            CompletableFuture<SrtpKeyingMaterial> server = link.server.start(link.handshakes);
            CompletableFuture<SrtpKeyingMaterial> client = link.client.start(link.handshakes);

            DtlsException serverError = failure(server, SHORT.handshakeTimeout());
            DtlsException clientError = failure(client, SHORT.handshakeTimeout());
            DtlsException rejecter = rejecting == DtlsRole.SERVER ? serverError : clientError;
            DtlsException rejected = rejecting == DtlsRole.SERVER ? clientError : serverError;
            assertThat(rejecter.alertDescription()).isEqualTo(AlertDescription.bad_certificate);
            assertThat(rejecter.alertFromPeer()).isFalse();
            assertThat(rejecter).hasMessageContaining("fingerprint");
            assertThat(rejected.alertDescription()).isEqualTo(AlertDescription.bad_certificate);
            assertThat(rejected.alertFromPeer()).isTrue();
            assertThat(link.server.state()).isEqualTo(DtlsEndpoint.State.FAILED);
            assertThat(link.client.state()).isEqualTo(DtlsEndpoint.State.FAILED);
            assertThat(link.serverEvents.closeCalls).isZero();
        }
    }

    @Test
    void lostFinalServerFlightIsRetransmittedAfterTheServerCompleted() throws Exception {
        try (MemoryLink link = new MemoryLink(DtlsSettings.defaults())) {
            java.util.concurrent.atomic.AtomicInteger lost = new java.util.concurrent.atomic.AtomicInteger();
            // RFC 6347 4.2.4: the server's ChangeCipherSpec (content type 20) and Finished (epoch 1) are
            // its last flight; lose them once so the client must retransmit its own final flight
            link.dropFromServer = datagram -> (datagram[0] == 20 || datagram[4] == 1) && lost.getAndIncrement() < 2;
            CompletableFuture<SrtpKeyingMaterial> server = link.server.start(link.handshakes);
            CompletableFuture<SrtpKeyingMaterial> client = link.client.start(link.handshakes);

            SrtpKeyingMaterial serverKeys = server.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            // the client waits for its 1 s retransmission timer; the established server must answer it
            assertThat(client).isNotDone();
            SrtpKeyingMaterial clientKeys = client.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(lost.get()).isGreaterThanOrEqualTo(2);
            assertThat(clientKeys.material()).isEqualTo(serverKeys.material());
        }
    }

    @Test
    void applicationDataTravelsBothWays() throws Exception {
        try (MemoryLink link = connected(DtlsSettings.defaults())) {
            byte[] hello = "hello over dtls".getBytes(UTF_8);
            assertThat(link.client.send(hello, 0, hello.length)).isTrue();
            assertThat(link.serverEvents.data.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(hello);

            int max = link.server.maxApplicationDataLength();
            assertThat(max).isBetween(1000, DtlsSettings.DEFAULT_MTU);
            byte[] big = new byte[max + 10];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) i;
            }
            assertThat(link.server.send(big, 10, max)).isTrue();
            byte[] received = link.clientEvents.data.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(received).isEqualTo(java.util.Arrays.copyOfRange(big, 10, 10 + max));

            assertThatThrownBy(() -> link.server.send(big, 0, max + 1)).isInstanceOf(DtlsException.class);
            assertThat(link.serverEvents.closeCalls).isZero();
        }
    }

    @Test
    void sendBeforeTheHandshakeIsRefused() throws Exception {
        try (MemoryLink link = new MemoryLink(DtlsSettings.defaults())) {
            byte[] data = {1, 2, 3};
            assertThat(link.client.send(data, 0, data.length)).isFalse();
            assertThat(link.client.maxApplicationDataLength()).isZero();
        }
    }

    @Test
    void closeNotifyIsObservedByThePeer() throws Exception {
        try (MemoryLink link = connected(DtlsSettings.defaults())) {
            link.client.close();

            assertThat(link.serverEvents.closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                    .isEqualTo(DtlsCloseReason.PEER_CLOSE_NOTIFY);
            assertThat(link.clientEvents.closed.getNow(null)).isEqualTo(DtlsCloseReason.LOCAL_CLOSE);
            assertThat(link.server.state()).isEqualTo(DtlsEndpoint.State.CLOSED);
            assertThat(link.client.state()).isEqualTo(DtlsEndpoint.State.CLOSED);
            byte[] data = {1};
            assertThat(link.server.send(data, 0, 1)).isFalse();
            link.client.close();
            assertThat(link.clientEvents.closeCalls).isEqualTo(1);
            assertThat(link.serverEvents.closeCalls).isEqualTo(1);
        }
    }

    @Test
    void handshakeTimesOutWithoutAPeer() throws Exception {
        DtlsSettings quick = DtlsSettings.defaults().withHandshakeTimeout(Duration.ofMillis(300));
        try (MemoryLink link = new MemoryLink(quick)) {
            long started = System.nanoTime();
            DtlsException error = failure(link.server.start(link.handshakes), Duration.ofSeconds(3));
            assertThat(error).hasMessageContaining("timed out");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
            assertThat(link.server.state()).isEqualTo(DtlsEndpoint.State.FAILED);
        }
    }

    @Test
    void closeDuringTheHandshakeFailsTheFuture() throws Exception {
        try (MemoryLink link = new MemoryLink(DtlsSettings.defaults())) {
            CompletableFuture<SrtpKeyingMaterial> server = link.server.start(link.handshakes);
            link.server.close();
            assertThat(failure(server, Duration.ofSeconds(2))).hasMessageContaining("closed");
            assertThat(link.server.state()).isEqualTo(DtlsEndpoint.State.CLOSED);
            assertThat(link.serverEvents.closeCalls).isZero();
        }
    }

    @Test
    void startingTwiceIsAProgrammerError() throws Exception {
        try (MemoryLink link = new MemoryLink(DtlsSettings.defaults())) {
            link.server.start(link.handshakes);
            assertThatThrownBy(() -> link.server.start(link.handshakes)).isInstanceOf(DtlsException.class);
        }
    }

    private static MemoryLink connected(DtlsSettings settings) throws Exception {
        MemoryLink link = new MemoryLink(settings);
        CompletableFuture<SrtpKeyingMaterial> server = link.server.start(link.handshakes);
        link.client.start(link.handshakes).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        server.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return link;
    }

    static DtlsException failure(CompletableFuture<?> future, Duration within) throws InterruptedException {
        try {
            Object value = future.get(within.toMillis(), TimeUnit.MILLISECONDS);
            return fail("expected the handshake to fail, but it produced " + value);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(DtlsException.class);
            return (DtlsException) e.getCause();
        } catch (TimeoutException e) {
            return fail("the handshake neither completed nor failed within " + within);
        }
    }
}
