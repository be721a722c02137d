package io.atrium.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.config.AtriumConfig;
import io.atrium.server.sfu.Sfu;
import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.Waits;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every answer ({@code join_room}, {@code subscribe_room}, WHIP, WHEP) offers the ICE-TCP passive
 * candidate on the media port beside the UDP one, with the RFC 6544 section 4.2 priority.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IceTcpCandidateTest {

    /** RFC 8445 5.1.2.1 with type preference 126 (host) and RFC 6544 4.2's local preference 2^13 * 4 (passive) + 8191. */
    static final long TCP_PASSIVE_PRIORITY = (126L << 24) + (((1L << 13) * 4 + 8191) << 8) + 255;
    static final long UDP_PRIORITY = (126L << 24) + (65535L << 8) + 255;
    static final Pattern CANDIDATE = Pattern.compile("a=candidate:(\\S+) 1 (udp|tcp) (\\d+) (\\S+) (\\d+) typ host(.*)\r");

    TestServer server;
    String room;
    final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    void start() {
        server = TestServer.start(Db.H2);
        room = server.post("/v1/rooms", "{\"room\":{\"name\":\"ice-tcp\",\"open\":true}}").json().at("/room/uuid").asText();
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        server.close();
    }

    @Test
    void everyAnswerOffersThePassiveTcpCandidate() {
        RpcClient rpc = RpcClient.connect(server);
        open.add(rpc);
        String auth = rpc.call("authenticate", Map.of("room", room, "call_id", "ann", "display_name", "Ann")).get("auth_token").asText();
        JavaPeer member = peer();
        String joined = rpc.call("join_room", Map.of("sdp", member.offer(true), "auth_token", auth)).get("sdp").asText();
        assertOffersTcp(server, "join_room", joined);
        String subscribed = rpc.call("subscribe_room", Map.of("sdp", peer().offer(false), "auth_token", auth,
                "members", List.of())).get("sdp").asText();
        assertOffersTcp(server, "subscribe_room", subscribed);

        String token = server.token(room, "\"identity\": \"obs\"");
        JavaPeer publisher = peer();
        TestServer.Response whip = server.send("POST", "/whip/" + room, publisher.offer(true), "application/sdp", "Bearer " + token);
        assertThat(whip.status()).as(whip.body()).isEqualTo(201);
        assertOffersTcp(server, "WHIP", whip.body());
        publisher.connect(whip.body());
        for (int i = 0; i < 20; i++) {
            publisher.sendAudio(i, i * 960, 50, new byte[] {1, 2, 3});
        }
        Waits.waitUntil(() -> server.get("/v1/rooms/" + room + "/media").json().at("/media/publishers").size() > 0,
                "the WHIP publisher is live");
        TestServer.Response whep = server.send("POST", "/whep/" + room, peer().offer(false), "application/sdp",
                "Bearer " + server.token(room, "\"identity\": \"viewer\""));
        assertThat(whep.status()).as(whep.body()).isEqualTo(201);
        assertOffersTcp(server, "WHEP", whep.body());
    }

    /**
     * {@code rtc.host} apart from {@code http.host} (HTTP on loopback behind a proxy, media on another
     * address): the media port binds it, UDP and TCP, answers announce it and a peer connects there.
     */
    @Test
    void theMediaPortBindsRtcHostApartFromHttp() throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-rtc-host-"));
        try (TestServer split = TestServer.start(new AtriumConfig(false, c.dataDir(), c.http(), c.rtc().withHost("127.0.0.2"),
                c.database(), c.auth()))) {
            InetSocketAddress media = split.server().media().shards().get(0).transport().socket().localAddress();
            assertThat(media.getAddress().getHostAddress()).isEqualTo("127.0.0.2");
            try (Socket tcp = new Socket("127.0.0.2", media.getPort())) {
                assertThat(tcp.isConnected()).as("ICE-TCP listens on rtc.host").isTrue();
            }
            String other = split.post("/v1/rooms", "{\"room\":{\"name\":\"rtc-host\",\"open\":true}}").json().at("/room/uuid").asText();
            String token = split.token(other, "\"identity\": \"obs\"");
            JavaPeer publisher = peer();
            TestServer.Response whip = split.send("POST", "/whip/" + other, publisher.offer(true), "application/sdp", "Bearer " + token);
            assertThat(whip.status()).as(whip.body()).isEqualTo(201);
            assertOffersTcp(split, "WHIP at rtc.host", whip.body());
            publisher.connect(whip.body());
            for (int i = 0; i < 20; i++) {
                publisher.sendAudio(i, i * 960, 50, new byte[] {1, 2, 3});
            }
            Waits.waitUntil(() -> split.get("/v1/rooms/" + other + "/media").json().at("/media/publishers/0/packets_in").asLong() > 0,
                    "media reaches Atrium at rtc.host");
        }
    }

    private JavaPeer peer() {
        JavaPeer p = new JavaPeer();
        open.add(p);
        return p;
    }

    /** Each m-line with candidates has one UDP host and one TCP passive candidate, both on the media port, TCP ranked below. */
    private static void assertOffersTcp(TestServer server, String where, String sdp) {
        // the port of the shard the room was placed on: the first candidate's, which must be a shard's
        Matcher first = CANDIDATE.matcher(sdp);
        assertThat(first.find()).as(where + " has a candidate").isTrue();
        int port = Integer.parseInt(first.group(5));
        Sfu shard = server.server().media().shards().stream().filter(s -> s.port() == port).findFirst().orElseThrow(
                () -> new AssertionError(where + ": " + port + " is no shard's port " + server.server().media().ports()));
        InetSocketAddress media = shard.transport().socket().localAddress();
        assertThat(shard.transport().socket().tcpPort()).isEqualTo(port);
        String[] sections = sdp.split("\r\nm=");
        assertThat(sections.length).as(where + " has m-lines").isGreaterThan(1);
        for (int i = 1; i < sections.length; i++) {
            List<String> seen = new ArrayList<>();
            Matcher m = CANDIDATE.matcher(sections[i]);
            while (m.find()) {
                assertThat(m.group(4)).as(where + ": " + m.group()).isEqualTo(media.getAddress().getHostAddress());
                assertThat(Integer.parseInt(m.group(5))).as(where + ": " + m.group()).isEqualTo(port);
                long priority = Long.parseLong(m.group(3));
                if (m.group(2).equals("tcp")) {
                    assertThat(m.group(6)).as(where).isEqualTo(" tcptype passive");
                    assertThat(priority).as(where + " tcp priority").isEqualTo(TCP_PASSIVE_PRIORITY);
                } else {
                    assertThat(m.group(6)).as(where).isEmpty();
                    assertThat(priority).as(where + " udp priority").isEqualTo(UDP_PRIORITY);
                }
                seen.add(m.group(2));
            }
            if (i == 1 || !seen.isEmpty()) { // bundled sections after the first may leave candidates out
                assertThat(seen).as(where + " m-line " + i + ":\n" + sdp).containsExactly("udp", "tcp");
            }
        }
    }
}
