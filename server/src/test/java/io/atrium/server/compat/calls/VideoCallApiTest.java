package io.atrium.server.compat.calls;

import static io.atrium.server.testing.Waits.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.atrium.server.compat.calls.CallFixture.Joined;
import io.atrium.server.compat.calls.CallFixture.Session;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Closer;
import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.TestServer.Response;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestInstance;

/**
 * Contracts 003 and 004 over HTTP against a real Atrium: every endpoint (the video files excepted),
 * each documented status code and error body, the tokens' claims, live participants joined over the
 * room protocol, the control center's events, CORS and the rate limits.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VideoCallApiTest {

    static final String API = "/api/video-call";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    TestServer server;
    @RegisterExtension
    final Closer open = new Closer();

    static AtriumConfig config(Path dir, AtriumConfig.VideoCall videoCall) {
        AtriumConfig c = TestServer.config(Db.H2, dir);
        return new AtriumConfig(false, c.dataDir(), c.http(), c.rtc(), c.database(), c.auth(),
                new AtriumConfig.Rooms(30, 2, 65_536, 50)).withVideoCall(videoCall);
    }

    static AtriumConfig.VideoCall limits(String globalRoom, int sessions, int tokens, int controls) {
        return new AtriumConfig.VideoCall(globalRoom, null, null, null, null, sessions, tokens, controls);
    }

    @BeforeAll
    void start() throws Exception {
        server = TestServer.start(config(Files.createTempDirectory("atrium-calls-"), limits(null, 1000, 1000, 1000)));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    <T extends AutoCloseable> T track(T c) {
        return open.track(c);
    }

    // ---- helpers ----

    Response post(String path, String body) {
        return server.send("POST", API + path, body, null);
    }

    Response post(String path, String body, String authorization) {
        return server.send("POST", API + path, body, authorization);
    }

    Response get(String path) {
        return server.send("GET", API + path, null, null);
    }

    static void assertError(Response r, int status, String code) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("code").asText()).as(r.body()).isEqualTo(code);
        assertThat(r.json().get("error").isTextual()).as(r.body()).isTrue();
        assertThat(r.json().size()).as("only error and code: " + r.body()).isEqualTo(2);
    }

    static JsonNode claims(String jwt) throws Exception {
        return JSON.readTree(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
    }

    Session session(String name) {
        return new CallFixture(server, open).session(name);
    }

    Joined join(Session s, String name) {
        return new CallFixture(server, open).join(s, name);
    }

    RpcClient watch(Session s) {
        return new CallFixture(server, open).watch(s, Map.of("auth_token", s.controlToken(), "events", "video_call"));
    }

    // ---- 004: global room ----

    @Test
    void globalRoomWithoutConfigurationIs500() {
        assertError(get("/global-room"), 500, "INTERNAL_ERROR");
    }

    @Test
    void globalRoomAnswersTheConfiguredRoomAndTakesTokens() throws Exception {
        Path dir = Files.createTempDirectory("atrium-calls-global-");
        String room;
        try (TestServer first = TestServer.start(config(dir, null))) {
            room = first.createRoom("lobby");
        }
        try (TestServer withGlobal = TestServer.start(config(dir, limits(room, 10, 100, 60)))) {
            Response r = withGlobal.send("GET", API + "/global-room", null, null);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json()).isEqualTo(JSON.readTree("{\"room_id\":\"" + room + "\"}"));
            Response token = withGlobal.send("POST", API + "/token", "{\"meeting_id\":\"" + room + "\"}", null);
            assertThat(token.status()).as(token.body()).isEqualTo(200);
            assertThat(claims(token.json().get("auth_token").asText()).get("room").asText()).isEqualTo(room);
            withGlobal.delete("/v1/rooms/" + room);
            assertError(withGlobal.send("GET", API + "/global-room", null, null), 500, "INTERNAL_ERROR");
        }
    }

    // ---- sessions ----

    @Test
    void createSessionAnswersBothContractsShapes() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        Response r = post("/session", "{\"name\":\"Weekly\"}");
        assertThat(r.status()).isEqualTo(200);
        JsonNode b = r.json();
        String id = b.get("session_id").asText();
        assertThat(UUID.fromString(id).toString()).isEqualTo(id);
        assertThat(b.get("meeting_id").asText()).isEqualTo(id);
        assertThat(Instant.parse(b.get("created_at").asText())).isBetween(before, Instant.now().plusSeconds(1));
        assertThat(b.get("name").asText()).isEqualTo("Weekly");
        JsonNode control = claims(b.get("control_token").asText());
        assertThat(control.get("room").asText()).isEqualTo(id);
        assertThat(control.get("admin").asBoolean()).isTrue();
        assertThat(Instant.parse(b.get("control_token_expires_at").asText())).isAfter(Instant.now());

        // the session is a room of Atrium's own
        assertThat(server.get("/v1/rooms/" + id).json().at("/room/name").asText()).isEqualTo("Weekly");

        Response unnamed = post("/session", "");
        assertThat(unnamed.status()).isEqualTo(200);
        assertThat(unnamed.json().has("name")).isFalse();
        assertThat(get("/session/" + unnamed.json().get("session_id").asText()).json().has("name")).isFalse();

        assertError(post("/session", "not json"), 400, "INVALID_INPUT");
        assertError(post("/session", "[1]"), 400, "INVALID_INPUT");
        assertError(post("/session", "{\"name\": 5}"), 400, "INVALID_INPUT");
        assertError(post("/session", "{\"name\":\"" + "x".repeat(257) + "\"}"), 400, "INVALID_INPUT");
        assertError(post("/session", "{\"name\":\"" + "x".repeat(70_000) + "\"}"), 413, "PAYLOAD_TOO_LARGE");
    }

    @Test
    void sessionDetailsShowLiveParticipants() {
        Session s = session("Standup");
        Response empty = get("/session/" + s.id());
        assertThat(empty.status()).isEqualTo(200);
        assertThat(empty.json().get("status").asText()).isEqualTo("active");
        assertThat(empty.json().get("name").asText()).isEqualTo("Standup");
        assertThat(empty.json().get("participants").size()).isZero();

        Instant before = Instant.now().minusSeconds(1);
        Joined ann = join(s, "Ann");
        JsonNode d = get("/session/" + s.id()).json();
        assertThat(d.get("session_id").asText()).isEqualTo(s.id());
        assertThat(d.get("participants").size()).isEqualTo(1);
        JsonNode p = d.get("participants").get(0);
        assertThat(p.get("participant_id").asText()).isEqualTo(ann.id());
        assertThat(p.get("name").asText()).isEqualTo("Ann");
        assertThat(Instant.parse(p.get("joined_at").asText())).isBetween(before, Instant.now().plusSeconds(1));
        assertThat(p.get("is_muted").asBoolean()).isFalse();
        assertThat(p.get("is_camera_on").asBoolean()).isTrue();
        assertThat(p.get("is_screen_sharing").asBoolean()).isFalse();
        assertThat(p.get("connection_quality").asText()).isIn("excellent", "good", "fair", "poor");

        ann.rpc().call("mute_video", Map.of());
        ann.rpc().call("start_screen_share", Map.of());
        p = get("/session/" + s.id()).json().get("participants").get(0);
        assertThat(p.get("is_camera_on").asBoolean()).isFalse();
        assertThat(p.get("is_screen_sharing").asBoolean()).isTrue();
        // once media flows, the quality is Atrium's measurement
        waitUntil(() -> get("/session/" + s.id()).json().at("/participants/0/connection_quality").asText().equals("excellent"),
                "connection quality measured");

        assertError(get("/session/" + UUID.randomUUID()), 404, "SESSION_NOT_FOUND");
        assertError(get("/session/not-a-uuid"), 404, "SESSION_NOT_FOUND");
        // a native room is not a session
        assertError(get("/session/" + server.createRoom("native")), 404, "SESSION_NOT_FOUND");
    }

    @Test
    void screenSharesListWhoShares() {
        Session s = session("Demo");
        Joined ann = join(s, "Ann");
        Joined bob = join(s, "Bob");
        assertThat(get("/session/" + s.id() + "/screen-shares").json().get("screen_shares").size()).isZero();

        Instant before = Instant.now().minusSeconds(1);
        bob.rpc().call("start_screen_share", Map.of());
        Response r = get("/session/" + s.id() + "/screen-shares");
        assertThat(r.status()).isEqualTo(200);
        JsonNode shares = r.json().get("screen_shares");
        assertThat(shares.size()).isEqualTo(1);
        JsonNode share = shares.get(0);
        assertThat(share.get("participant_id").asText()).isEqualTo(bob.id());
        assertThat(share.get("participant_name").asText()).isEqualTo("Bob");
        assertThat(share.get("share_id").asText()).isNotBlank();
        assertThat(share.get("stream_url").asText()).isEqualTo("atrium:" + s.id() + "/" + bob.id() + "/screen");
        assertThat(Instant.parse(share.get("started_at").asText())).isBetween(before, Instant.now().plusSeconds(1));

        bob.rpc().call("stop_screen_share", Map.of());
        assertThat(get("/session/" + s.id() + "/screen-shares").json().get("screen_shares").size()).isZero();
        assertThat(ann.id()).isNotEqualTo(bob.id());
        assertError(get("/session/" + UUID.randomUUID() + "/screen-shares"), 404, "SESSION_NOT_FOUND");
    }

    // ---- tokens ----

    @Test
    void participantTokensCarryAJoinLinkIntoTheWebApp() throws Exception {
        Session s = session("Call");
        Instant before = Instant.now().minusSeconds(1);
        Response r = post("/session/" + s.id() + "/participant-token", "{\"name\":\"Ann\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String token = r.json().get("token").asText();
        assertThat(r.json().get("join_url").asText())
                .isEqualTo(server.uri("/room.html?room=" + s.id() + "#token=" + token).toString());
        Instant expires = Instant.parse(r.json().get("expires_at").asText());
        assertThat(expires).isBetween(before.plusSeconds(4 * 3600 - 2), Instant.now().plusSeconds(4 * 3600 + 2));
        JsonNode c = claims(token);
        assertThat(c.get("room").asText()).isEqualTo(s.id());
        assertThat(c.get("name").asText()).isEqualTo("Ann");
        assertThat(c.get("admin").asBoolean()).isFalse();
        assertThat(c.get("exp").asLong()).isEqualTo(expires.getEpochSecond());
        assertThat(c.at("/grants/publish").asBoolean()).isTrue();
        assertThat(c.get("sub").asText()).isEqualTo(r.json().get("participant_id").asText());

        Response noBody = post("/session/" + s.id() + "/participant-token", "");
        assertThat(noBody.status()).isEqualTo(200);
        assertThat(claims(noBody.json().get("token").asText()).get("name").asText()).isEqualTo("Participant");

        // presets: a viewer may not publish; a host preset needs the operator's credentials
        Response viewer = post("/session/" + s.id() + "/participant-token", "{\"preset_name\":\"webinar_viewer\"}");
        assertThat(claims(viewer.json().get("token").asText()).at("/grants/publish").asBoolean()).isFalse();
        assertError(post("/session/" + s.id() + "/participant-token", "{\"preset_name\":\"group_call_host\"}"), 401, "UNAUTHORIZED");
        Response host = post("/session/" + s.id() + "/participant-token", "{\"preset_name\":\"group_call_host\"}", s.bearer());
        assertThat(claims(host.json().get("token").asText()).get("admin").asBoolean()).isTrue();
        assertError(post("/session/" + s.id() + "/participant-token", "{\"preset_name\":\"king\"}"), 400, "INVALID_INPUT");
        assertError(post("/session/" + s.id() + "/participant-token", "{\"name\": []}"), 400, "INVALID_INPUT");
        assertError(post("/session/" + UUID.randomUUID() + "/participant-token", "{}"), 404, "SESSION_NOT_FOUND");
    }

    @Test
    void controlTokensNeedTheOperatorAndWatchAndModerate() throws Exception {
        Session s = session("Ops");
        assertError(post("/session/" + s.id() + "/control-token", ""), 401, "UNAUTHORIZED");
        assertError(post("/session/" + s.id() + "/control-token", "", "Bearer not-a-token"), 401, "UNAUTHORIZED");
        Joined ann = join(s, "Ann");
        assertError(post("/session/" + s.id() + "/control-token", "", "Bearer " + ann.token()), 401, "UNAUTHORIZED");
        Session other = session("Other");
        assertError(post("/session/" + s.id() + "/control-token", "", other.bearer()), 401, "UNAUTHORIZED");

        Response byCreator = post("/session/" + s.id() + "/control-token", "", s.bearer());
        assertThat(byCreator.status()).as(byCreator.body()).isEqualTo(200);
        Response byApiKey = post("/session/" + s.id() + "/control-token", "", TestServer.BASIC);
        assertThat(byApiKey.status()).isEqualTo(200);
        assertThat(Instant.parse(byApiKey.json().get("expires_at").asText())).isAfter(Instant.now().plusSeconds(3600));
        String token = byApiKey.json().get("token").asText();
        JsonNode c = claims(token);
        assertThat(c.get("admin").asBoolean()).isTrue();
        assertThat(c.at("/grants/hidden").asBoolean()).isTrue();
        assertThat(c.at("/grants/publish").asBoolean()).isFalse();
        assertThat(c.get("room").asText()).isEqualTo(s.id());
        assertError(post("/session/" + UUID.randomUUID() + "/control-token", "", TestServer.BASIC), 404, "SESSION_NOT_FOUND");

        // the operator watches without being a participant, and moderates with the admin methods
        RpcClient control = track(RpcClient.connect(server));
        control.call("watch_room", Map.of("auth_token", token));
        assertThat(control.call("get_room_members", Map.of()).findValuesAsText("id")).containsExactly(ann.id());
        control.call("mute_member_audio", Map.of("member", ann.id()));
        assertThat(ann.rpc().await("member_mute_audio").get("by_admin").asBoolean()).isTrue();
        assertThat(get("/session/" + s.id()).json().at("/participants/0/is_muted").asBoolean()).isTrue();
        assertThat(get("/session/" + s.id()).json().get("participants").size()).as("the operator is no participant").isEqualTo(1);
        JsonNode bad = control.request("watch_room", Map.of("auth_token", token, "events", "klingon"));
        assertThat(bad.at("/error/message").asText()).isEqualTo("invalid request: events");
    }

    @Test
    void tokenOf004HasItsDefaults() throws Exception {
        Session s = session("Simple");
        Response missing = post("/token", "{\"name\":\"Ann\"}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().get("error").asText()).isEqualTo("Missing meeting_id in request body");
        assertThat(missing.json().get("code").asText()).isEqualTo("INVALID_INPUT");
        assertError(post("/token", ""), 400, "INVALID_INPUT");

        Response r = post("/token", "{\"meeting_id\":\"" + s.id() + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode c = claims(r.json().get("auth_token").asText());
        assertThat(UUID.fromString(c.get("sub").asText())).isNotNull();
        assertThat(r.json().get("participant_id").asText()).isEqualTo(c.get("sub").asText());
        assertThat(c.get("name").asText()).isEqualTo("Participant");
        assertThat(r.json().get("preset_name").asText()).isEqualTo("group_call_participant");
        assertThat(c.get("admin").asBoolean()).isFalse();
        assertThat(c.get("room").asText()).isEqualTo(s.id());

        Response custom = post("/token", "{\"meeting_id\":\"" + s.id() + "\",\"name\":\"Bob\",\"custom_participant_id\":\"bob-42\","
                + "\"preset_name\":\"livestream_viewer\"}");
        JsonNode cc = claims(custom.json().get("auth_token").asText());
        assertThat(cc.get("sub").asText()).isEqualTo("bob-42");
        assertThat(cc.get("name").asText()).isEqualTo("Bob");
        assertThat(cc.at("/grants/publish").asBoolean()).isFalse();

        // the grants hold in the room: a viewer cannot publish
        RpcClient viewer = track(RpcClient.connect(server));
        JsonNode refused = viewer.request("join_room", Map.of("sdp", track(new JavaPeer()).offer(true),
                "auth_token", custom.json().get("auth_token").asText()));
        assertThat(refused.at("/error/code").asInt()).as(refused.toString()).isEqualTo(403);

        assertError(post("/token", "{\"meeting_id\":\"" + s.id() + "\",\"preset_name\":\"nope\"}"), 400, "INVALID_INPUT");
        assertError(post("/token", "{\"meeting_id\":\"" + s.id() + "\",\"preset_name\":\"group_call_host\"}"), 401, "UNAUTHORIZED");
        assertThat(post("/token", "{\"meeting_id\":\"" + s.id() + "\",\"preset_name\":\"group_call_host\"}", s.bearer()).status())
                .isEqualTo(200);
        assertError(post("/token", "{\"meeting_id\":\"" + UUID.randomUUID() + "\"}"), 404, "NOT_FOUND");
        assertError(post("/token", "{\"meeting_id\":\"nope\"}"), 404, "NOT_FOUND");
        // a native room is not reachable through this public endpoint (its password and waiting room stand)
        assertError(post("/token", "{\"meeting_id\":\"" + server.createRoom("private") + "\"}"), 404, "NOT_FOUND");
    }

    // ---- moderation ----

    @Test
    void muteAndUnmuteGoThroughTheAdminMute() {
        Session s = session("Mod");
        Joined ann = join(s, "Ann");
        Joined bob = join(s, "Bob");
        String mute = "/session/" + s.id() + "/mute";
        String unmute = "/session/" + s.id() + "/unmute";
        String body = "{\"participant_id\":\"" + ann.id() + "\"}";

        assertError(post(mute, body), 401, "UNAUTHORIZED");
        assertError(post(mute, body, "Bearer " + bob.token()), 401, "UNAUTHORIZED");
        assertError(post(mute, "{}", s.bearer()), 400, "INVALID_INPUT");
        assertError(post(mute, "{\"participant_id\": 7}", s.bearer()), 400, "INVALID_INPUT");
        assertError(post(mute, "{\"participant_id\":\"nobody\"}", s.bearer()), 404, "PARTICIPANT_NOT_FOUND");
        assertError(post("/session/" + UUID.randomUUID() + "/mute", body, s.bearer()), 404, "SESSION_NOT_FOUND");

        Response r = post(mute, body, s.bearer());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("success").asBoolean()).isTrue();
        assertThat(r.json().get("participant_id").asText()).isEqualTo(ann.id());
        assertThat(r.json().get("is_muted").asBoolean()).isTrue();
        JsonNode note = bob.rpc().await("member_mute_audio");
        assertThat(note.get("member").asText()).isEqualTo(ann.id());
        assertThat(note.get("by_admin").asBoolean()).isTrue();
        // the participant cannot lift an operator's mute
        assertThat(ann.rpc().request("unmute_audio", Map.of()).at("/error/message").asText()).isEqualTo("muted by an admin");
        assertThat(post(mute, body, s.bearer()).json().get("is_muted").asBoolean()).as("idempotent").isTrue();

        Response u = post(unmute, body, TestServer.BASIC);
        assertThat(u.status()).isEqualTo(200);
        assertThat(u.json().get("is_muted").asBoolean()).isFalse();
        assertThat(bob.rpc().await("member_unmute_audio").get("by_admin").asBoolean()).isTrue();
        assertThat(get("/session/" + s.id()).json().at("/participants/0/is_muted").asBoolean()).isFalse();
        assertError(post(unmute, "", s.bearer()), 400, "INVALID_INPUT");
        assertError(post(unmute, "{\"participant_id\":\"nobody\"}", s.bearer()), 404, "PARTICIPANT_NOT_FOUND");
        assertError(post(unmute, body), 401, "UNAUTHORIZED");
    }

    @Test
    void endingASessionDisconnectsEveryone() throws Exception {
        Session s = session("Bye");
        Joined ann = join(s, "Ann");
        Joined bob = join(s, "Bob");
        assertError(server.send("DELETE", API + "/session/" + s.id(), null, null), 401, "UNAUTHORIZED");
        assertError(server.send("DELETE", API + "/session/" + UUID.randomUUID(), null, s.bearer()), 404, "SESSION_NOT_FOUND");

        Response r = server.send("DELETE", API + "/session/" + s.id(), null, s.bearer());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("success").asBoolean()).isTrue();
        assertThat(r.json().get("session_id").asText()).isEqualTo(s.id());
        Instant ended = Instant.parse(r.json().get("ended_at").asText());

        for (Joined j : List.of(ann, bob)) {
            j.rpc().await("room_ended");
            assertThat(j.rpc().closed.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1000);
        }
        JsonNode d = get("/session/" + s.id()).json();
        assertThat(d.get("status").asText()).isEqualTo("ended");
        assertThat(d.get("participants").size()).isZero();
        assertThat(server.get("/v1/rooms/" + s.id()).status()).as("the room is gone").isEqualTo(404);
        // no way back in: neither with the old token nor a new one
        RpcClient again = track(RpcClient.connect(server));
        assertThat(again.request("join_room", Map.of("sdp", new JavaPeer().offer(true), "auth_token", ann.token()))
                .at("/error/code").asInt()).isEqualTo(404);
        assertError(post("/session/" + s.id() + "/participant-token", "{}"), 404, "SESSION_NOT_FOUND");
        assertError(post("/token", "{\"meeting_id\":\"" + s.id() + "\"}"), 404, "NOT_FOUND");
        assertError(post("/session/" + s.id() + "/mute", "{\"participant_id\":\"" + ann.id() + "\"}", s.bearer()), 404,
                "SESSION_NOT_FOUND");
        Response twice = server.send("DELETE", API + "/session/" + s.id(), null, TestServer.BASIC);
        assertThat(twice.status()).isEqualTo(200);
        assertThat(Instant.parse(twice.json().get("ended_at").asText())).isEqualTo(ended);
    }

    // ---- events ----

    @Test
    void theControlCenterReceivesTheContractsEvents() {
        Session s = session("Events");
        RpcClient control = watch(s);
        Joined ann = join(s, "Ann");

        JsonNode joined = control.await("participant_joined");
        assertThat(joined.get("session_id").asText()).isEqualTo(s.id());
        assertThat(joined.get("participant_id").asText()).isEqualTo(ann.id());
        assertThat(joined.at("/participant/name").asText()).isEqualTo("Ann");
        assertThat(joined.at("/participant/is_muted").asBoolean()).isFalse();
        // the native notification comes too
        assertThat(control.notifications.stream().anyMatch(n -> n.path("method").asText().equals("member_join_room"))).isTrue();

        JsonNode quality = control.await("connection_quality_changed");
        assertThat(quality.get("participant_id").asText()).isEqualTo(ann.id());
        assertThat(quality.get("connection_quality").asText()).isIn("excellent", "good", "fair", "poor");

        ann.rpc().call("mute_audio", Map.of());
        JsonNode muted = control.await("participant_muted");
        assertThat(muted.get("participant_id").asText()).isEqualTo(ann.id());
        assertThat(muted.get("by").asText()).isEqualTo("self");
        ann.rpc().call("unmute_audio", Map.of());
        assertThat(control.await("participant_unmuted").get("by").asText()).isEqualTo("self");

        assertThat(post("/session/" + s.id() + "/mute", "{\"participant_id\":\"" + ann.id() + "\"}", s.bearer()).status()).isEqualTo(200);
        assertThat(control.await("participant_muted").get("by").asText()).isEqualTo("remote");
        assertThat(post("/session/" + s.id() + "/unmute", "{\"participant_id\":\"" + ann.id() + "\"}", s.bearer()).status()).isEqualTo(200);
        assertThat(control.await("participant_unmuted").get("is_muted").asBoolean()).isFalse();

        ann.rpc().call("mute_video", Map.of());
        assertThat(control.await("camera_toggled").get("is_camera_on").asBoolean()).isFalse();
        ann.rpc().call("unmute_video", Map.of());
        assertThat(control.await("camera_toggled").get("is_camera_on").asBoolean()).isTrue();

        ann.rpc().call("start_screen_share", Map.of());
        assertThat(control.await("screen_share_started").get("participant_id").asText()).isEqualTo(ann.id());
        ann.rpc().call("stop_screen_share", Map.of());
        assertThat(control.await("screen_share_stopped").get("participant_id").asText()).isEqualTo(ann.id());

        ann.rpc().call("leave_room", Map.of());
        JsonNode left = control.await("participant_left");
        assertThat(left.get("participant_id").asText()).isEqualTo(ann.id());
        assertThat(left.get("removed").asBoolean()).isFalse();

        server.send("DELETE", API + "/session/" + s.id(), null, s.bearer());
        assertThat(control.await("session_ended").get("session_id").asText()).isEqualTo(s.id());
    }

    @Test
    void aWatcherAskingForTheNativeDialectGetsOnlyNativeNotifications() {
        Session s = session("Plain");
        RpcClient plain = track(RpcClient.connect(server));
        plain.call("watch_room", Map.of("auth_token", s.controlToken(), "events", "native"));
        join(s, "Ann");
        plain.await("member_join_room");
        Waitless.pause(300);
        assertThat(plain.notifications).noneMatch(n -> n.path("method").asText().startsWith("participant_"));
    }

    @Test
    void videoFilesAreUploadedByAParticipantListedAndAnnounced() throws Exception {
        Session s = session("Files");
        RpcClient operator = track(RpcClient.connect(server));
        operator.call("watch_room", Map.of("auth_token", s.controlToken(), "events", "video_call"));
        String token = post("/session/" + s.id() + "/participant-token", "{\"name\":\"Ann\"}").json().get("token").asText();
        String annId = claims(token).get("sub").asText();
        byte[] clip;
        try (var in = getClass().getResourceAsStream("/media/clip-h264-aac.mp4")) {
            clip = in.readAllBytes();
        }

        // refusals come before the body is read; a tiny body avoids racing the server's close
        byte[] tiny = "x".getBytes(StandardCharsets.UTF_8);
        assertThat(upload(s.id(), "clip.mp4", tiny, null).statusCode()).isEqualTo(401);
        var r = upload(s.id(), "clip.mp4", clip, "Bearer " + token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode file = JSON.readTree(r.body());
        assertThat(file.get("filename").asText()).isEqualTo("clip.mp4");
        assertThat(file.get("size").asLong()).isEqualTo(clip.length);
        assertThat(file.get("duration").asDouble()).isCloseTo(2.0, org.assertj.core.data.Offset.offset(0.1));
        assertThat(file.get("url").asText()).startsWith(server.uri("/api/video-call/files/").toString()); // absolute
        String fileId = file.get("file_id").asText();

        JsonNode shared = operator.await("video_file_shared");
        assertThat(shared.at("/file/file_id").asText()).isEqualTo(fileId);
        assertThat(shared.get("session_id").asText()).isEqualTo(s.id());

        JsonNode list = get("/session/" + s.id() + "/video-files").json().get("files");
        assertThat(list).hasSize(1);
        assertThat(list.at("/0/file_id").asText()).isEqualTo(fileId);
        assertThat(list.at("/0/uploaded_by").asText()).isEqualTo(annId);
        assertThat(list.at("/0/uploaded_at").asText()).isNotBlank();

        var fake = upload(s.id(), "notes.mp4", "just text, not a video".getBytes(StandardCharsets.UTF_8), "Bearer " + token);
        assertThat(fake.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(fake.body()).get("code").asText()).isEqualTo("INVALID_FILE_TYPE");
        String unknown = UUID.randomUUID().toString();
        assertThat(get("/session/" + unknown + "/video-files").status()).isEqualTo(404);
        assertThat(upload(unknown, "clip.mp4", tiny, "Bearer " + token).statusCode()).isEqualTo(404);
        assertThat(HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(file.get("url").asText())).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
    }

    java.net.http.HttpResponse<String> upload(String session, String filename, byte[] content, String authorization) {
        String boundary = "----atrium-test-boundary";
        var body = new java.io.ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        var request = java.net.http.HttpRequest.newBuilder(server.uri(API + "/session/" + session + "/video-file"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return java.net.http.HttpClient.newHttpClient().send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    // ---- CORS and limits ----

    @Test
    void corsAllowsTheConfiguredOrigins() throws Exception {
        HttpResponse<String> preflight = HTTP.send(HttpRequest.newBuilder(server.uri(API + "/session"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://bahasadri.com").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).contains("https://bahasadri.com");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods")).contains("GET, POST, DELETE");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers")).hasValueSatisfying(h -> assertThat(h).startsWith("Content-Type, Authorization")); // the contract's, plus Range for playback

        HttpResponse<String> dev = HTTP.send(HttpRequest.newBuilder(server.uri(API + "/global-room"))
                .header("Origin", "http://localhost:8787").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(dev.headers().firstValue("Access-Control-Allow-Origin")).contains("http://localhost:8787");

        HttpResponse<String> evil = HTTP.send(HttpRequest.newBuilder(server.uri(API + "/global-room"))
                .header("Origin", "https://evil.example").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(evil.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void rateLimitsAnswer429WithRetryAfter() throws Exception {
        try (TestServer limited = TestServer.start(config(Files.createTempDirectory("atrium-calls-limits-"), limits(null, 2, 3, 2)))) {
            Response a = limited.send("POST", API + "/session", "", null);
            limited.send("POST", API + "/session", "", null);
            Response third = limited.send("POST", API + "/session", "", null);
            assertError(third, 429, "RATE_LIMITED");
            long retry = Long.parseLong(third.raw().headers().firstValue("Retry-After").orElseThrow());
            assertThat(retry).isBetween(1L, 60L);

            String id = a.json().get("session_id").asText();
            String bearer = "Bearer " + a.json().get("control_token").asText();
            for (int i = 0; i < 3; i++) {
                assertThat(limited.send("POST", API + "/session/" + id + "/participant-token", "", null).status()).isEqualTo(200);
            }
            assertError(limited.send("POST", API + "/session/" + id + "/participant-token", "", null), 429, "RATE_LIMITED");
            assertError(limited.send("POST", API + "/token", "{\"meeting_id\":\"" + id + "\"}", null), 429, "RATE_LIMITED");
            assertError(limited.send("POST", API + "/session/" + id + "/control-token", "", bearer), 429, "RATE_LIMITED");

            String body = "{\"participant_id\":\"nobody\"}";
            assertError(limited.send("POST", API + "/session/" + id + "/mute", body, bearer), 404, "PARTICIPANT_NOT_FOUND");
            assertError(limited.send("POST", API + "/session/" + id + "/unmute", body, bearer), 404, "PARTICIPANT_NOT_FOUND");
            Response limitedMute = limited.send("POST", API + "/session/" + id + "/mute", body, bearer);
            assertError(limitedMute, 429, "RATE_LIMITED");
            assertThat(limitedMute.raw().headers().firstValue("Retry-After")).isPresent();
            assertError(limited.send("DELETE", API + "/session/" + id, null, bearer), 429, "RATE_LIMITED");
        }
    }

    static int postFrom(TestServer on, String path, String body, String authorization, String client) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(on.uri(API + path)).header("Content-Type", "application/json")
                .header("X-Forwarded-For", client).POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /**
     * docs/SECURITY.md, finding 16: token generation is limited per session and client address (with a ceiling of ten
     * times that per session), so one client spending its budget on a public session id (the global room, a
     * participant's link) locks nobody else out; the token routes are behind the facades' guard of client addresses.
     */
    @Test
    void oneClientCannotLockOthersOutOfASessionsTokens() throws Exception {
        AtriumConfig c = config(Files.createTempDirectory("atrium-calls-lockout-"), limits(null, 10, 3, 10));
        try (TestServer on = TestServer.start(c.withHttp(c.http().withLimits(List.of("127.0.0.1"), 10, 600)))) {
            String id = on.send("POST", API + "/session", "", null).json().get("session_id").asText();
            String meeting = "{\"meeting_id\":\"" + id + "\"}";
            for (int i = 0; i < 3; i++) {
                assertThat(postFrom(on, "/token", meeting, null, "203.0.113.66")).isEqualTo(200);
            }
            assertThat(postFrom(on, "/token", meeting, null, "203.0.113.66")).isEqualTo(429);
            assertThat(postFrom(on, "/session/" + id + "/participant-token", "", null, "203.0.113.66")).isEqualTo(429);
            assertThat(postFrom(on, "/token", meeting, null, "198.51.100.7")).as("another client").isEqualTo(200);
            assertThat(postFrom(on, "/session/" + id + "/participant-token", "", null, "198.51.100.7")).isEqualTo(200);
            int granted = 5;
            int refused = 0;
            for (int i = 1; i <= 15; i++) {
                for (int j = 0; j < 3; j++) {
                    if (postFrom(on, "/token", meeting, null, "192.0.2." + i) == 200) {
                        granted++;
                    } else {
                        refused++;
                    }
                }
            }
            assertThat(granted).as("the session's ceiling: ten times the limit per client").isEqualTo(30);
            assertThat(refused).isEqualTo(45 - 25);

            // an address that guessed control credentials is refused tokens too (the guard of the facades)
            String other = on.send("POST", API + "/session", "", null).json().get("session_id").asText();
            for (int i = 0; i < 10; i++) {
                assertThat(postFrom(on, "/session/" + other + "/control-token", "", "Bearer guess-" + i, "203.0.113.9"))
                        .isEqualTo(401);
            }
            assertThat(postFrom(on, "/token", "{\"meeting_id\":\"" + other + "\"}", null, "203.0.113.9")).isEqualTo(429);
            assertThat(postFrom(on, "/session/" + other + "/participant-token", "", null, "203.0.113.9")).isEqualTo(429);
            assertThat(postFrom(on, "/session/" + other + "/participant-token", "", null, "203.0.113.10")).isEqualTo(200);
        }
    }

    /** Tiny sleep helper that keeps the test's intent readable. */
    static final class Waitless {
        static void pause(long millis) {
            io.atrium.server.testing.Waits.sleep(millis);
        }
    }
}
