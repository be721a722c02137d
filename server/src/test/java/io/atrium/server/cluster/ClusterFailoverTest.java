package io.atrium.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.testing.ChildServer;
import io.atrium.server.testing.ClusterNodes;
import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.Waits;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * kill -9 of the node that owns a room (docs/SCALING.md, failure): the nodes that relayed its members' sockets
 * close them, the members reconnect as the SDK does ({@code join_room} with their token on a new socket and a
 * new peer connection), the room is placed on a live node, and its chat history (PostgreSQL) is intact. The
 * owner runs in its own JVM ({@code java ... Main}); the others in this one; one Redis, one PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterFailoverTest {

    ClusterNodes cluster;
    TestServer n1;
    TestServer n2;
    final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    void start() {
        cluster = new ClusterNodes();
        n1 = cluster.node("n1");
        n2 = cluster.node("n2");
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        cluster.close();
    }

    RpcClient socket(int port) {
        RpcClient c = new RpcClient(URI.create("ws://127.0.0.1:" + port + "/v1/rtc"));
        open.add(c);
        return c;
    }

    record Member(RpcClient rpc, JavaPeer peer, String token) {
    }

    Member join(int port, String room, String callId) {
        RpcClient rpc = socket(port);
        String token = rpc.call("authenticate", Map.of("room", room, "call_id", callId, "name", callId)).get("auth_token").asText();
        return rejoin(port, token);
    }

    /** What the SDK does after a drop: join_room with its token on a new socket (here with a new peer connection too). */
    Member rejoin(int port, String token) {
        RpcClient rpc = socket(port);
        JavaPeer peer = new JavaPeer();
        open.add(peer);
        JsonNode joined = rpc.call("join_room", Map.of("sdp", peer.offer(true), "auth_token", token,
                "audio_muted", false, "video_muted", false));
        peer.connect(joined.get("sdp").asText());
        return new Member(rpc, peer, token);
    }

    @Test
    void killingTheOwnerCostsItsMembersAReconnectAndTheRoomMoves() throws Exception {
        ChildServer n4 = cluster.child("n4");
        Waits.waitUntil(() -> ClusterNodes.of(n1).nodes().containsKey("n4"), "n4 listed", Duration.ofSeconds(30));
        String room = n1.post("/v1/rooms", "{\"room\": {\"name\": \"failover\", \"open\": true}}").json().at("/room/uuid").asText();
        // a socket on n4 places the room there (an idle cluster places a room on the node asked)
        socket(n4.port()).call("authenticate", Map.of("room", room, "call_id", "holder"));
        assertThat(cluster.redis.cli("GET", "atrium:room:" + room)).isEqualTo("n4");
        Member alice = join(n1.server().httpPort(), room, "alice");
        Member bob = join(n2.server().httpPort(), room, "bob");
        alice.rpc().call("send_chat_message", Map.of("text", "before the crash"));
        assertThat(bob.rpc().call("get_room_members", Map.of()).toString()).contains("alice");

        long killed = System.nanoTime();
        n4.kill();
        alice.rpc().closed.get(30, TimeUnit.SECONDS);
        bob.rpc().closed.get(30, TimeUnit.SECONDS);
        long droppedMillis = (System.nanoTime() - killed) / 1_000_000;

        Member alice2 = rejoin(n1.server().httpPort(), alice.token());
        Member bob2 = rejoin(n2.server().httpPort(), bob.token());
        long backMillis = (System.nanoTime() - killed) / 1_000_000;
        String owner = cluster.redis.cli("GET", "atrium:room:" + room);
        assertThat(owner).as("placed again on a live node").isIn("n1", "n2");
        TestServer home = owner.equals("n1") ? n1 : n2;
        Waits.waitUntil(() -> home.server().media().peerCount() >= 2, "both members' media on the new owner", Duration.ofSeconds(30));
        assertThat(alice2.rpc().call("get_room_members", Map.of()).toString()).contains("bob");
        JsonNode history = bob2.rpc().call("get_chat_history", Map.of());
        assertThat(history.toString()).as("chat history is in PostgreSQL").contains("before the crash");
        System.out.printf("kill -9 of the owner: relayed sockets closed after %d ms, both members joined again on %s after %d ms%n",
                droppedMillis, owner, backMillis);
        assertThat(droppedMillis).as("within node_ttl_millis + 2 heartbeats (5 s) and slack for a loaded machine")
                .isLessThan(15_000);
    }
}
