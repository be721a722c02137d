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
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestInstance;

/**
 * Finding 2 of docs/SECURITY.md over the real protocol: a token's expiry holds on an open socket, a
 * fresh token can be presented on the same socket, and the REST API revokes tokens (also across a
 * restart) and changes a live member's rights, with the member's media following at once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenLifeTest {

    TestServer server;
    @RegisterExtension
    final Closer open = new Closer();

    @BeforeAll
    void start() throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-tokens-"));
        server = TestServer.start(new AtriumConfig(false, c.dataDir(), c.http(), c.rtc(), c.database(), c.auth(),
                new AtriumConfig.Rooms(120, 60, 65_536, 200)));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    <T extends AutoCloseable> T track(T c) {
        return open.track(c);
    }

    String openRoom() {
        return server.post("/v1/rooms", "{\"room\":{\"name\":\"t\",\"open\":true}}").json().at("/room/uuid").asText();
    }

    record Joined(RpcClient rpc, String token, JavaPeer peer) {
    }

    Joined join(String token) {
        RpcClient rpc = track(RpcClient.connect(server));
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

    @Test
    void anExpiredAdminTokenStopsWorkingOnItsOpenSocket() {
        String room = openRoom();
        Joined victim = join(server.token(room, "\"identity\": \"victim\""));
        Joined admin = join(server.token(room, "\"identity\": \"admin\", \"admin\": true, \"ttl_seconds\": 3"));
        JsonNode warning = admin.rpc().await("token_expiring");
        assertThat(warning.get("seconds_left").asLong()).isBetween(0L, 3L);
        assertThat(warning.get("expires_at").asText()).isNotBlank();

        assertThat(admin.rpc().await("token_expired")).isEmpty();
        assertThat(admin.rpc().closed).succeedsWithin(Duration.ofSeconds(10));
        assertThat(victim.rpc().await("member_leave_room").get("member").asText()).isEqualTo("admin");
        assertThat(heard(victim.rpc(), "member_mute_audio")).isFalse();
        assertThat(victim.rpc().call("get_room_members", Map.of()).findValuesAsText("id")).containsExactly("victim");
        assertError(track(RpcClient.connect(server)).request("join_room", Map.of("sdp", admin.peer().offer(true),
                "auth_token", admin.token())), 401, "invalid auth token: token expired");
    }

    @Test
    void aFreshTokenKeepsTheSocketGoing() {
        String room = openRoom();
        Joined other = join(server.token(room, "\"identity\": \"other\""));
        Joined ann = join(server.token(room, "\"identity\": \"ann\", \"admin\": true, \"ttl_seconds\": 4"));
        ann.rpc().await("token_expiring");
        assertError(ann.rpc().request("refresh_token", Map.of("auth_token", server.token(room, "\"identity\": \"someone-else\""))),
                403, "the token is for another identity");
        assertError(ann.rpc().request("refresh_token", Map.of("auth_token", server.token(openRoom(), "\"identity\": \"ann\""))),
                401, "invalid auth token: token is for another room");
        String fresh = server.token(room, "\"identity\": \"ann\", \"admin\": true, \"ttl_seconds\": 3600");
        JsonNode refreshed = ann.rpc().call("refresh_token", Map.of("auth_token", fresh));
        assertThat(refreshed.get("expires_at").asText()).isNotBlank();
        sleep(5000); // past the first token's expiry
        assertThat(heard(ann.rpc(), "token_expired")).isFalse();
        assertThat(ann.rpc().call("mute_member_audio", Map.of("member", "other"))).isEmpty();
        assertThat(other.rpc().await("member_mute_audio").get("member").asText()).isEqualTo("other");
        // the refreshed token is the proof for a reconnect now
        ann.rpc().close();
        JsonNode back = track(RpcClient.connect(server)).call("join_room", Map.of("sdp", ann.peer().offer(true), "auth_token", fresh));
        assertThat(back.get("is_admin").asBoolean()).isTrue();
    }

    @Test
    void revokingATokenOrAnIdentityEndsItsSessionsAndItsUse() throws Exception {
        String room = openRoom();
        Joined stay = join(server.token(room, "\"identity\": \"stay\""));
        Joined byJti = join(server.token(room, "\"identity\": \"by-jti\""));
        TestServer.Response r = server.post("/v1/tokens/revoke", "{\"jti\": \"" + TestServer.jti(byJti.token()) + "\"}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().at("/revoked/jti").asText()).isEqualTo(TestServer.jti(byJti.token()));
        assertThat(byJti.rpc().await("token_revoked")).isEmpty();
        assertThat(byJti.rpc().closed).succeedsWithin(Duration.ofSeconds(10));
        assertThat(stay.rpc().await("member_leave_room").get("member").asText()).isEqualTo("by-jti");
        assertError(track(RpcClient.connect(server)).request("join_room", Map.of("sdp", byJti.peer().offer(true),
                "auth_token", byJti.token())), 401, "invalid auth token: token revoked");

        String watchToken = server.token(room, "\"identity\": \"eve\"");
        RpcClient watcher = track(RpcClient.connect(server));
        watcher.call("watch_room", Map.of("auth_token", watchToken));
        assertThat(server.post("/v1/tokens/revoke", "{\"room\": \"" + room + "\", \"identity\": \"eve\"}").status()).isEqualTo(200);
        assertThat(watcher.await("token_revoked")).isEmpty();
        assertThat(watcher.closed).succeedsWithin(Duration.ofSeconds(10));
        sleep(1100); // tokens are issued to the second: one minted after the revocation works
        assertThat(track(RpcClient.connect(server)).call("watch_room", Map.of("auth_token",
                server.token(room, "\"identity\": \"eve\""))).get("room_id").asText()).isEqualTo(room);

        assertThat(server.post("/v1/tokens/revoke", "{}").status()).isEqualTo(400);
        assertThat(server.post("/v1/tokens/revoke", "{\"jti\": \"x\", \"identity\": \"y\"}").status()).isEqualTo(400);
        assertThat(server.send("POST", "/v1/tokens/revoke", "{\"jti\": \"x\"}", null).status()).isEqualTo(401);

        // revocations outlive a restart, as the tokens do
        String later = server.token(room, "\"identity\": \"later\"");
        server.post("/v1/tokens/revoke", "{\"jti\": \"" + TestServer.jti(later) + "\"}");
        server.restart();
        assertError(track(RpcClient.connect(server)).request("watch_room", Map.of("auth_token", later)), 401,
                "invalid auth token: token revoked");
        assertError(track(RpcClient.connect(server)).request("watch_room", Map.of("auth_token", watchToken)), 401,
                "invalid auth token: token revoked");
    }

    @Test
    void liveGrantAndAdminChangesTakeEffectAtOnce() {
        String room = openRoom();
        Joined speaker = join(server.token(room, "\"identity\": \"spk\""));
        Joined listener = join(server.token(room, "\"identity\": \"lis\""));
        JavaPeer receiver = track(new JavaPeer());
        receiver.connect(listener.rpc().call("subscribe_room", Map.of("sdp", receiver.offer(false), "members",
                List.of(Map.of("id", "spk", "audio_mid", "0", "video_mid", "1", "width", 320, "height", 240)))).get("sdp").asText());
        Thread talker = new Thread(() -> {
            byte[] payload = new byte[100];
            for (int i = 0; i < 3000 && !Thread.currentThread().isInterrupted(); i++) {
                speaker.peer().send(JavaPeer.OPUS_PT, i, i * 960, JavaPeer.AUDIO_SSRC, payload);
                sleep(10);
            }
        });
        talker.start();
        try {
            waitUntil(() -> receiver.rtp.size() > 20, "the speaker's audio at the listener");
            TestServer.Response r = server.send("PATCH", "/v1/rooms/" + room + "/live/spk",
                    "{\"grants\": {\"publish_sources\": [\"camera\"]}}", TestServer.BASIC);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().at("/member/id").asText()).isEqualTo("spk");
            JsonNode told = speaker.rpc().await("permissions_changed");
            assertThat(told.at("/grants/publish_sources").toString()).isEqualTo("[\"camera\"]");
            sleep(300);
            int frozen = receiver.rtp.size();
            sleep(700);
            assertThat(receiver.rtp.size()).as("the microphone is no longer forwarded").isEqualTo(frozen);
            speaker.rpc().call("unmute_audio", Map.of());
            sleep(500);
            assertThat(receiver.rtp.size()).as("unmuting does not bring it back").isEqualTo(frozen);
            server.send("PATCH", "/v1/rooms/" + room + "/live/spk", "{\"grants\": {}}", TestServer.BASIC);
            waitUntil(() -> receiver.rtp.size() > frozen + 20, "audio forwarded again once granted");

            // a member that may no longer receive: its receiving connection ends
            assertThat(server.send("PATCH", "/v1/rooms/" + room + "/live/lis", "{\"grants\": {\"subscribe\": false}}",
                    TestServer.BASIC).status()).isEqualTo(200);
            assertThat(listener.rpc().await("permissions_changed").at("/grants/subscribe").asBoolean()).isFalse();
            sleep(500);
            int cut = receiver.rtp.size();
            sleep(700);
            assertThat(receiver.rtp.size()).as("nothing forwarded to a member without the subscribe grant").isEqualTo(cut);
            assertError(listener.rpc().request("subscribe_room", Map.of("sdp", receiver.offer(false), "members", List.of())), 403,
                    "not allowed to subscribe");
            server.send("PATCH", "/v1/rooms/" + room + "/live/lis", "{\"grants\": {}}", TestServer.BASIC);
            listener.rpc().await("permissions_changed");
        } finally {
            talker.interrupt();
        }

        assertError(listener.rpc().request("mute_member_audio", Map.of("member", "spk")), 403, "admin only");
        assertThat(server.send("PATCH", "/v1/rooms/" + room + "/live/lis", "{\"admin\": true}", TestServer.BASIC).json()
                .at("/member/is_admin").asBoolean()).isTrue();
        waitUntil(() -> listener.rpc().notifications.stream().anyMatch(n -> n.path("method").asText().equals("permissions_changed")
                && n.at("/params/is_admin").asBoolean()), "permissions_changed with is_admin");
        assertThat(listener.rpc().call("mute_member_audio", Map.of("member", "spk"))).isEmpty();
        server.send("PATCH", "/v1/rooms/" + room + "/live/lis", "{\"admin\": false}", TestServer.BASIC);
        assertError(listener.rpc().request("unmute_member_audio", Map.of("member", "spk")), 403, "admin only");

        assertThat(server.send("PATCH", "/v1/rooms/" + room + "/live/nobody", "{\"admin\": true}", TestServer.BASIC).status())
                .isEqualTo(404);
        assertThat(server.send("PATCH", "/v1/rooms/" + room + "/live/lis", "{}", TestServer.BASIC).status()).isEqualTo(400);
        assertThat(server.send("PATCH", "/v1/rooms/" + room + "/live/lis", "{\"grants\": {\"hidden\": true}}", TestServer.BASIC)
                .status()).isEqualTo(400);
    }

    /**
     * docs/SECURITY.md, finding 15: taking admin away live reaches every token of the identity, not only its seat: its
     * other sockets (open before, or opened after with the same token), a rejoin, and the 003 operator calls over HTTP.
     * The member goes on with the token {@code permissions_changed} hands it.
     */
    @Test
    void aDemotedAdminKeepsNoAdminRightsAnywhere() throws Exception {
        String room = openRoom();
        Joined victim = join(server.token(room, "\"identity\": \"vic\""));
        String adminToken = server.token(room, "\"identity\": \"ada\", \"admin\": true");
        Joined ada = join(adminToken);
        RpcClient before = track(RpcClient.connect(server));
        before.call("watch_room", Map.of("auth_token", adminToken));

        assertThat(server.send("PATCH", "/v1/rooms/" + room + "/live/ada", "{\"admin\": false}", TestServer.BASIC).status())
                .isEqualTo(200);
        JsonNode told = ada.rpc().await("permissions_changed");
        assertThat(told.get("is_admin").asBoolean()).isFalse();
        assertError(before.request("remove_member", Map.of("member", "vic")), 401, "invalid auth token: token revoked");
        assertError(track(RpcClient.connect(server)).request("watch_room", Map.of("auth_token", adminToken)), 401,
                "invalid auth token: token revoked");
        String handedOn = told.get("auth_token").asText();
        assertThat(handedOn).isNotEqualTo(adminToken);
        assertThat(before.closed).succeedsWithin(Duration.ofSeconds(10));
        // the seat goes on, without admin, and its new token is the proof for a reconnect
        assertError(ada.rpc().request("remove_member", Map.of("member", "vic")), 403, "admin only");
        assertThat(victim.rpc().call("get_room_members", Map.of()).findValuesAsText("id")).contains("ada", "vic");
        ada.rpc().close();
        assertError(track(RpcClient.connect(server)).request("join_room", Map.of("sdp", ada.peer().offer(true),
                "auth_token", adminToken)), 401, "invalid auth token: token revoked");
        JsonNode back = track(RpcClient.connect(server)).call("join_room", Map.of("sdp", ada.peer().offer(true),
                "auth_token", handedOn));
        assertThat(back.get("is_admin").asBoolean()).isFalse();
        // promoted again and demoted within the same second: the token handed on at the first demotion is revoked too
        server.send("PATCH", "/v1/rooms/" + room + "/live/ada", "{\"admin\": true}", TestServer.BASIC);
        server.send("PATCH", "/v1/rooms/" + room + "/live/ada", "{\"grants\": {\"subscribe\": false}}", TestServer.BASIC);
        server.send("PATCH", "/v1/rooms/" + room + "/live/ada", "{\"admin\": false}", TestServer.BASIC);
        assertError(track(RpcClient.connect(server)).request("watch_room", Map.of("auth_token", handedOn)), 401,
                "invalid auth token: token revoked");

        // contract 003: a host demoted live can no longer mute or end the session over HTTP
        JsonNode session = server.post("/api/video-call/session", "{}").json();
        String id = session.get("session_id").asText();
        JsonNode host = server.send("POST", "/api/video-call/session/" + id + "/participant-token",
                "{\"preset_name\": \"group_call_host\"}", "Bearer " + session.get("control_token").asText()).json();
        Joined seated = join(host.get("token").asText());
        Joined guest = join(server.token(id, "\"identity\": \"guest\""));
        assertThat(server.send("PATCH", "/v1/rooms/" + id + "/live/" + host.get("participant_id").asText(),
                "{\"admin\": false}", TestServer.BASIC).status()).isEqualTo(200);
        seated.rpc().await("permissions_changed");
        String bearer = "Bearer " + host.get("token").asText();
        assertThat(server.send("POST", "/api/video-call/session/" + id + "/mute", "{\"participant_id\": \"guest\"}", bearer)
                .status()).isEqualTo(401);
        assertThat(server.send("DELETE", "/api/video-call/session/" + id, null, bearer).status()).isEqualTo(401);
        assertThat(guest.rpc().call("get_room_members", Map.of()).findValuesAsText("id")).contains("guest");
    }
}
