package io.atrium.server.signal;

import static io.atrium.server.testing.Waits.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Closer;
import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestInstance;

/**
 * Regression tests for the room findings of docs/SECURITY.md (1, 3, 6, 10), as an attacker drives
 * them: JSON-RPC over a real WebSocket, real media peers. Each failed on the code before the fix.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoomTrustTest {

    TestServer server;
    String ada;
    String eve;
    @RegisterExtension
    final Closer open = new Closer();

    @BeforeAll
    void start() throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-trust-"));
        // long media timeout and reconnect grace: a seat stays unless the server really frees it
        server = TestServer.start(new AtriumConfig(false, c.dataDir(), c.http(), c.rtc(), c.database(), c.auth(),
                new AtriumConfig.Rooms(120, 60, 65_536, 200, 3, null, null, null, null, null, null, null)));
        ada = server.createUser("ada");
        eve = server.createUser("eve");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    <T extends AutoCloseable> T track(T c) {
        return open.track(c);
    }

    RpcClient client() {
        return track(RpcClient.connect(server));
    }

    /** A room where {@code admin} (a user uuid) is a stored admin, plus {@code flags} JSON. */
    String room(String admin, String flags) {
        return server.post("/v1/rooms", """
                {"room": {"name": "r", %s "members": [{"user_id": "%s", "admin": true}]}}""".formatted(flags, admin))
                .json().at("/room/uuid").asText();
    }

    static Map<String, Object> params(Object... kv) {
        Map<String, Object> p = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            p.put((String) kv[i], kv[i + 1]);
        }
        return p;
    }

    record Joined(RpcClient rpc, String token, JavaPeer peer) {
    }

    Joined join(RpcClient rpc, String room, String callId, Object... credentials) {
        Map<String, Object> auth = params(credentials);
        auth.put("room", room);
        auth.put("call_id", callId);
        String token = rpc.call("authenticate", auth).get("auth_token").asText();
        return joinWith(rpc, token);
    }

    Joined joinWith(RpcClient rpc, String token) {
        JavaPeer peer = track(new JavaPeer());
        JsonNode joined = rpc.call("join_room", Map.of("sdp", peer.offer(true), "auth_token", token));
        peer.connect(joined.get("sdp").asText());
        return new Joined(rpc, token, peer);
    }

    static boolean heard(RpcClient c, String method) {
        return c.notifications.stream().anyMatch(n -> method.equals(n.path("method").asText()));
    }

    static void assertError(JsonNode response, int code, String message) {
        assertThat(response.has("error")).as(response.toString()).isTrue();
        assertThat(response.at("/error/code").asInt()).as(response.toString()).isEqualTo(code);
        assertThat(response.at("/error/message").asText()).isEqualTo(message);
    }

    // ---- finding 1: a refused authenticate must not move the socket into the other room ----

    @Test
    void aRefusedAuthenticateLeavesTheSocketWhereItWas() {
        String victimRoom = room(ada, "\"password\": \"sesame\", \"force_password\": true,");
        Joined victim = join(client(), victimRoom, "victim", "room_password", "sesame", "display_name", "Vic");
        victim.rpc().call("send_chat_message", Map.of("text", "private"));

        String attackerRoom = room(eve, "");
        RpcClient attacker = client();
        join(attacker, attackerRoom, "eve-1", "username", "eve", "password", "password-eve"); // admin of its own room
        assertError(attacker.request("authenticate", params("room", victimRoom, "call_id", "x", "room_password", "guess")), 401,
                "You'll need the correct password to get in the room");

        // everything the socket does now still happens in the attacker's own room, never in the victim's
        assertThat(attacker.call("get_room_members", Map.of()).findValuesAsText("id")).doesNotContain("victim");
        assertThat(attacker.call("get_chat_history", Map.of()).get("messages").findValuesAsText("text")).doesNotContain("private");
        attacker.call("send_chat_message", Map.of("text", "spam"));
        attacker.call("video_control", Map.of("file_id", "f", "url", "https://evil.example/x.mp4", "action", "play"));
        assertError(attacker.request("mute_member_audio", Map.of("member", "victim")), 400, "no such member in the room");
        assertError(attacker.request("remove_member", Map.of("member", "victim")), 400, "no such member in the room");

        assertThat(victim.rpc().call("get_chat_history", Map.of()).get("messages").findValuesAsText("text")).containsExactly("private");
        assertThat(victim.rpc().call("get_video_state", Map.of())).isEmpty();
        assertThat(heard(victim.rpc(), "video_control") || heard(victim.rpc(), "member_mute_audio")).isFalse();
        assertThat(victim.rpc().call("get_room_members", Map.of()).findValuesAsText("id")).containsExactly("victim");
        assertThat(victim.rpc().closed).isNotDone();
    }

    @Test
    void aSocketHoldsOneMembershipAndLeavingForAnotherRoomLeavesNoGhost() {
        String first = room(ada, "\"open\": true,");
        String second = room(ada, "\"open\": true,");
        Joined stay = join(client(), first, "stay", "display_name", "Stay");
        RpcClient mover = client();
        join(mover, first, "mover", "display_name", "Mover");
        assertThat(stay.rpc().await("member_join_room").get("id").asText()).isEqualTo("mover");

        join(mover, second, "mover-2", "display_name", "Mover");
        JsonNode left = stay.rpc().await("member_leave_room");
        assertThat(left.get("member").asText()).isEqualTo("mover");
        assertThat(stay.rpc().call("get_room_members", Map.of()).findValuesAsText("id")).doesNotContain("mover");
        assertThat(server.get("/v1/rooms/" + first + "/members").json().get("live").findValuesAsText("id"))
                .containsExactly("stay");
        // and the socket now acts only in the second room
        mover.call("raise_hand", Map.of());
        waitUntil(() -> server.get("/v1/rooms/" + second + "/members").json().get("live").findValues("hand_raised").stream()
                .anyMatch(JsonNode::asBoolean), "the hand raised in the second room");
        assertThat(heard(stay.rpc(), "member_raise_hand")).isFalse();

        // authenticating into another room (even only to wait there) also ends a watch in the first
        RpcClient watcher = client();
        watcher.call("watch_room", Map.of("auth_token", server.token(first, "\"identity\": \"w\"")));
        String waitingRoom = room(ada, "");
        assertError(watcher.request("authenticate", params("room", waitingRoom, "call_id", "w2")), 403,
                "not allowed for this room, waiting to be accpeted");
        stay.rpc().call("raise_hand", Map.of());
        assertThat(watcher.notifications.stream().filter(n -> n.path("method").asText().equals("member_raise_hand"))).isEmpty();
    }

    // ---- finding 3: a disconnected admin's seat needs proof to be resumed ----

    @Test
    void aStrangerCannotTakeADisconnectedAdminsSeatByCallId() {
        String room = room(ada, "\"open\": true,");
        Joined other = join(client(), room, "other", "display_name", "Other");
        RpcClient bossSocket = client();
        Joined boss = join(bossSocket, room, "boss", "username", "ada", "password", "password-ada");
        bossSocket.close();
        waitUntil(() -> !server.get("/v1/rooms/" + room + "/members").json().get("live").isEmpty(), "the seat kept");

        RpcClient stranger = client();
        assertError(stranger.request("authenticate", params("room", room, "call_id", "boss", "display_name", "Boss")), 404,
                "member already in room");
        String sameIdentity = server.token(room, "\"identity\": \"boss\", \"name\": \"Impostor\"");
        JavaPeer peer = track(new JavaPeer());
        assertError(stranger.request("join_room", Map.of("sdp", peer.offer(true), "auth_token", sameIdentity)), 404,
                "member already in room");
        assertThat(heard(other.rpc(), "member_leave_room")).isFalse();

        // the admin itself resumes with the token it joined with
        RpcClient back = client();
        JsonNode resumed = back.call("join_room", Map.of("sdp", boss.peer().offer(true), "auth_token", boss.token()));
        assertThat(resumed.get("call_id").asText()).isEqualTo("boss");
        assertThat(resumed.get("is_admin").asBoolean()).isTrue();
        // and re-authenticating on another socket needs that proof too; the token it gets then resumes the seat
        back.close();
        RpcClient again = client();
        String proven = again.call("authenticate", params("room", room, "call_id", "boss", "auth_token", boss.token()))
                .get("auth_token").asText();
        JsonNode rejoined = again.call("join_room", Map.of("sdp", boss.peer().offer(true), "auth_token", proven));
        assertThat(rejoined.get("call_id").asText()).isEqualTo("boss");
    }

    // ---- finding 6: one socket is at most one waiting member; the waiting room is bounded ----

    @Test
    void oneSocketIsOneWaitingMemberAndLeavesWithItsSocket() {
        String room = room(ada, "");
        Joined admin = join(client(), room, "admin", "username", "ada", "password", "password-ada");
        RpcClient spammer = client();
        for (int i = 0; i < 20; i++) {
            assertError(spammer.request("authenticate", params("room", room, "call_id", "spam-" + i)), 403,
                    "not allowed for this room, waiting to be accpeted");
        }
        assertThat(admin.rpc().call("get_waiting_room_members", Map.of()).findValuesAsText("member")).containsExactly("spam-19");
        spammer.close();
        waitUntil(() -> admin.rpc().call("get_waiting_room_members", Map.of()).isEmpty(), "the waiting room emptied");
        assertThat(admin.rpc().notifications.stream().filter(n -> n.path("method").asText().equals("member_leave_waiting_room"))
                .count()).isEqualTo(20);

        // another socket cannot wait under a waiting member's call id either
        RpcClient first = client();
        first.request("authenticate", params("room", room, "call_id", "same"));
        assertError(client().request("authenticate", params("room", room, "call_id", "same")), 404, "member already in room");

        for (int i = 0; i < 2; i++) { // rooms.max_waiting is 3 in this test
            client().request("authenticate", params("room", room, "call_id", "g" + i));
        }
        assertError(client().request("authenticate", params("room", room, "call_id", "one-too-many")), 429,
                "the waiting room is full");
        assertThat(admin.rpc().call("get_waiting_room_members", Map.of()).findValuesAsText("member"))
                .containsExactly("same", "g0", "g1");
    }

    // ---- finding 10: protocol edges ----

    @Test
    void aRequestWithABadIdIsAnsweredWithIdNull() {
        RpcClient c = client();
        c.sendRaw("{\"id\": {\"x\": 1}, \"method\": \"get_room_members\"}");
        JsonNode answer = c.nextUnsolicited();
        assertThat(answer.has("id")).isTrue();
        assertThat(answer.get("id").isNull()).isTrue();
        assertThat(answer.at("/error/code").asInt()).isEqualTo(400);
        assertThat(answer.at("/error/message").asText()).isEqualTo("invalid request: id");
        c.sendRaw("{\"id\": [1], \"method\": \"make_coffee\"}");
        assertThat(c.nextUnsolicited().at("/error/message").asText()).isEqualTo("invalid request: id");
    }

    @Test
    void anInvalidOfferIsABadRequestWithTheParsersMessage() {
        String room = room(ada, "\"open\": true,");
        RpcClient c = client();
        String token = c.call("authenticate", params("room", room, "call_id", "sdp")).get("auth_token").asText();
        JsonNode answer = c.request("join_room", Map.of("sdp", "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n", "auth_token", token));
        assertThat(answer.at("/error/code").asInt()).isEqualTo(400);
        assertThat(answer.at("/error/message").asText()).startsWith("invalid request: sdp: ").hasSizeGreaterThan(22);
    }

    @Test
    void webPagesSendAContentSecurityPolicyThatForbidsFraming() {
        for (String page : List.of("/", "/room.html", "/control/index.html")) {
            TestServer.Response r = server.send("GET", page, null, null);
            assertThat(r.status()).as(page).isEqualTo(200);
            String csp = r.raw().headers().firstValue("Content-Security-Policy").orElse("");
            assertThat(csp).as(page).contains("frame-ancestors 'self'").contains("script-src 'self'").contains("object-src 'none'");
            assertThat(r.raw().headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        }
    }

    static Duration seconds(int s) {
        return Duration.ofSeconds(s);
    }
}
