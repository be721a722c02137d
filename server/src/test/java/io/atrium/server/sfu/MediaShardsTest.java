package io.atrium.server.sfu;

import static io.atrium.server.testing.Waits.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.TestServer.Response;
import io.atrium.server.config.AtriumConfig;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code rtc.media_threads: 2} (docs/PERFORMANCE.md, "Multi-core media"): Java clients on the {@code webrtc/}
 * library publish and play over WHIP/WHEP into three rooms. Each room is placed on the least loaded shard and
 * stays there while it has peers: every answer of a room carries its shard's port only, the two first rooms
 * use different shards, and RTP is forwarded through each shard.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MediaShardsTest {

    TestServer server;
    final List<JavaPeer> open = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-shards-"));
        server = TestServer.start(c.withRtc(c.rtc().withMediaThreads(2)));
    }

    @AfterAll
    void stop() {
        open.forEach(JavaPeer::close);
        server.close();
    }

    @Test
    void roomsGoToTheLeastLoadedShardStayThereWhileTheyHavePeersAndForwardThroughIt() {
        Shards media = server.server().media();
        assertThat(media.shards()).hasSize(2);
        assertThat(media.ports()).doesNotHaveDuplicates();

        String a = server.createRoom("shard a");
        JavaPeer pubA = join(a, "whip");
        int portA = port(pubA);
        List<JavaPeer> subsA = List.of(join(a, "whep"), join(a, "whep"));
        subsA.forEach(s -> assertThat(port(s)).as("room a's players on room a's shard").isEqualTo(portA));

        // a's shard has three peers, the other none: the next room goes to the other one
        String b = server.createRoom("shard b");
        JavaPeer pubB = join(b, "whip");
        int portB = port(pubB);
        assertThat(portB).as("room b on the other shard").isNotEqualTo(portA);
        JavaPeer subB = join(b, "whep");
        assertThat(port(subB)).isEqualTo(portB);

        // b's shard is now the less loaded, yet a's next player joins a where a is: a room does not move
        JavaPeer lateA = join(a, "whep");
        assertThat(port(lateA)).as("a room stays on its shard while it has peers").isEqualTo(portA);
        // and a new room goes to the less loaded shard (two peers against four)
        String c = server.createRoom("shard c");
        assertThat(port(join(c, "whip"))).as("room c on the least loaded shard").isEqualTo(portB);

        Sfu shardA = media.existing(UUID.fromString(a)).orElseThrow().shard();
        Sfu shardB = media.existing(UUID.fromString(b)).orElseThrow().shard();
        assertThat(shardA.port()).isEqualTo(portA);
        assertThat(shardB.port()).isEqualTo(portB);
        assertThat(shardA.rooms()).containsExactly(UUID.fromString(a));
        assertThat(shardB.rooms()).containsExactlyInAnyOrder(UUID.fromString(b), UUID.fromString(c));
        assertThat(shardA.transport().peerCount()).isEqualTo(4);
        assertThat(shardB.transport().peerCount()).isEqualTo(3);

        // a forward through each shard: every player of the room gets the publisher's packets
        List<JavaPeer> playersA = List.of(subsA.get(0), subsA.get(1), lateA);
        waitUntil(() -> server.get("/v1/rooms/" + a + "/media").json().at("/media/subscribers").size() == 3, "a's three players");
        waitUntil(() -> server.get("/v1/rooms/" + b + "/media").json().at("/media/subscribers").size() == 1, "b's player");
        for (int i = 0; i < 20; i++) {
            assertThat(pubA.sendAudio(i, 960 * i, 30, new byte[] {1, 2, (byte) i})).isTrue();
            assertThat(pubB.sendAudio(i, 960 * i, 30, new byte[] {3, 4, (byte) i})).isTrue();
        }
        for (JavaPeer p : playersA) {
            waitUntil(() -> p.rtp.size() >= 20, "room a's packets through shard " + portA);
        }
        waitUntil(() -> subB.rtp.size() >= 20, "room b's packets through shard " + portB);
        assertThat(shardA.transport().counters().forwardCount()).as("shard a forwarded a's packets").isGreaterThanOrEqualTo(20);
        assertThat(shardB.transport().counters().forwardCount()).as("shard b forwarded b's packets").isGreaterThanOrEqualTo(20);
        assertThat(subB.rtp).as("b's player got b's payloads only").allSatisfy(p -> assertThat(p[p.length - 3]).isEqualTo((byte) 3));
    }

    /** A WHIP publisher or WHEP player of {@code room}, connected. */
    private JavaPeer join(String room, String kind) {
        JavaPeer peer = new JavaPeer();
        open.add(peer);
        Response r = server.send("POST", "/" + kind + "/" + room, peer.offer(kind.equals("whip")), "application/sdp",
                "Bearer " + server.token(room, ""));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        peer.connect(r.body());
        return peer;
    }

    /** The one port every candidate (UDP and ICE-TCP) of {@code peer}'s answer carries. */
    private static int port(JavaPeer peer) {
        Set<Integer> ports = new TreeSet<>();
        peer.answer().media().forEach(m -> m.candidates().forEach(c -> ports.add(c.port())));
        assertThat(ports).as("the answer's candidate ports").hasSize(1);
        return ports.iterator().next();
    }
}
