package io.atrium.server.signal;

import static io.atrium.server.testing.Waits.sleep;
import static io.atrium.server.testing.Waits.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Closer;
import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestInstance;

/**
 * Every method of the room protocol (docs/PROTOCOL.md) over a real WebSocket: its success and each
 * documented error; the waiting room; moderation that really stops media; reconnects.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoomProtocolTest {

    TestServer server;
    String ada;
    String bob;
    @RegisterExtension
    final Closer open = new Closer();

    @BeforeAll
    void start() throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-rooms-"));
        server = TestServer.start(new AtriumConfig(false, c.dataDir(), c.http(), c.rtc(), c.database(), c.auth(),
                new AtriumConfig.Rooms(30, 2, 65_536, 50)));
        ada = server.createUser("ada");
        bob = server.createUser("bob");
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

    /** A room with ada as admin and bob as member, plus {@code flags} JSON. */
    String room(String flags) {
        return server.post("/v1/rooms", """
                {"room": {"name": "r", %s "members": [{"user_id": "%s", "admin": true}, {"user_id": "%s", "admin": false}]}}"""
                .formatted(flags, ada, bob)).json().at("/room/uuid").asText();
    }

    static Map<String, Object> auth(String room, String callId, Object... more) {
        Map<String, Object> p = new HashMap<>(Map.of("room", room, "call_id", callId));
        for (int i = 0; i < more.length; i += 2) {
            p.put((String) more[i], more[i + 1]);
        }
        return p;
    }

    static void assertError(JsonNode response, int code, String message) {
        assertThat(response.has("error")).as(response.toString()).isTrue();
        assertThat(response.at("/error/code").asInt()).as(response.toString()).isEqualTo(code);
        assertThat(response.at("/error/message").asText()).isEqualTo(message);
    }

    static JsonNode claims(String jwt) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
    }

    /** A joined member: its socket, token, call id and (connected) media peer. */
    record Joined(RpcClient rpc, String token, String callId, JavaPeer peer) {
    }

    Joined join(String room, String callId, Object... credentials) {
        RpcClient rpc = client();
        String token = rpc.call("authenticate", auth(room, callId, credentials)).get("auth_token").asText();
        JavaPeer peer = track(new JavaPeer());
        JsonNode joined = rpc.call("join_room", Map.of("sdp", peer.offer(true), "auth_token", token,
                "audio_muted", false, "video_muted", false));
        assertThat(joined.get("call_id").asText()).isEqualTo(callId);
        peer.connect(joined.get("sdp").asText());
        return new Joined(rpc, token, callId, peer);
    }

    // ---- authenticate ----

    @Test
    void authenticateErrors() {
        String room = room("");
        RpcClient c = client();
        assertError(c.request("authenticate", auth(UUID.randomUUID().toString(), "c1")), 404, "room doesn't exist");
        assertError(c.request("authenticate", auth("not-a-uuid", "c1")), 404, "room doesn't exist");
        assertError(c.request("authenticate", Map.of("room", room)), 400, "invalid request: call_id");
        assertError(c.request("authenticate", auth(room, "c1", "username", "ada", "password", "wrong")), 401,
                "invalid username or password");
        assertError(c.request("authenticate", auth(room, "c1", "device", "nope", "device_token", "x")), 401,
                "invalid device or device token");
        assertError(c.request("authenticate", Map.of("room", room, "call_id", 42)), 400, "invalid request: call_id");
    }

    @Test
    void storedAdminsAndMembersAreAdmittedStrangersWait() throws Exception {
        String room = room("");
        JsonNode admin = client().call("authenticate", auth(room, "a1", "username", "ada", "password", "password-ada"));
        JsonNode claims = claims(admin.get("auth_token").asText());
        assertThat(claims.get("admin").asBoolean()).isTrue();
        assertThat(claims.get("sub").asText()).isEqualTo("a1");
        assertThat(claims.get("room").asText()).isEqualTo(room);
        assertThat(claims.get("user").asText()).isEqualTo(ada);
        assertThat(claims.get("name").asText()).isEqualTo("ada display");

        JsonNode member = client().call("authenticate", auth(room, "b1", "username", "bob", "password", "password-bob"));
        assertThat(claims(member.get("auth_token").asText()).get("admin").asBoolean()).isFalse();

        String deviceToken = server.post("/v1/users/" + bob + "/devices", "{\"device\":{\"name\":\"phone\"}}").json()
                .get("device_token").asText();
        JsonNode byDevice = client().call("authenticate", auth(room, "b2", "device", "phone", "device_token", deviceToken));
        assertThat(claims(byDevice.get("auth_token").asText()).get("user").asText()).isEqualTo(bob);

        assertError(client().request("authenticate", auth(room, "s1", "display_name", "Stranger")), 403,
                "not allowed for this room, waiting to be accpeted");
    }

    @Test
    void openRoomsAndRoomPasswordsAdmitEveryone() throws Exception {
        String open = room("\"open\": true,");
        JsonNode anon = client().call("authenticate", auth(open, "x1", "display_name", "Xena"));
        assertThat(claims(anon.get("auth_token").asText()).get("name").asText()).isEqualTo("Xena");
        assertThat(claims(anon.get("auth_token").asText()).get("admin").asBoolean()).isFalse();

        String withPassword = room("\"password\": \"sesame\",");
        assertThat(client().call("authenticate", auth(withPassword, "x2", "room_password", "sesame")).has("auth_token")).isTrue();
        assertError(client().request("authenticate", auth(withPassword, "x3", "room_password", "wrong")), 403,
                "not allowed for this room, waiting to be accpeted");
    }

    @Test
    void forcePasswordAndForceWaitingRoom() {
        String forced = room("\"password\": \"sesame\", \"force_password\": true,");
        assertError(client().request("authenticate", auth(forced, "f1")), 401, "You'll need the correct password to get in the room");
        assertError(client().request("authenticate", auth(forced, "f2", "username", "bob", "password", "password-bob")), 401,
                "You'll need the correct password to get in the room");
        assertThat(client().call("authenticate", auth(forced, "f3", "username", "bob", "password", "password-bob",
                "room_password", "sesame")).has("auth_token")).isTrue();
        assertThat(client().call("authenticate", auth(forced, "f4", "username", "ada", "password", "password-ada")).has("auth_token"))
                .isTrue();

        String waitingRoom = room("\"open\": true, \"force_waiting_room\": true,");
        assertError(client().request("authenticate", auth(waitingRoom, "w1", "username", "bob", "password", "password-bob")), 403,
                "not allowed for this room, waiting to be accpeted");
        assertThat(client().call("authenticate", auth(waitingRoom, "w2", "username", "ada", "password", "password-ada"))
                .has("auth_token")).isTrue();
    }

    // ---- the waiting room ----

    @Test
    void waitingRoomAllowRejectAndLeave() {
        String room = room("");
        Joined admin = join(room, "admin-1", "username", "ada", "password", "password-ada");
        Joined member = join(room, "bob-1", "username", "bob", "password", "password-bob");

        RpcClient waiter = client();
        assertError(waiter.request("authenticate", auth(room, "guest-1", "display_name", "Gus")), 403,
                "not allowed for this room, waiting to be accpeted");
        JsonNode waitingNote = admin.rpc().await("member_waiting");
        assertThat(waitingNote.get("member").asText()).isEqualTo("guest-1");
        assertThat(waitingNote.get("name").asText()).isEqualTo("Gus");
        assertThat(admin.rpc().call("get_waiting_room_members", Map.of()).findValuesAsText("member")).containsExactly("guest-1");
        assertError(member.rpc().request("get_waiting_room_members", Map.of()), 403, "admin only");
        assertError(waiter.request("get_room_members", Map.of()), 404, "member didn't authenticate");

        waiter.notifyServer("still_waiting", Map.of());
        assertThat(admin.rpc().await("member_waiting").get("member").asText()).isEqualTo("guest-1");

        assertError(admin.rpc().request("allow_member", Map.of("auth_token", admin.token())), 400, "no member in request");
        assertError(admin.rpc().request("allow_member", Map.of("member", "nobody", "auth_token", admin.token())), 400,
                "no such member in the room");
        assertError(member.rpc().request("allow_member", Map.of("member", "guest-1", "auth_token", member.token())), 403, "admin only");
        assertError(admin.rpc().request("allow_member", Map.of("member", "guest-1", "auth_token", member.token())), 403, "admin only");
        assertError(admin.rpc().request("allow_member", Map.of("member", "guest-1", "auth_token", "forged")), 401,
                "invalid auth token: token is not a signed JWT");

        assertThat(admin.rpc().call("allow_member", Map.of("member", "guest-1", "auth_token", admin.token()))).isEmpty();
        String guestToken = waiter.await("member_allowed").get("auth_token").asText();
        assertThat(member.rpc().await("member_waiting_allowed").get("member").asText()).isEqualTo("guest-1");
        JavaPeer guestPeer = track(new JavaPeer());
        JsonNode joined = waiter.call("join_room", Map.of("sdp", guestPeer.offer(true), "auth_token", guestToken));
        assertThat(joined.get("members").findValuesAsText("id")).containsExactlyInAnyOrder("admin-1", "bob-1");
        assertThat(joined.get("is_admin").asBoolean()).isFalse();
        JsonNode joinNote = admin.rpc().await("member_join_room");
        assertThat(joinNote.get("id").asText()).isEqualTo("guest-1");
        assertThat(joinNote.get("name").asText()).isEqualTo("Gus");

        RpcClient rejected = client();
        rejected.request("authenticate", auth(room, "guest-2", "display_name", "Rex"));
        admin.rpc().await("member_waiting");
        assertThat(admin.rpc().call("reject_member", Map.of("member", "guest-2", "auth_token", admin.token()))).isEmpty();
        assertThat(rejected.await("member_rejected")).isEmpty();
        assertThat(member.rpc().await("member_waiting_rejected").get("member").asText()).isEqualTo("guest-2");
        assertThat(rejected.closed).succeedsWithin(java.time.Duration.ofSeconds(5));

        RpcClient leaver = client();
        leaver.request("authenticate", auth(room, "guest-3", "display_name", "Lea"));
        admin.rpc().await("member_waiting");
        leaver.close();
        assertThat(admin.rpc().await("member_leave_waiting_room").get("member").asText()).isEqualTo("guest-3");
    }

    // ---- joining, members and subscribing ----

    @Test
    void joinSubscribeAndMembers() {
        String room = room("\"open\": true,");
        Joined ann = join(room, "ann", "display_name", "Ann");
        RpcClient b = client();
        String token = b.call("authenticate", auth(room, "ben", "display_name", "Ben")).get("auth_token").asText();
        JsonNode members = b.call("get_room_members", Map.of());
        assertThat(members).hasSize(1);
        JsonNode annView = members.get(0);
        assertThat(annView.get("id").asText()).isEqualTo("ann");
        assertThat(annView.get("name").asText()).isEqualTo("Ann");
        for (String field : List.of("user", "is_admin", "hand_raised", "screen_share", "audio_muted", "video_muted",
                "audio_muted_by_admin", "video_muted_by_admin", "is_sip", "connection_quality")) {
            assertThat(annView.has(field)).as(field).isTrue();
        }

        assertError(b.request("join_room", Map.of("sdp", "v=0")), 400, "invalid request: auth_token");
        assertError(b.request("join_room", Map.of("sdp", "v=0", "auth_token", "bad")), 401, "invalid auth token: token is not a signed JWT");
        assertError(b.request("join_room", Map.of("auth_token", token)), 400, "invalid request: sdp");
        JsonNode broken = b.request("join_room", Map.of("sdp", "garbage", "auth_token", token));
        assertThat(broken.at("/error/code").asInt()).isEqualTo(400);
        assertThat(broken.at("/error/message").asText()).startsWith("invalid request: sdp: ");
        assertError(b.request("subscribe_room", Map.of("sdp", "x")), 400, "not in a room");

        JavaPeer benPeer = track(new JavaPeer());
        JsonNode joined = b.call("join_room", Map.of("sdp", benPeer.offer(true), "auth_token", token, "video_muted", true));
        assertThat(joined.get("sdp").asText()).contains("a=ice-lite");
        assertThat(joined.get("is_admin").asBoolean()).isFalse();
        JsonNode note = ann.rpc().await("member_join_room");
        assertThat(note.get("id").asText()).isEqualTo("ben");
        assertThat(note.get("video_muted").asBoolean()).isTrue();

        JavaPeer receiver = track(new JavaPeer());
        JsonNode sub = b.call("subscribe_room", Map.of("sdp", receiver.offer(false), "auth_token", token,
                "members", List.of(Map.of("id", "ann", "video_mid", "1", "width", 640, "height", 480, "audio_mid", "0"))));
        assertThat(sub.get("sdp").asText()).contains("a=sendonly");
        JsonNode badSub = b.request("subscribe_room", Map.of("sdp", "nope", "members", List.of()));
        assertThat(badSub.at("/error/code").asInt()).isEqualTo(400);
        assertThat(badSub.at("/error/message").asText()).startsWith("invalid request: sdp: ");
        assertError(b.request("subscribe_room", Map.of("sdp", receiver.offer(false), "members", "x")), 400, "invalid request: members");

        var rest = server.get("/v1/rooms/" + room + "/members").json();
        assertThat(rest.get("live").findValuesAsText("id")).containsExactlyInAnyOrder("ann", "ben");

        assertError(client().request("authenticate", auth(room, "ben")), 404, "member already in room");
    }

    @Test
    void handsScreenReactionsAndSelfMute() {
        String room = room("\"open\": true,");
        Joined ann = join(room, "ann", "display_name", "Ann");
        Joined ben = join(room, "ben", "display_name", "Ben");
        for (String[] pair : new String[][] {{"raise_hand", "member_raise_hand"}, {"unraise_hand", "member_unraise_hand"},
                {"start_screen_share", "member_start_screen_share"}, {"stop_screen_share", "member_stop_screen_share"}}) {
            assertThat(ben.rpc().call(pair[0], Map.of())).isEmpty();
            assertThat(ann.rpc().await(pair[1]).get("member").asText()).isEqualTo("ben");
        }
        ben.rpc().notifyServer("raise_hand", Map.of());
        assertThat(ann.rpc().await("member_raise_hand").get("member").asText()).isEqualTo("ben");
        assertThat(ann.rpc().call("get_room_members", Map.of()).findValues("hand_raised").stream().anyMatch(JsonNode::asBoolean)).isTrue();

        ben.rpc().call("send_reaction", Map.of("reaction", "thumbs_up"));
        JsonNode reaction = ann.rpc().await("member_send_reaction");
        assertThat(reaction.get("member").asText()).isEqualTo("ben");
        assertThat(reaction.get("reaction").asText()).isEqualTo("thumbs_up");
        assertError(ben.rpc().request("send_reaction", Map.of("reaction", "<script>")), 400, "invalid request: reaction");
        assertError(ben.rpc().request("send_reaction", Map.of()), 400, "invalid request: reaction");

        // digits with no phone in the room: everyone is told (SipRoomBrowserTest plays them to a phone)
        ben.rpc().call("send_dtmf", Map.of("digits", "12*#ab"));
        JsonNode dtmf = ann.rpc().await("member_dtmf");
        assertThat(dtmf.get("member").asText()).isEqualTo("ben");
        assertThat(dtmf.get("digits").asText()).isEqualTo("12*#AB");
        assertThat(dtmf.has("to")).isFalse();
        assertError(ben.rpc().request("send_dtmf", Map.of("digits", "12E")), 400, "invalid request: digits");
        assertError(ben.rpc().request("send_dtmf", Map.of("digits", "1".repeat(33))), 400, "invalid request: digits");
        assertError(ben.rpc().request("send_dtmf", Map.of()), 400, "invalid request: digits");
        assertError(ben.rpc().request("send_dtmf", Map.of("digits", "1", "member", "ann")), 400, "member is not a phone");
        assertError(ben.rpc().request("send_dtmf", Map.of("digits", "1", "member", "nobody")), 400, "no such member in the room");

        for (String method : List.of("mute_audio", "unmute_audio", "mute_video", "unmute_video")) {
            assertThat(ben.rpc().call(method, Map.of())).isEmpty();
            JsonNode n = ann.rpc().await("member_" + method);
            assertThat(n.get("member").asText()).isEqualTo("ben");
            assertThat(n.get("by_admin").asBoolean()).isFalse();
        }
        assertThat(ben.rpc().call("leave_room", Map.of())).isEmpty();
        JsonNode left = ann.rpc().await("member_leave_room");
        assertThat(left.get("member").asText()).isEqualTo("ben");
        assertThat(left.get("by_admin").asBoolean()).isFalse();
        assertError(ben.rpc().request("raise_hand", Map.of()), 400, "not in a room");
    }

    @Test
    void hiddenMembersAreNotListedOrAnnouncedAndGrantsAreEnforced() {
        String room = room("\"open\": true,");
        Joined ann = join(room, "ann", "display_name", "Ann");
        RpcClient ghost = client();
        String hidden = server.token(room, "\"identity\": \"ghost\", \"grants\": {\"hidden\": true}");
        JavaPeer ghostPeer = track(new JavaPeer());
        JsonNode joined = ghost.call("join_room", Map.of("sdp", ghostPeer.offer(true), "auth_token", hidden));
        assertThat(joined.get("members").findValuesAsText("id")).containsExactly("ann");
        assertThat(ann.rpc().call("get_room_members", Map.of()).findValuesAsText("id")).containsExactly("ann");
        ghost.call("leave_room", Map.of());

        RpcClient watcherOnly = client();
        String noSubscribe = server.token(room, "\"identity\": \"nosub\", \"grants\": {\"subscribe\": false}");
        JavaPeer p = track(new JavaPeer());
        watcherOnly.call("join_room", Map.of("sdp", p.offer(true), "auth_token", noSubscribe));
        assertError(watcherOnly.request("subscribe_room", Map.of("sdp", p.offer(false), "members", List.of())), 403,
                "not allowed to subscribe");
        String micOnly = server.token(room, "\"identity\": \"miconly\", \"grants\": {\"publish_sources\": [\"microphone\"]}");
        assertError(client().request("join_room", Map.of("sdp", track(new JavaPeer()).offer(true), "auth_token", micOnly)), 403,
                "not allowed to publish camera");
        // the refused peer is closed at once (MediaDoor), not left until the connect timeout (20 s)
        waitUntil(() -> server.server().media().peers().stream().noneMatch(peer -> peer.owner().identity().equals("miconly")),
                "the refused peer closed");
        String noData = server.token(room, "\"identity\": \"nodata\", \"grants\": {\"data\": false}");
        RpcClient mute = client();
        mute.call("join_room", Map.of("sdp", track(new JavaPeer()).offer(true), "auth_token", noData));
        assertError(mute.request("send_chat_message", Map.of("text", "hi")), 403, "not allowed to send data");
        assertThat(ann.rpc().notifications.stream().filter(n -> n.path("method").asText().equals("member_join_room"))
                .map(n -> n.at("/params/id").asText())).doesNotContain("ghost");
    }

    // ---- moderation ----

    @Test
    void adminMuteStopsTheMediaAndOnlyAnAdminUnmutes() {
        String room = room("\"open\": true,");
        Joined admin = join(room, "admin-1", "username", "ada", "password", "password-ada");
        Joined speaker = join(room, "spk", "display_name", "Speaker");
        JavaPeer listener = track(new JavaPeer());
        listener.connect(admin.rpc().call("subscribe_room", Map.of("sdp", listener.offer(false), "auth_token", admin.token(),
                "members", List.of(Map.of("id", "spk", "video_mid", "1", "audio_mid", "0", "width", 320, "height", 240))))
                .get("sdp").asText());
        Thread talker = new Thread(() -> {
            byte[] payload = new byte[100];
            for (int i = 0; i < 2000 && !Thread.currentThread().isInterrupted(); i++) {
                speaker.peer().send(JavaPeer.OPUS_PT, i, i * 960, JavaPeer.AUDIO_SSRC, payload);
                sleep(10);
            }
        });
        talker.start();
        try {
            waitUntil(() -> listener.rtp.size() > 20, "the speaker's audio at the listener");

            assertError(speaker.rpc().request("mute_member_audio", Map.of("member", "admin-1")), 403, "admin only");
            assertError(admin.rpc().request("mute_member_audio", Map.of()), 400, "no member in request");
            assertError(admin.rpc().request("mute_member_audio", Map.of("member", "ghost")), 400, "no such member in the room");
            assertError(admin.rpc().request("unmute_member_audio", Map.of("member", "spk")), 400, "member is not muted by an admin");

            assertThat(admin.rpc().call("mute_member_audio", Map.of("member", "spk"))).isEmpty();
            JsonNode muted = speaker.rpc().await("member_mute_audio");
            assertThat(muted.get("member").asText()).isEqualTo("spk");
            assertThat(muted.get("by_admin").asBoolean()).isTrue();
            assertError(admin.rpc().request("mute_member_audio", Map.of("member", "spk")), 400, "member is already muted by an admin");
            sleep(300);
            int frozen = listener.rtp.size();
            sleep(700);
            assertThat(listener.rtp.size()).as("no audio forwarded while muted").isEqualTo(frozen);

            assertError(speaker.rpc().request("unmute_audio", Map.of()), 403, "muted by an admin");
            sleep(300);
            assertThat(listener.rtp.size()).isEqualTo(frozen);

            assertThat(admin.rpc().call("unmute_member_audio", Map.of("member", "spk"))).isEmpty();
            assertThat(speaker.rpc().await("member_unmute_audio").get("by_admin").asBoolean()).isTrue();
            waitUntil(() -> listener.rtp.size() > frozen + 20, "audio flowing again after the admin's unmute");

            admin.rpc().call("mute_member_video", Map.of("member", "spk"));
            assertThat(speaker.rpc().await("member_mute_video").get("by_admin").asBoolean()).isTrue();
            assertError(speaker.rpc().request("unmute_video", Map.of()), 403, "muted by an admin");
            admin.rpc().call("unmute_member_video", Map.of("member", "spk"));
            assertThat(speaker.rpc().await("member_unmute_video").get("by_admin").asBoolean()).isTrue();
            assertError(admin.rpc().request("unmute_member_video", Map.of("member", "spk")), 400, "member is not muted by an admin");
        } finally {
            talker.interrupt();
        }
    }

    @Test
    void removeMemberDisconnectsIt() {
        String room = room("\"open\": true,");
        Joined admin = join(room, "admin-1", "username", "ada", "password", "password-ada");
        Joined other = join(room, "oth", "display_name", "Other");
        Joined victim = join(room, "vic", "display_name", "Victim");
        assertError(other.rpc().request("remove_member", Map.of("member", "vic")), 403, "admin only");
        assertError(admin.rpc().request("remove_member", Map.of()), 400, "no member in request");
        assertThat(admin.rpc().call("remove_member", Map.of("member", "vic"))).isEmpty();
        JsonNode self = victim.rpc().await("member_leave_room");
        assertThat(self.get("member").asText()).isEqualTo("vic");
        assertThat(self.get("by_admin").asBoolean()).isTrue();
        assertThat(other.rpc().await("member_leave_room").get("by_admin").asBoolean()).isTrue();
        assertThat(victim.rpc().closed).succeedsWithin(java.time.Duration.ofSeconds(5));
        assertThat(admin.rpc().call("get_room_members", Map.of()).findValuesAsText("id")).doesNotContain("vic");
        assertError(admin.rpc().request("remove_member", Map.of("member", "vic")), 400, "no such member in the room");
    }

    // ---- watch, chat, reconnect ----

    @Test
    void watchRoomAndChat() {
        String room = room("\"open\": true,");
        Joined ann = join(room, "ann", "display_name", "Ann");
        RpcClient watcher = client();
        String watchToken = server.token(room, "\"identity\": \"watcher\"");
        assertThat(watcher.call("watch_room", Map.of("auth_token", watchToken)).get("room_id").asText()).isEqualTo(room);
        String forged = watchToken.substring(0, watchToken.length() - 4) + (watchToken.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertError(client().request("watch_room", Map.of("auth_token", forged)), 401, "invalid auth token: token signature is invalid");

        JsonNode sent = ann.rpc().call("send_chat_message", Map.of("text", "hello everyone"));
        assertThat(sent.at("/message/text").asText()).isEqualTo("hello everyone");
        JsonNode heard = watcher.await("member_chat_message");
        assertThat(heard.get("member").asText()).isEqualTo("ann");
        assertThat(heard.get("name").asText()).isEqualTo("Ann");
        assertThat(heard.get("text").asText()).isEqualTo("hello everyone");
        ann.rpc().call("raise_hand", Map.of());
        assertThat(watcher.await("member_raise_hand").get("member").asText()).isEqualTo("ann");

        assertError(ann.rpc().request("send_chat_message", Map.of("text", "")), 400, "invalid request: text");
        assertError(ann.rpc().request("send_chat_message", Map.of("text", "x".repeat(4001))), 400, "invalid request: text");
        ann.rpc().call("send_chat_message", Map.of("text", "second"));
        JsonNode history = ann.rpc().call("get_chat_history", Map.of());
        assertThat(history.get("messages").findValuesAsText("text")).containsExactly("hello everyone", "second");
        String secondId = history.at("/messages/1/id").asText();
        assertThat(ann.rpc().call("get_chat_history", Map.of("before", secondId)).get("messages").findValuesAsText("text"))
                .containsExactly("hello everyone");
        assertThat(server.get("/v1/rooms/" + room + "/chat?limit=1").json().get("messages").findValuesAsText("text"))
                .containsExactly("second");
        assertThat(server.get("/v1/rooms/" + room + "/chat?limit=0").status()).isEqualTo(400);
    }

    @Test
    void aReconnectingMemberKeepsItsSeatAndAGoneOneLeaves() throws Exception {
        String room = room("\"open\": true,");
        Joined ann = join(room, "ann", "display_name", "Ann");
        Joined ben = join(room, "ben", "display_name", "Ben");
        ben.rpc().close();
        sleep(500);
        RpcClient again = client();
        JsonNode rejoined = again.call("join_room", Map.of("sdp", ben.peer().offer(true), "auth_token", ben.token()));
        assertThat(rejoined.get("call_id").asText()).isEqualTo("ben");
        assertThat(rejoined.get("sdp").asText()).contains("a=ice-ufrag:");
        sleep(2500);
        assertThat(ann.rpc().notifications.stream().map(n -> n.path("method").asText())).doesNotContain("member_leave_room");
        assertThat(again.call("get_room_members", Map.of()).findValuesAsText("id")).contains("ben");

        again.close();
        JsonNode gone = ann.rpc().await("member_leave_room");
        assertThat(gone.get("member").asText()).isEqualTo("ben");
    }

    @Test
    void videoControlIsForAdminsAndValidated() {
        String room = room("\"open\": true,");
        Joined admin = join(room, "admin-1", "username", "ada", "password", "password-ada");
        Joined ann = join(room, "ann", "display_name", "Ann");
        assertThat(ann.rpc().call("get_video_state", Map.of())).isEmpty();
        assertError(ann.rpc().request("video_control", Map.of("file_id", "f", "url", "/files/f", "action", "play")), 403, "admin only");
        assertError(admin.rpc().request("video_control", Map.of("file_id", "f", "url", "/files/f", "action", "rewind")), 400,
                "invalid request: action");
        assertError(admin.rpc().request("video_control", Map.of("file_id", "f", "action", "play")), 400, "invalid request: url");
        assertError(admin.rpc().request("video_control", Map.of("file_id", "f", "url", "/files/f", "action", "seek", "position", -1)),
                400, "invalid request: position");
        admin.rpc().call("video_control", Map.of("file_id", "f", "url", "/files/f", "action", "pause", "position", 12.5));
        JsonNode heard = ann.rpc().await("video_control");
        assertThat(heard.get("file_id").asText()).isEqualTo("f");
        assertThat(heard.get("url").asText()).isEqualTo("/files/f");
        assertThat(heard.get("playing").asBoolean()).isFalse();
        assertThat(heard.get("position").asDouble()).isEqualTo(12.5);
        assertThat(heard.get("at").asLong()).isPositive();
        JsonNode state = ann.rpc().call("get_video_state", Map.of());
        assertThat(state.get("position").asDouble()).isEqualTo(12.5);
        assertThat(state.get("action").asText()).isEqualTo("pause");

        // the playback lives as long as the room is live: once everyone has gone, a visitor finds none
        for (Joined j : List.of(admin, ann)) {
            j.rpc().call("leave_room", Map.of());
            j.rpc().close();
        }
        waitUntil(() -> {
            RpcClient visitor = client();
            visitor.call("authenticate", auth(room, "visitor-" + UUID.randomUUID()));
            boolean none = visitor.call("get_video_state", Map.of()).isEmpty();
            visitor.close();
            return none;
        }, "the playback gone with the room's last member");
    }

    @Test
    void deletingTheRoomEndsTheMeeting() {
        String room = room("\"open\": true,");
        Joined ann = join(room, "ann", "display_name", "Ann");
        assertThat(server.delete("/v1/rooms/" + room).status()).isEqualTo(204);
        assertThat(ann.rpc().await("room_ended").get("by_admin").asBoolean(true)).isFalse();
        assertThat(ann.rpc().closed).succeedsWithin(java.time.Duration.ofSeconds(5));
        assertError(client().request("authenticate", auth(room, "late")), 404, "room doesn't exist");
    }

    /** {@code end_room}: a host ends the meeting for everyone; others are refused; the room stays. */
    @Test
    void aHostEndsTheRoomForEveryone() {
        String room = room("\"open\": true,");
        Joined admin = join(room, "host-1", "username", "ada", "password", "password-ada");
        Joined ann = join(room, "ann", "display_name", "Ann");
        JsonNode refused = ann.rpc().request("end_room", Map.of());
        assertThat(refused.at("/error/code").asInt()).as(refused.toString()).isEqualTo(403);
        assertThat(refused.at("/error/message").asText()).isEqualTo("admin only");
        RpcClient stranger = client();
        JsonNode notIn = stranger.request("end_room", Map.of("room", room));
        assertThat(notIn.at("/error/code").asInt()).as(notIn.toString()).isEqualTo(404);
        assertThat(notIn.at("/error/message").asText()).isEqualTo("member didn't authenticate");
        assertThat(ann.rpc().closed).isNotDone();

        assertThat(admin.rpc().call("end_room", Map.of())).isEmpty();
        for (Joined j : List.of(ann, admin)) {
            assertThat(j.rpc().await("room_ended").get("by_admin").asBoolean()).isTrue();
            assertThat(j.rpc().closed).succeedsWithin(java.time.Duration.ofSeconds(5));
        }
        waitUntil(() -> server.get("/v1/rooms/" + room + "/members").json().get("live").isEmpty(), "nobody is live in the room");
        // the room stays: its link opens a new meeting, the host's token still works
        assertThat(server.get("/v1/rooms/" + room).status()).isEqualTo(200);
        RpcClient again = client();
        again.call("authenticate", auth(room, "ann-again", "display_name", "Ann"));
    }

    // ---- framing ----

    @Test
    void framingErrorsAndSip() {
        RpcClient c = client();
        c.sendRaw("{not json");
        JsonNode parse = c.nextUnsolicited();
        assertThat(parse.get("id").isNull()).isTrue();
        assertThat(parse.at("/error/code").asInt()).isEqualTo(-32700);
        c.sendRaw("[1,2]");
        assertThat(c.nextUnsolicited().at("/error/code").asInt()).isEqualTo(-32700);
        assertError(c.request("make_coffee", Map.of()), -32601, "method not found");
        for (String sip : io.atrium.server.room.SipRooms.METHODS) {
            assertError(c.request(sip, Map.of()), 501, "SIP is not configured");
        }
        assertError(c.request("get_room_members", Map.of()), 404, "member didn't authenticate");
        assertError(c.request("raise_hand", Map.of()), 404, "member didn't authenticate");
        assertThat(c.request("authenticate", "not an object").at("/error/message").asText()).isEqualTo("invalid request: params");

        RpcClient other = client();
        assertError(other.request("make_coffee", Map.of()), -32601, "method not found");
    }

    @Test
    void junkFramesCountAgainstTheSocketsRate() {
        RpcClient c = client();
        for (int i = 0; i < 300; i++) { // 50 per second, bursts of 100: most of these are over the limit
            c.sendRaw("junk " + i);
        }
        c.sendRaw("{\"id\": \"after\", \"method\": \"make_coffee\"}");
        waitUntil(() -> c.notifications.stream().anyMatch(n -> n.path("id").asText("").equals("after")), "the answer to the request after the junk");
        JsonNode after = c.notifications.stream().filter(n -> n.path("id").asText("").equals("after")).findFirst().orElseThrow();
        assertThat(after.at("/error/code").asInt()).as("the junk counted: the request after it is over the limit, refused under its own id")
                .isEqualTo(429);
        assertThat(c.notifications.stream().filter(n -> n.at("/error/code").asInt() == -32700).count())
                .as("junk within the limit is answered (parse error), junk over it is not").isPositive().isLessThan(300);
    }

    @Test
    void floodsAreRateLimitedAndOversizeMessagesCloseTheSocket() throws Exception {
        RpcClient c = client();
        for (int i = 0; i < 200; i++) {
            c.sendRaw("{\"id\": \"f" + i + "\", \"method\": \"make_coffee\"}");
        }
        waitUntil(() -> c.notifications.size() >= 200, "200 answers");
        long limited = c.notifications.stream().filter(n -> n.at("/error/code").asInt() == 429).count();
        assertThat(limited).isPositive();
        assertThat(c.notifications.stream().filter(n -> n.at("/error/message").asText().equals("too many requests")).count())
                .isEqualTo(limited);

        RpcClient big = client();
        big.sendRaw("{\"id\": 1, \"method\": \"authenticate\", \"params\": {\"x\": \"" + "y".repeat(70_000) + "\"}}");
        assertThat(big.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1009);
        RpcClient fine = client();
        assertError(fine.request("make_coffee", Map.of()), -32601, "method not found");
    }
}
