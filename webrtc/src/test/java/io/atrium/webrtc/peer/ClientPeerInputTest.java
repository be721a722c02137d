package io.atrium.webrtc.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.webrtc.stun.ErrorCode;
import io.atrium.webrtc.stun.StunMessage;
import io.atrium.webrtc.stun.StunReader;
import io.atrium.webrtc.stun.StunWriter;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a connected {@link ClientPeer} does with hostile datagrams and with Binding requests from the server. */
class ClientPeerInputTest {
    final BlockingQueue<byte[]> clientRtp = new LinkedBlockingQueue<>();
    LiteServer server;
    ClientPeer peer;
    int nextSeq;

    @BeforeEach
    void connect() throws Exception {
        server = new LiteServer(ClientPeerTest.CLIENT_CERTIFICATE.fingerprint());
        peer = ClientPeer.open(ClientPeerTest.CLIENT_CERTIFICATE, new MediaListener() {
            @Override
            public void onRtp(byte[] buf, int off, int len) {
                clientRtp.add(Arrays.copyOfRange(buf, off, off + len));
            }
        });
        peer.connect(server.description(), ClientPeerTest.CONNECT_TIMEOUT);
        server.keys.get(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws Exception {
        peer.close();
        server.close();
    }

    enum Counter {
        DROPPED(ClientPeer::droppedDatagrams), STUN(ClientPeer::droppedStun), SRTP(ClientPeer::srtpErrors),
        NONE(p -> 0);

        final ToLongFunction<ClientPeer> read;

        Counter(ToLongFunction<ClientPeer> read) {
            this.read = read;
        }
    }

    record Case(String name, byte[] datagram, Counter counts) {
    }

    @Test
    void hostileDatagramsAreDroppedAndCountedAndMediaKeepsFlowing() throws Exception {
        byte[] goodRtp = server.protect(Media.rtp(0x0A0A0A0A, 1, 20), false);
        byte[] badTagRtp = server.protect(Media.rtp(0x0B0B0B0B, 1, 20), false);
        badTagRtp[badTagRtp.length - 1] ^= 1;
        byte[] badTagRtcp = server.protect(Media.receiverReport(ClientPeerTest.SERVER_SSRC), true);
        badTagRtcp[10] ^= 1;
        Case[] table = {
            new Case("empty datagram", new byte[0], Counter.DROPPED),
            new Case("first byte 64 (TURN channel range)", hex("40000004deadbeef"), Counter.DROPPED),
            new Case("first byte 192 (above RTP)", hex("c0c8000100000000"), Counter.DROPPED),
            new Case("first byte 4 (unassigned)", hex("0401000000000000"), Counter.DROPPED),
            new Case("single byte in the STUN range", hex("00"), Counter.STUN),
            new Case("STUN header with a wrong magic cookie", hex("000100002112a443000000000000000000000000"),
                    Counter.STUN),
            new Case("STUN length field past the datagram", hex("000100082112a442000000000000000000000000"),
                    Counter.STUN),
            new Case("success response for an unknown transaction", response(new byte[12]), Counter.STUN),
            new Case("Binding request with a wrong MESSAGE-INTEGRITY", request(false, "wrong-password-0123456789"),
                    Counter.STUN),
            new Case("DTLS shorter than a record header", hex("17fefd0001"), Counter.DROPPED),
            new Case("DTLS application data record failing its AEAD tag", hex("17fefd0001000000000001" + "0030"
                    + "0102030405060708090a0b0c0d0e0f10" + "00".repeat(16) + "aabbccddeeff00112233445566778899"),
                    Counter.NONE),
            new Case("RTP with a flipped tag bit", badTagRtp, Counter.SRTP),
            new Case("RTP replayed", goodRtp, Counter.SRTP),
            new Case("RTP shorter than its header", hex("8060000100000001"), Counter.SRTP),
            new Case("RTP version 2 header, no tag", Media.rtp(ClientPeerTest.SERVER_SSRC, 7, 4), Counter.SRTP),
            new Case("SRTCP with a flipped ciphertext bit", badTagRtcp, Counter.SRTP),
            new Case("SRTCP shorter than header and trailer", hex("80c9000111111111"), Counter.SRTP),
        };
        server.send(goodRtp, 0, goodRtp.length);
        assertThat(clientRtp.poll(5, TimeUnit.SECONDS)).isNotNull();
        for (Case c : table) {
            long droppedBefore = Counter.DROPPED.read.applyAsLong(peer);
            long stunBefore = Counter.STUN.read.applyAsLong(peer);
            long srtpBefore = Counter.SRTP.read.applyAsLong(peer);

            server.send(c.datagram, 0, c.datagram.length);
            sendAndReceiveOneRtp();

            assertThat(peer.droppedDatagrams() - droppedBefore).as(c.name + ": dropped")
                    .isEqualTo(c.counts == Counter.DROPPED ? 1 : 0);
            assertThat(peer.droppedStun() - stunBefore).as(c.name + ": STUN dropped")
                    .isEqualTo(c.counts == Counter.STUN ? 1 : 0);
            assertThat(peer.srtpErrors() - srtpBefore).as(c.name + ": SRTP errors")
                    .isEqualTo(c.counts == Counter.SRTP ? 1 : 0);
            assertThat(peer.state()).as(c.name).isEqualTo(PeerState.CONNECTED);
        }
        assertThat(server.stunFromClient).as("the client answered none of it").isEmpty();
    }

    @Test
    void datagramsFromAnotherAddressAreDropped() throws Exception {
        byte[] packet = server.protect(Media.rtp(ClientPeerTest.SERVER_SSRC, 1, 20), false);
        long before = peer.droppedDatagrams();
        try (DatagramSocket stranger = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            stranger.send(new DatagramPacket(packet, packet.length, peer.localAddress()));
        }
        ClientPeerTest.await(() -> peer.droppedDatagrams() == before + 1);
        assertThat(clientRtp.poll(200, TimeUnit.MILLISECONDS)).isNull();
        assertThat(peer.packetsReceived()).isZero();
    }

    @Test
    void answersAuthenticatedBindingRequestsFromTheServer() throws Exception {
        byte[] request = request(false, peer.localCredentials().password());
        server.send(request, 0, request.length);

        StunReader response = parse(server.stunFromClient.poll(5, TimeUnit.SECONDS));
        assertThat(response.messageType()).isEqualTo(StunMessage.BINDING_SUCCESS_RESPONSE);
        assertThat(Arrays.copyOfRange(response.buffer(), 8, 20)).isEqualTo(Arrays.copyOfRange(request, 8, 20));
        assertThat(response.verifyMessageIntegrity(utf8(peer.localCredentials().password()))).isTrue();
        assertThat(response.xorMappedAddress()).isEqualTo(server.address());
    }

    @Test
    void aServerClaimingControlGetsRoleConflict() throws Exception {
        byte[] request = request(true, peer.localCredentials().password());
        server.send(request, 0, request.length);

        StunReader response = parse(server.stunFromClient.poll(5, TimeUnit.SECONDS));
        assertThat(response.messageType()).isEqualTo(StunMessage.BINDING_ERROR_RESPONSE);
        assertThat(response.errorCode()).isEqualTo(ErrorCode.ROLE_CONFLICT);
        assertThat(response.verifyMessageIntegrity(utf8(peer.localCredentials().password()))).isTrue();
    }

    private void sendAndReceiveOneRtp() throws InterruptedException {
        byte[] plain = Media.rtp(ClientPeerTest.SERVER_SSRC, nextSeq++, 20);
        server.sendMedia(plain, false);
        assertThat(clientRtp.poll(5, TimeUnit.SECONDS)).isEqualTo(plain);
    }

    /** A Binding request as the server would send it to the client, keyed with {@code password}. */
    private byte[] request(boolean controlling, String password) {
        byte[] buf = new byte[256];
        byte[] username = utf8(peer.localCredentials().ufrag() + ":" + server.credentials.ufrag());
        StunWriter writer = new StunWriter().start(buf, 0, StunMessage.BINDING_REQUEST, hex("0102030405060708090a0b0c"), 0)
                .addUsername(username, 0, username.length)
                .addPriority(1);
        if (controlling) {
            writer.addIceControlling(7);
        } else {
            writer.addIceControlled(7);
        }
        int n = writer.addMessageIntegrity(utf8(password)).addFingerprint().length();
        return Arrays.copyOf(buf, n);
    }

    /** A success response as the server would send it, for transaction {@code txId}. */
    private byte[] response(byte[] txId) {
        byte[] buf = new byte[256];
        int n = new StunWriter().start(buf, 0, StunMessage.BINDING_SUCCESS_RESPONSE, txId, 0)
                .addXorMappedAddress(peer.localAddress())
                .addMessageIntegrity(utf8(server.credentials.password()))
                .addFingerprint().length();
        return Arrays.copyOf(buf, n);
    }

    private static StunReader parse(byte[] datagram) {
        assertThat(datagram).as("a STUN answer from the client").isNotNull();
        StunReader reader = new StunReader();
        assertThat(reader.parse(datagram, 0, datagram.length)).isTrue();
        assertThat(reader.verifyFingerprint()).isTrue();
        return reader;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }
}
