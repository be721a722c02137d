package io.atrium.server.transport;

import static io.atrium.server.testing.Scrapes.scrape;
import static io.atrium.server.testing.Scrapes.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Scrapes;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.Waits;
import io.atrium.server.testing.JavaPeer;
import io.atrium.webrtc.stun.StunMessage;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * The ICE-TCP listener's bounds, seen from a real TCP client (a WHIP peer's, whose first frame is its ICE check) and
 * on {@code /metrics}: a frame longer than a datagram is dropped and counted without closing the connection, and
 * packets to a connection that never reads are dropped and counted once its outbound buffer is full, never queued
 * without bound.
 */
class IceTcpLimitsTest {

    @Test
    void oversizeFramesAndASlowReaderAreDroppedCountedAndScraped() throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-ice-tcp-limits-"));
        try (TestServer server = TestServer.start(Scrapes.withToken(c))) {
            MediaSocket media = server.server().media().shards().get(0).transport().socket();
            String room = server.createRoom("ice-tcp-limits");
            try (JavaPeer publisher = new JavaPeer(); IceTcpClient ice = IceTcpClient.connect(media.tcpPort())) {
                TestServer.Response whip = server.send("POST", "/whip/" + room, publisher.offer(true), "application/sdp",
                        "Bearer " + server.token(room, "\"identity\": \"obs\""));
                assertThat(whip.status()).as(whip.body()).isEqualTo(201);
                publisher.connect(whip.body());
                ice.bindingRequest(whip.body(), publisher);
                assertThat(ice.nextStunType(10_000)).isEqualTo(StunMessage.BINDING_SUCCESS_RESPONSE);
                Socket client = ice.socket;
                OutputStream out = client.getOutputStream();
                int oversize = MediaSocket.MAX_DATAGRAM + 1;
                out.write(new byte[] {(byte) (oversize >> 8), (byte) oversize});
                out.write(new byte[oversize]);
                out.flush();
                Waits.waitUntil(() -> media.tcpOversize() == 1, "the oversize frame is dropped");
                assertThat(media.tcpConnections()).as("the connection stays open").isEqualTo(1);

                // the client reads nothing: what Atrium sends it piles up until the connection is not writable
                InetSocketAddress peer = new InetSocketAddress("127.0.0.1", client.getLocalPort());
                byte[] packet = new byte[1200];
                for (int i = 0; i < 10_000 && media.tcpDropped() == 0; i++) {
                    media.send(packet, 0, packet.length, peer);
                }
                assertThat(media.tcpDropped()).as("packets dropped at the high-water mark").isPositive();
                long dropped = media.tcpDropped();

                String metrics = scrape(server);
                assertThat(value(metrics, "atrium_dropped_datagrams_total{reason=\"tcp_oversize\"}")).isEqualTo(1);
                assertThat(value(metrics, "atrium_dropped_datagrams_total{reason=\"tcp_buffer_full\"}"))
                        .isGreaterThanOrEqualTo(dropped);
                assertThat(value(metrics, "atrium_ice_tcp_connections")).isEqualTo(1);
                assertThat(value(metrics, "atrium_ice_tcp_accepted_total")).isEqualTo(1);
            }
            Waits.waitUntil(() -> media.tcpConnections() == 0, "the closed connection is forgotten");
            String metrics = scrape(server);
            assertThat(value(metrics, "atrium_ice_tcp_connections")).isZero();
            assertThat(value(metrics, "atrium_ice_tcp_accepted_total")).isEqualTo(1);
        }
    }
}
