package io.atrium.server.transport;

import static io.atrium.server.testing.Scrapes.scrape;
import static io.atrium.server.testing.Scrapes.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Scrapes;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.Waits;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The ICE-TCP listener's cap on open connections, with real TCP clients: {@link MediaSocket#MAX_TCP_CONNECTIONS}
 * stay open, the two beyond it are closed at once and counted in {@code atrium_ice_tcp_refused_total}. The clients
 * come from 127.1.x.1, {@link #PER_ADDRESS} from each (the per-address cap, IceTcpStrangerTest), and the connect
 * timeout is long, so that only the global cap closes any. Isolated: it holds about twice the cap in file descriptors (client and server ends) for a few seconds.
 */
@Isolated
class IceTcpCapTest {

    static final int EXTRA = 2;
    /** {@code rtc.tcp_connections_per_address}'s default. */
    static final int PER_ADDRESS = 64;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void connectionsBeyondTheCapAreClosedAndCounted() throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-ice-tcp-cap-"));
        c = c.withRtc(new AtriumConfig.Rtc(0, null, null, 600)); // strangers that send nothing stay while this test runs
        List<Socket> clients = new ArrayList<>(MediaSocket.MAX_TCP_CONNECTIONS + EXTRA);
        try (TestServer server = TestServer.start(Scrapes.withToken(c))) {
            MediaSocket media = server.server().media().shards().get(0).transport().socket();
            try {
                // one after the other, so the listener sees them in this order: the last EXTRA are beyond the cap
                for (int i = 0; i < MediaSocket.MAX_TCP_CONNECTIONS + EXTRA; i++) {
                    InetAddress from = InetAddress.getByAddress(new byte[] {127, 1, (byte) (i / PER_ADDRESS), 1});
                    clients.add(new Socket(InetAddress.getLoopbackAddress(), media.tcpPort(), from, 0));
                }
                Waits.waitUntil(() -> media.tcpRefused() == EXTRA, "the connections beyond the cap refused", Duration.ofSeconds(30));
                for (Socket refused : clients.subList(MediaSocket.MAX_TCP_CONNECTIONS, clients.size())) {
                    assertThat(closedByServer(refused, 5000)).as("a connection beyond the cap is closed").isTrue();
                }
                assertThat(closedByServer(clients.get(MediaSocket.MAX_TCP_CONNECTIONS - 1), 200))
                        .as("the last connection within the cap stays open").isFalse();
                assertThat(media.tcpConnections()).isEqualTo(MediaSocket.MAX_TCP_CONNECTIONS);

                String metrics = scrape(server);
                assertThat(value(metrics, "atrium_ice_tcp_refused_total")).isEqualTo(EXTRA);
                assertThat(value(metrics, "atrium_ice_tcp_accepted_total")).isEqualTo(MediaSocket.MAX_TCP_CONNECTIONS);
                assertThat(value(metrics, "atrium_ice_tcp_connections")).isEqualTo(MediaSocket.MAX_TCP_CONNECTIONS);
            } finally {
                for (Socket s : clients) {
                    s.close();
                }
            }
            Waits.waitUntil(() -> media.tcpConnections() == 0, "every connection forgotten once closed", Duration.ofSeconds(30));
            assertThat(value(scrape(server), "atrium_ice_tcp_refused_total")).isEqualTo(EXTRA);
        }
    }

    /** True when the server closed {@code s} (end of stream, or a reset), false when it is still open after {@code millis}. */
    private static boolean closedByServer(Socket s, int millis) throws IOException {
        s.setSoTimeout(millis);
        try {
            return s.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset
        }
    }
}
