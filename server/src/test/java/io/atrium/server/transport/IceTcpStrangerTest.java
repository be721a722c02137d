package io.atrium.server.transport;

import static io.atrium.server.testing.Scrapes.scrape;
import static io.atrium.server.testing.Scrapes.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Closer;
import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.Scrapes;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.Waits;
import io.atrium.webrtc.stun.StunMessage;
import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Finding 20 of docs/SECURITY.md with real TCP clients: an ICE-TCP connection keeps its place only while a peer
 * takes its address. Its first frame must be a binding request a peer accepts (a stranger's byte, or a check for
 * a ufrag nobody has, is closed at once); a connection that sends nothing, or whose peer is gone, is closed after
 * {@code rtc.connect_timeout_seconds}; and one IP address holds at most {@code rtc.tcp_connections_per_address}.
 */
class IceTcpStrangerTest {

    /**
     * The test server's {@code rtc.connect_timeout_seconds} (default 20): short, since the test waits it out twice (the
     * silent connection, then the one whose peer left), yet several times what the Java peer's connection over UDP
     * takes on a loaded machine.
     */
    static final int CONNECT_TIMEOUT_SECONDS = 5;
    /** Within this a stranger's first frame closes its connection: well before the connect timeout would. */
    static final int AT_ONCE_MILLIS = CONNECT_TIMEOUT_SECONDS * 1000 / 2;
    /** {@code rtc.tcp_connections_per_address}'s default. */
    static final int PER_ADDRESS = 64;

    @RegisterExtension
    final Closer open = new Closer();

    @Test
    void onlyAConnectionAPeerTakesKeepsItsPlace() throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-ice-tcp-stranger-"));
        TestServer server = open.track(TestServer.start(Scrapes.withToken(c.withRtc(new AtriumConfig.Rtc(0, null, null,
                CONNECT_TIMEOUT_SECONDS)))));
        MediaSocket media = server.server().media().shards().get(0).transport().socket();
        String room = server.createRoom("ice-tcp");

        // a browser's connection: its first frame is the peer's ICE check, answered on the connection
        JavaPeer publisher = open.track(new JavaPeer());
        TestServer.Response whip = server.send("POST", "/whip/" + room, publisher.offer(true), "application/sdp",
                "Bearer " + server.token(room, "\"identity\": \"obs\""));
        assertThat(whip.status()).as(whip.body()).isEqualTo(201);
        publisher.connect(whip.body()); // over UDP: the peer is connected and stays
        IceTcpClient browser = open.track(IceTcpClient.connect(media.tcpPort()));
        browser.bindingRequest(whip.body(), publisher);
        assertThat(browser.nextStunType(10_000)).isEqualTo(StunMessage.BINDING_SUCCESS_RESPONSE);

        // strangers: a byte, a check for a ufrag nobody has, nothing at all
        IceTcpClient oneByte = open.track(IceTcpClient.connect(media.tcpPort()));
        oneByte.frame(new byte[] {0x42}, 1);
        assertThat(oneByte.closedByServer(AT_ONCE_MILLIS)).as("a first frame that is no ICE check is closed").isTrue();
        IceTcpClient guess = open.track(IceTcpClient.connect(media.tcpPort()));
        guess.bindingRequest("nobodys:ufrag", "a-password-nobody-has-0123");
        assertThat(guess.closedByServer(AT_ONCE_MILLIS)).as("a check for an unknown ufrag is closed").isTrue();
        IceTcpClient silent = open.track(IceTcpClient.connect(media.tcpPort()));
        assertThat(silent.closedByServer(CONNECT_TIMEOUT_SECONDS * 1000 * 3))
                .as("a connection that sends nothing is closed after the connect timeout").isTrue();
        assertThat(browser.closedByServer(200)).as("the browser's connection, older than the silent one, stays").isFalse();
        assertThat(media.tcpUnrouted()).isEqualTo(3);

        // the peer ends: its connection is closed once the connect timeout passes without a peer
        String location = whip.raw().headers().firstValue("Location").orElseThrow();
        assertThat(server.send("DELETE", location, null, "Bearer " + server.token(room, "\"identity\": \"obs\"")).status())
                .isBetween(200, 204);
        assertThat(browser.closedByServer(CONNECT_TIMEOUT_SECONDS * 1000 * 3)).as("a connection whose peer is gone is closed").isTrue();
        assertThat(media.tcpUnrouted()).isEqualTo(4);
        assertThat(value(scrape(server), "atrium_ice_tcp_unrouted_total")).isEqualTo(4);
        Waits.waitUntil(() -> media.tcpConnections() == 0, "every closed connection forgotten");
    }

    @Test
    void oneAddressHoldsAtMostItsShare() throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-ice-tcp-per-address-"));
        TestServer server = open.track(TestServer.start(c.withRtc(new AtriumConfig.Rtc(0, null, null, 600))));
        MediaSocket media = server.server().media().shards().get(0).transport().socket();
        InetAddress one = InetAddress.getByName("127.0.0.1");
        List<IceTcpClient> clients = new ArrayList<>();
        for (int i = 0; i < PER_ADDRESS; i++) {
            clients.add(open.track(IceTcpClient.connect(media.tcpPort(), one)));
        }
        Waits.waitUntil(() -> media.tcpConnections() == PER_ADDRESS, "the address's connections are all open");
        IceTcpClient beyond = open.track(IceTcpClient.connect(media.tcpPort(), one));
        assertThat(beyond.closedByServer(10_000)).as("one more from the same address is closed").isTrue();
        assertThat(media.tcpRefused()).isEqualTo(1);
        IceTcpClient neighbour = open.track(IceTcpClient.connect(media.tcpPort(), InetAddress.getByName("127.0.0.2")));
        Waits.waitUntil(() -> media.tcpConnections() == PER_ADDRESS + 1, "another address still gets a place");
        assertThat(neighbour.closedByServer(200)).isFalse();

        clients.get(0).close();
        Waits.waitUntil(() -> media.tcpConnections() == PER_ADDRESS, "a closed connection frees its place");
        IceTcpClient again = open.track(IceTcpClient.connect(media.tcpPort(), one));
        Waits.waitUntil(() -> media.tcpConnections() == PER_ADDRESS + 1, "the freed place is taken");
        assertThat(again.closedByServer(200)).isFalse();
        assertThat(media.tcpRefused()).isEqualTo(1);
    }
}
