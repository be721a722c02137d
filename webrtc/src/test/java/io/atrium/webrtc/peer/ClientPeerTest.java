package io.atrium.webrtc.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atrium.webrtc.dtls.DtlsCertificate;
import io.atrium.webrtc.dtls.DtlsCloseReason;
import io.atrium.webrtc.dtls.DtlsEndpoint;
import io.atrium.webrtc.dtls.DtlsException;
import io.atrium.webrtc.ice.IceCredentials;
import io.atrium.webrtc.srtp.SrtpProfile;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.bouncycastle.tls.AlertDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClientPeerTest {
    static final DtlsCertificate CLIENT_CERTIFICATE = DtlsCertificate.generate();
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final int CLIENT_SSRC = 0x11223344;
    static final int SERVER_SSRC = 0x55667788;

    final BlockingQueue<byte[]> clientRtp = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> clientRtcp = new LinkedBlockingQueue<>();
    final MediaListener copying = new MediaListener() {
        @Override
        public void onRtp(byte[] buf, int off, int len) {
            clientRtp.add(Arrays.copyOfRange(buf, off, off + len));
        }

        @Override
        public void onRtcp(byte[] buf, int off, int len) {
            clientRtcp.add(Arrays.copyOfRange(buf, off, off + len));
        }
    };
    final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    LiteServer server() throws Exception {
        LiteServer server = new LiteServer(CLIENT_CERTIFICATE.fingerprint());
        toClose.add(server);
        return server;
    }

    ClientPeer peer() {
        ClientPeer peer = ClientPeer.open(CLIENT_CERTIFICATE, copying);
        toClose.add(peer);
        return peer;
    }

    @Test
    void connectsAndCarriesRtpAndRtcpBothWaysIntactAndInOrder() throws Exception {
        LiteServer server = server();
        ClientPeer peer = peer();

        peer.connect(server.description(), CONNECT_TIMEOUT);

        assertThat(peer.state()).isEqualTo(PeerState.CONNECTED);
        assertThat(server.selected()).isEqualTo(peer.localAddress());
        assertThat(server.keys.get(5, TimeUnit.SECONDS).profile()).isEqualTo(SrtpProfile.SRTP_AEAD_AES_128_GCM);
        assertThat(peer.srtpProfile()).isEqualTo(SrtpProfile.SRTP_AEAD_AES_128_GCM);
        assertThat(peer.srtpOverhead()).as("an SRTCP packet's: tag and E|index").isEqualTo(20);

        int count = 200;
        long wireBytes = 0;
        for (int seq = 0; seq < count; seq++) {
            byte[] plain = Media.rtp(CLIENT_SSRC, seq, 100 + seq % 50);
            byte[] buf = Arrays.copyOf(plain, plain.length + peer.srtpOverhead());
            assertThat(peer.sendRtp(buf, 0, plain.length)).isTrue();
            wireBytes += plain.length + peer.srtpProfile().rtpOverhead();
        }
        for (int seq = 0; seq < count; seq++) {
            byte[] got = server.rtp.poll(5, TimeUnit.SECONDS);
            assertThat(got).as("packet %d", seq).isEqualTo(Media.rtp(CLIENT_SSRC, seq, 100 + seq % 50));
        }
        assertThat(peer.packetsSent()).isEqualTo(count);
        assertThat(peer.bytesSent()).isEqualTo(wireBytes);

        for (int seq = 0; seq < count; seq++) {
            server.sendMedia(Media.rtp(SERVER_SSRC, seq, 60), false);
        }
        for (int seq = 0; seq < count; seq++) {
            assertThat(clientRtp.poll(5, TimeUnit.SECONDS)).as("packet %d", seq)
                    .isEqualTo(Media.rtp(SERVER_SSRC, seq, 60));
        }

        byte[] rr = Media.receiverReport(CLIENT_SSRC);
        byte[] rrBuf = Arrays.copyOf(rr, rr.length + peer.srtpOverhead());
        assertThat(peer.sendRtcp(rrBuf, 0, rr.length)).isTrue();
        assertThat(server.rtcp.poll(5, TimeUnit.SECONDS)).isEqualTo(rr);
        server.sendMedia(Media.pli(SERVER_SSRC, CLIENT_SSRC), true);
        assertThat(clientRtcp.poll(5, TimeUnit.SECONDS)).isEqualTo(Media.pli(SERVER_SSRC, CLIENT_SSRC));

        assertThat(peer.packetsReceived()).isEqualTo(count + 1);
        SrtpProfile p = peer.srtpProfile();
        assertThat(peer.bytesReceived()).isEqualTo(count * (12 + 60L + p.rtpOverhead()) + 12 + p.rtcpOverhead());
        assertThat(peer.srtpErrors()).isZero();
        assertThat(clientRtp).isEmpty();
    }

    @Test
    void wrongRemotePasswordNeverConnectsAndTimesOutClearly() throws Exception {
        LiteServer server = server();
        ClientPeer peer = peer();
        RemoteDescription right = server.description();
        String otherPassword = IceCredentials.generate(new SecureRandom()).password();
        RemoteDescription wrong = new RemoteDescription(right.iceUfrag(), otherPassword, right.fingerprint(),
                right.candidate());

        long started = System.nanoTime();
        assertThatThrownBy(() -> peer.connect(wrong, Duration.ofMillis(700)))
                .isInstanceOf(PeerException.class)
                .hasMessageContaining("ICE connectivity checks to " + right.candidate())
                .hasMessageContaining("timed out after 700 ms")
                .hasMessageContaining("error 401");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(650),
                Duration.ofSeconds(5));
        assertThat(peer.state()).isEqualTo(PeerState.FAILED);
        assertThat(server.successResponses.get()).isZero();
        assertThat(server.errorResponses.get()).as("retransmitted checks, each refused").isGreaterThan(3);
        assertThat(server.selected()).isNull();
        assertThat(server.dtls().state()).isEqualTo(DtlsEndpoint.State.HANDSHAKING);
    }

    @Test
    void wrongServerFingerprintFailsTheDtlsHandshake() throws Exception {
        LiteServer server = server();
        ClientPeer peer = peer();
        RemoteDescription right = server.description();
        String other = DtlsCertificate.generate().fingerprint().toSdpValue();
        RemoteDescription wrong = new RemoteDescription(right.iceUfrag(), right.icePassword(), other,
                right.candidate());
        InetSocketAddress clientAddress = peer.localAddress();

        assertThatThrownBy(() -> peer.connect(wrong, CONNECT_TIMEOUT))
                .isInstanceOf(PeerException.class)
                .hasMessageContaining("DTLS handshake with " + right.candidate() + " failed")
                .cause().isInstanceOfSatisfying(DtlsException.class, e -> {
                    assertThat(e.alertDescription()).isEqualTo(AlertDescription.bad_certificate);
                    assertThat(e.alertFromPeer()).isFalse();
                });
        assertThat(peer.state()).isEqualTo(PeerState.FAILED);
        assertThat(server.selected()).as("ICE itself succeeded").isEqualTo(clientAddress);
        assertThat(server.keys).failsWithin(Duration.ofSeconds(5));
    }

    @Test
    void closeSendsCloseNotifyThatTheServerSees() throws Exception {
        LiteServer server = server();
        ClientPeer peer = peer();
        peer.connect(server.description(), CONNECT_TIMEOUT);

        peer.close();

        assertThat(server.dtlsClosed.get(5, TimeUnit.SECONDS)).isEqualTo(DtlsCloseReason.PEER_CLOSE_NOTIFY);
        assertThat(peer.state()).isEqualTo(PeerState.CLOSED);
        byte[] buf = Arrays.copyOf(Media.rtp(CLIENT_SSRC, 1, 10), 64);
        assertThat(peer.sendRtp(buf, 0, 22)).isFalse();
        peer.close();
        assertThat(peer.state()).isEqualTo(PeerState.CLOSED);
    }

    @Test
    void serverCloseNotifyClosesThePeer() throws Exception {
        LiteServer server = server();
        ClientPeer peer = peer();
        peer.connect(server.description(), CONNECT_TIMEOUT);

        server.dtls().close();

        await(() -> peer.state() == PeerState.CLOSED);
        byte[] buf = Arrays.copyOf(Media.rtp(CLIENT_SSRC, 1, 10), 64);
        assertThat(peer.sendRtp(buf, 0, 22)).isFalse();
    }

    @Test
    void consentChecksKeepFlowingAndSilenceFailsThePeer() throws Exception {
        LiteServer server = server();
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        ClientPeer peer = new ClientPeer(socket, IceCredentials.generate(new SecureRandom()), CLIENT_CERTIFICATE,
                PeerSettings.defaults().withConsent(Duration.ofMillis(50), Duration.ofMillis(400)), copying);
        toClose.add(peer);
        peer.connect(server.description(), CONNECT_TIMEOUT);
        int afterConnect = server.bindingRequests.get();

        await(() -> server.bindingRequests.get() >= afterConnect + 4);
        assertThat(peer.state()).isEqualTo(PeerState.CONNECTED);

        server.answerStun = false;
        await(() -> peer.state() == PeerState.FAILED);
        byte[] buf = Arrays.copyOf(Media.rtp(CLIENT_SSRC, 1, 10), 64);
        assertThat(peer.sendRtp(buf, 0, 22)).as("RFC 7675: no sending without consent").isFalse();
    }

    @Test
    void connectIsOnceOnly() throws Exception {
        LiteServer server = server();
        ClientPeer peer = peer();
        peer.connect(server.description(), CONNECT_TIMEOUT);
        assertThatThrownBy(() -> peer.connect(server.description(), CONNECT_TIMEOUT))
                .isInstanceOf(PeerException.class).hasMessageContaining("once");
        assertThat(peer.state()).isEqualTo(PeerState.CONNECTED);
    }

    @Test
    void sendingBeforeConnectOrWithoutRoomOrMalformedReturnsFalse() throws Exception {
        LiteServer server = server();
        ClientPeer peer = peer();
        byte[] plain = Media.rtp(CLIENT_SSRC, 1, 10);
        assertThat(peer.srtpOverhead()).isEqualTo(ClientPeer.MAX_SRTP_OVERHEAD);
        assertThat(peer.sendRtp(Arrays.copyOf(plain, 64), 0, plain.length)).isFalse();

        peer.connect(server.description(), CONNECT_TIMEOUT);
        assertThat(peer.sendRtp(plain.clone(), 0, plain.length)).as("no room for the tag").isFalse();
        byte[] version0 = Arrays.copyOf(plain, 64);
        version0[0] = 0;
        assertThat(peer.sendRtp(version0, 0, plain.length)).isFalse();
        assertThat(peer.sendRtcp(new byte[64], 0, 3)).as("shorter than an RTCP header").isFalse();
        assertThat(peer.srtpErrors()).isEqualTo(3);
        assertThat(peer.packetsSent()).isZero();
        assertThatThrownBy(() -> peer.sendRtp(new byte[10], 5, 10)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(10);
        }
    }
}
