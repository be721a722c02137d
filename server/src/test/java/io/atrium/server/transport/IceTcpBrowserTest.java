package io.atrium.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.NetNamespace;
import io.atrium.server.testing.SdkScripts;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * ICE-TCP (RFC 6544) with a real browser behind a firewall that lets no UDP out: two Chromium pages in a
 * network namespace made by the test, where nftables drops UDP to Atrium's media port, join a meeting with
 * the SDK over the namespace's veth link to Atrium and decode each other's video and audio, both their
 * publishing and their receiving connection on a TCP candidate pair to Atrium's passive candidate.
 * <p>
 * Runs alone ({@code @Isolated}): while it runs, the namespace's veth end is an interface of the machine, and a
 * browser test beside it would gather that address as a candidate (HomePageBrowserTest's loopback pair did).
 */
@Isolated
class IceTcpBrowserTest {

    /**
     * Per connection of the client: the selected pair's local protocol and TCP type, and remote protocol, type and
     * port. (Chromium reports its active local candidate as peer-reflexive once connected: its port is the
     * connection's, learned from Atrium's XOR-MAPPED-ADDRESS, not the 9 it announced.)
     */
    static final String SELECTED = """
            (async () => {
              const out = [];
              for (const pc of [client.publishPc, client.receivePc]) {
                if (!pc) continue;
                const stats = await pc.getStats();
                stats.forEach(t => {
                  if (t.type === 'transport' && t.selectedCandidatePairId) {
                    const pair = stats.get(t.selectedCandidatePairId);
                    const local = stats.get(pair.localCandidateId), remote = stats.get(pair.remoteCandidateId);
                    out.push(local.protocol + ' ' + (local.tcpType ?? '') + ' -> '
                        + remote.protocol + ' ' + remote.candidateType + ' ' + remote.port);
                  }
                });
              }
              return out;
            })()""";

    static NetNamespace ns;
    static TestServer server;
    static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        ns = NetNamespace.create();
        Path dir = Files.createTempDirectory("atrium-ice-tcp-");
        AtriumConfig c = TestServer.config(Db.H2, dir);
        // HTTP and media on the host's end of the veth link, the only address the namespace reaches
        server = TestServer.start(c.withHttp(c.http().withHost(ns.hostAddress().getHostAddress())));
        ns.dropUdpTo(ns.hostAddress(), server.server().media().ports()); // every shard's port
        String origin = server.uri("").toString();
        // a plain-HTTP page on a non-loopback address is not a secure context: getUserMedia needs this flag
        browser = Chromium.launch(ns.wrapper(dir, Chromium.EXECUTABLE),
                List.of("--unsafely-treat-insecure-origin-as-secure=" + origin));
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
            if (server != null) {
                server.close();
            }
        } finally {
            if (ns != null) {
                ns.close();
            }
        }
    }

    /** The port of the shard {@code room} was placed on. */
    static int mediaPort(String room) {
        return server.server().media().existing(UUID.fromString(room)).orElseThrow().shard().port();
    }

    @Test
    void participantsWithoutUdpConnectOverIceTcpAndDecodeEachOther() {
        String room = server.post("/v1/rooms", "{\"room\":{\"name\":\"ice-tcp\",\"open\":true}}").json().at("/room/uuid").asText();
        try (Page ann = page("ann"); Page bob = page("bob")) {
            ann.evaluate(SdkScripts.JOIN, List.of(room, "Ann", "all"));
            bob.evaluate(SdkScripts.JOIN, List.of(room, "Bob", "all"));
            String tcpPair = "tcp active -> tcp host " + mediaPort(room);
            for (Page p : List.of(ann, bob)) {
                Chromium.waitFor(p, SdkScripts.DECODES_OTHER, Duration.ofSeconds(60));
                Chromium.waitFor(p, "(async () => { const s = await " + SELECTED + ";"
                        + " return (s.length === 2 && s.every(x => x === '" + tcpPair + "')) || s; })()");
            }
            // the browsers did try UDP first and the namespace's firewall dropped it; Atrium held their TCP connections
            assertThat(ns.droppedUdp()).as("UDP packets dropped by the namespace's nftables rule").isPositive();
            assertThat(server.server().media().sum(t -> t.socket().tcpConnections())).as("open ICE-TCP connections").isGreaterThanOrEqualTo(4);
        }
    }

    private static Page page(String label) {
        Page page = Chromium.newPage(label, new Browser.NewContextOptions(), browser);
        page.navigate(server.uri("/healthz").toString());
        return page;
    }
}
