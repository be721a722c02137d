package io.atrium.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A WebSocket on a node that does not own the room: its calls and the room's notifications cross over Redis
 * (docs/SCALING.md); media goes straight to the owner. Three nodes in this JVM on one Redis and PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterRelayTest {

    ClusterNodes cluster;
    TestServer n1;
    TestServer n2;
    TestServer n3;
    final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    void start() {
        cluster = new ClusterNodes();
        n1 = cluster.node("n1");
        n2 = cluster.node("n2");
        n3 = cluster.node("n3");
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        cluster.close();
    }

    TestServer node(String id) {
        return Map.of("n1", n1, "n2", n2, "n3", n3).get(id);
    }

    RpcClient client(TestServer node) {
        RpcClient c = new RpcClient(URI.create("ws://127.0.0.1:" + node.server().httpPort() + "/v1/rtc"));
        open.add(c);
        return c;
    }

    String openRoom(TestServer node) {
        return node.post("/v1/rooms", "{\"room\": {\"name\": \"relay\", \"open\": true}}").json().at("/room/uuid").asText();
    }

    record Joined(RpcClient rpc, JavaPeer peer, JsonNode result) {
    }

    Joined join(TestServer node, String room, String callId) {
        RpcClient rpc = client(node);
        String token = rpc.call("authenticate", Map.of("room", room, "call_id", callId, "name", callId)).get("auth_token").asText();
        JavaPeer peer = new JavaPeer();
        open.add(peer);
        JsonNode joined = rpc.call("join_room", Map.of("sdp", peer.offer(true), "auth_token", token,
                "audio_muted", false, "video_muted", false));
        peer.connect(joined.get("sdp").asText());
        return new Joined(rpc, peer, joined);
    }

    @Test
    void membersOnDifferentNodesShareOneRoomOnItsOwner() {
        String room = openRoom(n2);
        String ownerId = ClusterNodes.of(n2).owner(UUID.fromString(room)).id();
        TestServer owner = node(ownerId);
        TestServer other = ownerId.equals("n1") ? n3 : n1;
        Joined a = join(owner, room, "alice");
        Joined b = join(other, room, "bob");
        assertThat(cluster.redis.cli("GET", "atrium:room:" + room)).isEqualTo(ownerId);
        // bob's answer came from the owner (relayed): its candidates are the owner's media port, and the media connects there
        assertThat(b.result().get("sdp").asText()).contains(" " + owner.server().media().socket().localAddress().getPort() + " typ host");
        int before = other.server().media().peerCount();
        Waits.waitUntil(() -> owner.server().media().peerCount() >= 2, "both peers on the owner's media plane");
        assertThat(other.server().media().peerCount()).isEqualTo(before);
        // the owner's notifications reach the relayed socket, and the relayed socket's calls reach the owner's room
        a.rpc().await("member_join_room");
        JsonNode members = b.rpc().call("get_room_members", Map.of());
        assertThat(members.toString()).contains("alice").contains("bob");
        b.rpc().call("send_chat_message", Map.of("text", "hello from n3"));
        chat(a.rpc(), "hello from n3");
        a.rpc().call("send_chat_message", Map.of("text", "hello from n1"));
        chat(b.rpc(), "hello from n1");
        // errors cross too, with their code
        JsonNode refused = b.rpc().request("allow_member", Map.of("call_id", "nobody"));
        assertThat(refused.at("/error/code").asInt()).isEqualTo(403);
        // bob leaves through the relay: the owner's room lets him go and tells alice
        b.rpc().call("leave_room", Map.of());
        assertThat(a.rpc().await("member_leave_room").toString()).contains("bob");
    }

    @Test
    void aRelayedCallCostsARoundTripThroughRedis() {
        String room = openRoom(n1);
        TestServer owner = node(ClusterNodes.of(n1).owner(UUID.fromString(room)).id());
        Joined local = join(owner, room, "here");
        Joined relayed = join(owner == n1 ? n2 : n1, room, "there");
        int n = 80; // within a socket's burst of rooms.messages_per_second
        time(local.rpc(), 5); // warm both paths
        time(relayed.rpc(), 5);
        long[] direct = time(local.rpc(), n);
        long[] across = time(relayed.rpc(), n);
        System.out.printf("get_room_members over %d calls: direct p50 %d us p95 %d us; relayed p50 %d us p95 %d us%n",
                n, direct[n / 2], direct[n * 95 / 100], across[n / 2], across[n * 95 / 100]);
        assertThat(across[n / 2]).as("relayed calls are answered").isPositive();
    }

    /** Waits for the chat message {@code text} (everyone hears every message, the sender too). */
    static void chat(RpcClient rpc, String text) {
        while (!rpc.await("member_chat_message").path("text").asText().equals(text)) {
            // an earlier message: keep reading
        }
    }

    static long[] time(RpcClient rpc, int n) {
        long[] micros = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            rpc.call("get_room_members", Map.of());
            micros[i] = (System.nanoTime() - t0) / 1000;
        }
        java.util.Arrays.sort(micros);
        return micros;
    }

    @Test
    void redisRestartedMidMeetingBreaksNothingLiveAndPlacementResumes() {
        String room = openRoom(n1);
        String ownerId = ClusterNodes.of(n1).owner(UUID.fromString(room)).id();
        TestServer owner = node(ownerId);
        Joined a = join(owner, room, "stays");
        Joined b = join(owner == n2 ? n3 : n2, room, "relayed");

        cluster.redis.restart(); // empty: no nodes, no leases
        // the nodes beat again, and the owner takes its room's lease back
        Waits.waitUntil(() -> ClusterNodes.of(n1).nodes().keySet().containsAll(java.util.Set.of("n1", "n2", "n3")),
                "every node listed again", Duration.ofSeconds(20));
        Waits.waitUntil(() -> ownerId.equals(cluster.redis.cli("GET", "atrium:room:" + room)), "the lease taken back",
                Duration.ofSeconds(20));
        assertThat(a.rpc().closed).isNotDone();
        assertThat(b.rpc().closed).as("a relayed socket survives Redis's restart").isNotDone();
        assertThat(b.rpc().call("get_room_members", Map.of()).toString()).contains("stays").contains("relayed");
        b.rpc().call("send_chat_message", Map.of("text", "after the restart"));
        chat(a.rpc(), "after the restart");
        // a new room is placed again
        String next = openRoom(n3);
        assertThat(ClusterNodes.of(n3).owner(UUID.fromString(next)).id()).isIn("n1", "n2", "n3");
    }

    @Test
    void aNodeWhoseLeaseWasTakenClosesItsSocketsThereAndTheyReachTheNewOwner() throws Exception {
        String room = openRoom(n1);
        String ownerId = ClusterNodes.of(n1).owner(UUID.fromString(room)).id();
        TestServer owner = node(ownerId);
        String otherId = ownerId.equals("n2") ? "n3" : "n2";
        Joined a = join(owner, room, "evicted");
        // as if the owner had missed its heartbeats and another node had placed the room meanwhile
        cluster.redis.cli("SET", "atrium:room:" + room, otherId, "PX", "60000");
        a.rpc().closed.get(15, java.util.concurrent.TimeUnit.SECONDS);
        Joined again = join(owner, room, "evicted");
        assertThat(again.rpc().call("get_room_members", Map.of()).toString()).contains("evicted");
        assertThat(cluster.redis.cli("GET", "atrium:room:" + room)).isEqualTo(otherId);
        Waits.waitUntil(() -> node(otherId).server().media().peerCount() >= 1, "the media on the new owner");
    }

    @Test
    void aRoomThatDoesNotExistIsRefusedByTheNodeAsked() {
        RpcClient c = client(n2);
        JsonNode r = c.request("authenticate", Map.of("room", UUID.randomUUID().toString(), "call_id", "x"));
        assertThat(r.at("/error/code").asInt()).isEqualTo(404);
        assertThat(cluster.redis.cli("KEYS", "atrium:room:*")).doesNotContain("x");
    }

    @Test
    void aSocketRelayedToANodeThatVanishesIsClosedSoItsClientReconnects() throws Exception {
        TestServer n4 = cluster.node("n4");
        Waits.waitUntil(() -> ClusterNodes.of(n1).nodes().containsKey("n4"), "n4 listed");
        String room = openRoom(n1);
        Joined owner = join(n4, room, "first");
        assertThat(cluster.redis.cli("GET", "atrium:room:" + room)).isEqualTo("n4");
        Joined relayed = join(n1, room, "second");
        assertThat(relayed.rpc().closed).isNotDone();
        // n4 leaves the cluster (as its key would expire if it died): n1 notices at its next heartbeat
        ClusterNodes.of(n4).close();
        relayed.rpc().closed.get(15, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(owner.rpc().closed).as("n4's own sockets are n4's business").isNotDone();
    }
}
