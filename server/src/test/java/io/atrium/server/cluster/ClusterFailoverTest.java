package io.atrium.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.room.SharedPlayer.Playback;
import io.atrium.server.testing.ChildServer;
import io.atrium.server.testing.ClusterNodes;
import io.atrium.server.testing.ClusterNodes.Member;
import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.Waits;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * kill -9 of the node that owns a room (docs/SCALING.md, failure): the nodes that relayed its members' sockets
 * close them, the members reconnect as the SDK does ({@code join_room} with their token on a new socket and a
 * new peer connection), the room is placed on a live node, and its chat history (PostgreSQL) is intact. A
 * socket of another node that only followed shared state there ({@code subscribe_state}) is closed too. The
 * owner runs in its own JVM ({@code java ... Main}); the others in this one; one Redis, one PostgreSQL. One
 * kill for all of it: a child JVM costs seconds to start.
 */
class ClusterFailoverTest {

    /** The empty-stream timeout of n1 and n2: after taking a stream over, who is not in its room by then leaves its maps. */
    static final int PRUNE_SECONDS = 8;

    @RegisterExtension
    static final ClusterNodes cluster = new ClusterNodes("n1", "n2").withSip().withEmptyStreamTimeout(PRUNE_SECONDS);

    @Test
    void killingTheOwnerCostsItsMembersAndSubscribersAReconnectAndTheRoomMoves() throws Exception {
        ChildServer n4 = cluster.child("n4", Map.of("ATRIUM_COMPAT_LIVE_PASSCODE", ClusterNodes.LIVE_PASSCODE));
        int n1 = cluster.node("n1").server().httpPort();
        int n2 = cluster.node("n2").server().httpPort();
        String room = ClusterNodes.openRoom(cluster.node("n1"), "failover");
        // a socket on n4 places the room there (an idle cluster places a room on the node asked)
        cluster.socket(n4.port()).call("authenticate", Map.of("room", room, "call_id", "holder"));
        assertThat(cluster.owner(room)).isEqualTo("n4");
        // alice is a host: she plays a shared video (contract 003's player) on n4, relayed there
        Member alice = cluster.joinOn(cluster.socket(n1), cluster.node("n1").token(room, "\"identity\": \"alice\", \"admin\": true"));
        Member bob = cluster.join(n2, room, "bob");
        alice.rpc().call("send_chat_message", Map.of("text", "before the crash"));
        assertThat(bob.rpc().call("get_room_members", Map.of()).toString()).contains("alice");
        long playing = System.currentTimeMillis();
        alice.rpc().call("video_control", Map.of("action", "play", "file_id", "film", "url", "/files/film", "position", 42.5));
        assertThat(inRedis(room, "d", Playback.DOCUMENT)).as("answered once kept in Redis").isTrue();
        JsonNode played = bob.rpc().call("get_video_state", Map.of());
        assertThat(played.get("playing").asBoolean()).as(played.toString()).isTrue();

        // a meeting's guest enters on n4 (its room and waiting document are n4's) and follows it from n1
        String meeting = cluster.node("n1").send("POST", "/admin/create", "{}", TestServer.BASIC).json().get("meeting_id").asText();
        TestServer.Response entered = TestServer.send(n4.uri("/user/enter-waiting-room"), "POST",
                "{\"meeting_id\": " + meeting + "}", "application/json", null);
        assertThat(entered.status()).as(entered.body()).isEqualTo(200);
        String guestToken = entered.json().get("token").asText();
        RpcClient guest = cluster.socket(n1);
        JsonNode snapshot = guest.call("subscribe_state", Map.of("auth_token", guestToken, "names", List.of(meeting)));
        String meetingRoom = snapshot.get("room").asText();
        assertThat(cluster.owner(meetingRoom)).isEqualTo("n4");
        assertThat(snapshot.at("/state/" + meeting + "/value/meeting_id").asText()).as(snapshot.toString()).isEqualTo(meeting);
        // the admin opens it through n1 (relayed to n4), the guest hears it
        TestServer.Response opened = cluster.node("n1").send("POST", "/admin/join", "{\"meeting_id\": " + meeting + "}", TestServer.BASIC);
        assertThat(opened.status()).as(opened.body()).isEqualTo(200);
        JsonNode openDocument = guest.await("state_changed").get("value");
        assertThat(openDocument.get("room_id").asText()).isEqualTo(meetingRoom);
        // a live stream made on n4, a hand raised through n1
        String stream = "failover-" + UUID.randomUUID().toString().substring(0, 8);
        TestServer.Response created = TestServer.send(n4.uri("/create-stream"), "POST",
                "{\"user_identity\": \"host\", \"stream_name\": \"" + stream + "\"}", "application/json", ClusterNodes.LIVE_PASSCODE);
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String streamRoom = created.json().get("room_sid").asText();
        assertThat(ClusterRelayTest.live(cluster.node("n1"), "/join-stream-as-viewer", "vic", stream).status()).isEqualTo(200);
        TestServer.Response raised = cluster.node("n1").send("POST", "/raise-hand", """
                {"user_identity": "vic", "stream_name": "%s", "hand_raised": true}""".formatted(stream), ClusterNodes.LIVE_PASSCODE);
        assertThat(raised.status()).as(raised.body()).isEqualTo(200);
        assertThat(cluster.owner(streamRoom)).isEqualTo("n4");
        // its host on stage through n1 and a speaker through n2, both relayed to n4: in the speakers map once on air
        String hostToken = created.json().get("token").asText();
        cluster.joinOn(cluster.socket(n1), hostToken);
        TestServer.Response speaker = ClusterRelayTest.live(cluster.node("n2"), "/join-stream-as-speaker", "ghost", stream);
        assertThat(speaker.status()).as(speaker.body()).isEqualTo(200);
        RpcClient ghost = cluster.joinOn(cluster.socket(n2), speaker.json().get("token").asText()).rpc();
        Waits.waitUntil(() -> kept(streamRoom, "speakers", "ghost"), "the speaker on stage, kept in Redis", Duration.ofSeconds(30));
        // two temporary rooms made on n4 (SIP's create_temp_room): nobody comes back to one, its creator to the other
        String ada = "ada" + Long.toString(System.nanoTime() % 1_000_000);
        ClusterRelayTest.user(cluster.node("n1"), ada, "7" + ada.substring(3));
        String abandoned = tempRoom(n4, ada).get("room_id").asText();
        JsonNode revisited = tempRoom(n4, ada);

        long killed = System.nanoTime();
        n4.kill();
        alice.rpc().closed.get(30, TimeUnit.SECONDS);
        bob.rpc().closed.get(30, TimeUnit.SECONDS);
        long droppedMillis = (System.nanoTime() - killed) / 1_000_000;
        guest.closed.get(30, TimeUnit.SECONDS);
        long guestMillis = (System.nanoTime() - killed) / 1_000_000;
        ghost.closed.get(30, TimeUnit.SECONDS);
        // the node that saw n4 gone adopts its stream before anyone names it again
        Waits.waitUntil(() -> List.of("n1", "n2").contains(cluster.owner(streamRoom)), "the stream adopted by a live node",
                Duration.ofSeconds(15));
        long adopted = System.nanoTime();
        long adoptedMillis = (adopted - killed) / 1_000_000;
        // found from n2 with the same room, its maps as n4 left them (the host, the speaker and the raised hand)
        TestServer.Response viewer = ClusterRelayTest.live(cluster.node("n2"), "/join-stream-as-viewer", "vic", stream);
        assertThat(viewer.status()).as(viewer.body()).isEqualTo(200);
        assertThat(viewer.json().get("room_sid").asText()).isEqualTo(streamRoom);
        JsonNode maps = cluster.socket(n1).call("subscribe_state", Map.of("auth_token", viewer.json().get("token").asText(),
                "names", List.of("raised_hands", "speakers")));
        assertThat(maps.at("/state/raised_hands/value").has("vic")).as(maps.toString()).isTrue();
        assertThat(maps.at("/state/speakers/value/host/host").asBoolean()).as(maps.toString()).isTrue();
        assertThat(maps.at("/state/speakers/value").has("ghost")).as(maps.toString()).isTrue();
        // the host comes back, the speaker does not; the creator of one temporary room comes back to it
        cluster.joinOn(cluster.socket(n1), hostToken);
        RpcClient creator = cluster.rejoin(n1, revisited.get("auth_token").asText()).rpc();
        String revisitedRoom = revisited.get("room_id").asText();
        assertThat(cluster.owner(revisitedRoom)).as("the temporary room its creator came back to runs on a live node").isIn("n1", "n2");
        // she leaves: the node it runs on (not the one that made it) deletes it as it ends
        creator.notifyServer("leave_room", Map.of());
        Waits.waitUntil(() -> cluster.node("n2").get("/v1/rooms/" + revisitedRoom).status() == 404,
                "the temporary room deleted when its last member left it on its new node", Duration.ofSeconds(30));

        Member alice2 = cluster.rejoin(n1, alice.token());
        Member bob2 = cluster.rejoin(n2, bob.token());
        long backMillis = (System.nanoTime() - killed) / 1_000_000;
        String owner = cluster.owner(room);
        assertThat(owner).as("placed again on a live node").isIn("n1", "n2");
        TestServer home = cluster.node(owner);
        Waits.waitUntil(() -> home.server().media().peerCount() >= 2, "both members' media on the new owner", Duration.ofSeconds(30));
        assertThat(alice2.rpc().call("get_room_members", Map.of()).toString()).contains("bob");
        JsonNode history = bob2.rpc().call("get_chat_history", Map.of());
        assertThat(history.toString()).as("chat history is in PostgreSQL").contains("before the crash");
        // the room's new node answers the playback n4 kept, and plays on from it: paused there, it is where it got to
        assertThat(bob2.rpc().call("get_video_state", Map.of())).as("the same stamp: file, url, playing from 42.5 s at the same time")
                .isEqualTo(played);
        long pausing = System.currentTimeMillis();
        alice2.rpc().call("video_control", Map.of("action", "pause", "file_id", "film"));
        JsonNode paused = bob2.rpc().call("get_video_state", Map.of());
        assertThat(paused.get("url").asText()).isEqualTo("/files/film");
        assertThat(paused.get("position").asDouble()).as(paused.toString())
                .isBetween(42.5 + (pausing - played.get("at").asLong()) / 1000.0 - 0.5, 42.5 + (System.currentTimeMillis() - playing) / 1000.0 + 0.5);
        // the guest's client subscribes again on n1: the meeting's room is placed on a live node, which reads
        // the document back from Redis as n4 left it (open), and checks a join against it
        RpcClient again = cluster.socket(n1);
        JsonNode restored = again.call("subscribe_state", Map.of("auth_token", guestToken, "names", List.of(meeting)));
        assertThat(restored.get("room").asText()).isEqualTo(meetingRoom);
        assertThat(cluster.owner(meetingRoom)).isIn("n1", "n2");
        assertThat(restored.at("/state/" + meeting + "/value")).as(restored.toString()).isEqualTo(openDocument);
        TestServer.Response guestJoined = cluster.node("n2").send("POST", "/user/join", """
                {"meeting_id": %s, "room_id": "%s", "identity": "%s"}""".formatted(meeting, meetingRoom,
                entered.json().get("identity").asText()), null);
        assertThat(guestJoined.status()).as(guestJoined.body()).isEqualTo(200);
        // the empty-stream timeout after the adoption, who is not in the stream's room has left its maps
        Waits.waitUntil(() -> !kept(streamRoom, "speakers", "ghost") && !kept(streamRoom, "raised_hands", "vic"),
                "the speaker who never came back and the raised hand of someone never in the room taken out", Duration.ofSeconds(30));
        long prunedMillis = (System.nanoTime() - adopted) / 1_000_000;
        assertThat(kept(streamRoom, "speakers", "host")).as("the host came back: still on stage").isTrue();
        // the abandoned temporary room is deleted after the reconnect grace (15 s)
        assertThat(cluster.node("n2").get("/v1/rooms/" + abandoned).status()).as("kept while its members may come back").isEqualTo(200);
        Waits.waitUntil(() -> cluster.node("n2").get("/v1/rooms/" + abandoned).status() == 404,
                "the temporary room nobody came back to deleted", Duration.ofSeconds(40));
        long abandonedMillis = (System.nanoTime() - killed) / 1_000_000;
        System.out.printf("kill -9 of the owner: relayed sockets closed after %d ms, a state subscriber's after %d ms, "
                + "its stream adopted after %d ms, both members joined again on %s after %d ms, the stream's maps pruned %d ms "
                + "after the adoption, an abandoned temporary room deleted after %d ms%n", droppedMillis, guestMillis, adoptedMillis,
                owner, backMillis, prunedMillis, abandonedMillis);
        assertThat(guestMillis).as("within node_ttl_millis + 2 heartbeats (5 s) and slack for a loaded machine")
                .isLessThan(15_000);
    }

    /** Whether Redis keeps item {@code key} of map {@code name} of {@code room}'s shared state. */
    private static boolean kept(String room, String name, String key) {
        return inRedis(room, "i", name, key);
    }

    /** Whether Redis keeps the field {@code parts} ({@code ["d", name]}, {@code ["i", map, key]}...) of {@code room}'s shared state. */
    private static boolean inRedis(String room, String... parts) {
        return "1".equals(cluster.redis().cli("HEXISTS", "atrium:state:" + room,
                java.util.Arrays.stream(parts).map(p -> "\"" + p + "\"").collect(java.util.stream.Collectors.joining(",", "[", "]"))));
    }

    /** {@code create_temp_room} by {@code user} on a socket of {@code node} (its own node runs it). */
    private static JsonNode tempRoom(ChildServer node, String user) {
        JavaPeer peer = cluster.closing(new JavaPeer());
        return cluster.socket(node.port()).call("create_temp_room", Map.of("call_id", "temp-" + UUID.randomUUID(),
                "username", user, "password", user + "-password", "sdp", peer.offer(true), "audio_muted", false, "video_muted", true));
    }
}
