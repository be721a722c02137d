package io.atrium.server.compat.calls;

import static io.atrium.server.compat.calls.VideoCallApiTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.compat.calls.CallFixture.Joined;
import io.atrium.server.compat.calls.CallFixture.Session;
import io.atrium.server.testing.Closer;
import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Response;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Contract 003's "WebSocket Events", read as a control center written from the document alone would
 * (issue 21, items 1–3): it receives the listed events on its socket without asking for a dialect; it
 * sends the listed commands {@code mute_participant}, {@code unmute_participant} and
 * {@code end_session} on that same socket ("Control Token: Required for control center operations
 * (mute/unmute, end session)") with the effects and errors of the HTTP calls; and ending a session
 * ("disconnecting all participants") tells it that each participant left before the session ends.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlCenterSocketTest {

    TestServer server;
    CallFixture calls;
    @RegisterExtension
    final Closer open = new Closer();

    @BeforeAll
    void start() throws Exception {
        server = TestServer.start(VideoCallApiTest.config(Files.createTempDirectory("atrium-control-"),
                VideoCallApiTest.limits(null, 1000, 1000, 1000)));
        calls = new CallFixture(server, open);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    RpcClient control(Session s) {
        return calls.watch(s, Map.of("auth_token", s.controlToken())); // no "events": the contract knows none
    }

    static void assertRpcError(JsonNode response, int status, String code) {
        assertThat(response.has("error")).as(response.toString()).isTrue();
        assertThat(response.at("/error/code").asInt()).as(response.toString()).isEqualTo(status);
        assertThat(response.at("/error/data/code").asText()).as(response.toString()).isEqualTo(code);
        assertThat(response.at("/error/message").asText()).as(response.toString()).isNotBlank();
    }

    static List<String> methods(RpcClient c) {
        return c.notifications.stream().map(n -> n.path("method").asText()).toList();
    }

    // ---- item 3: the contract's events by default ----

    @Test
    void aControlTokenOrAParticipantTokenHearsTheContractsEventsWithoutAskingForThem() {
        Session s = calls.session("Defaults");
        RpcClient control = control(s);
        Response viewer = calls.post("/session/" + s.id() + "/participant-token", "{\"name\":\"Vi\",\"preset_name\":\"webinar_viewer\"}", null);
        RpcClient participant = calls.watch(s, Map.of("auth_token", viewer.json().get("token").asText()));
        RpcClient nativeOnly = calls.watch(s, Map.of("auth_token", s.controlToken(), "events", "native"));

        Joined ann = calls.join(s, "Ann");
        for (RpcClient c : List.of(control, participant)) {
            JsonNode joined = c.await("participant_joined");
            assertThat(joined.get("session_id").asText()).isEqualTo(s.id());
            assertThat(joined.get("participant_id").asText()).isEqualTo(ann.id());
        }
        ann.rpc().call("mute_audio", Map.of());
        assertThat(control.await("participant_muted").get("participant_id").asText()).isEqualTo(ann.id());
        // the native dialect on request: the same room, no contract events
        nativeOnly.await("member_mute_audio");
        assertThat(methods(nativeOnly)).contains("member_join_room").noneMatch(m -> m.startsWith("participant_"));

        // a native room's watcher is not given the call API's events
        String room = server.createRoom("native");
        RpcClient plain = calls.watchRoom(server.token(room, "\"identity\": \"op\", \"admin\": true"), room);
        RpcClient member = open.track(RpcClient.connect(server));
        member.call("join_room", Map.of("sdp", open.track(new JavaPeer()).offer(true),
                "auth_token", server.token(room, "\"identity\": \"nat\"")));
        member.call("mute_audio", Map.of());
        plain.await("member_mute_audio");
        assertThat(methods(plain)).contains("member_join_room").noneMatch(m -> m.startsWith("participant_"));
        // nor its commands: they are a call session's
        JsonNode notASession = plain.request("mute_participant", Map.of("participant_id", "nat"));
        assertThat(notASession.at("/error/code").asInt()).as(notASession.toString()).isEqualTo(404);
        assertThat(notASession.at("/error/message").asText()).isEqualTo("this room has no mute_participant (it is not a call session)");
    }

    // ---- item 1: the control center's commands on the same socket ----

    @Test
    void muteAndUnmuteParticipantOnTheSocketAreTheHttpCalls() {
        Session s = calls.session("Commands");
        RpcClient control = control(s);
        Joined ann = calls.join(s, "Ann");
        Joined bob = calls.join(s, "Bob");

        JsonNode muted = control.call("mute_participant", Map.of("participant_id", ann.id()));
        assertThat(muted.get("success").asBoolean()).isTrue();
        assertThat(muted.get("participant_id").asText()).isEqualTo(ann.id());
        assertThat(muted.get("is_muted").asBoolean()).isTrue();
        JsonNode event = control.await("participant_muted");
        assertThat(event.get("participant_id").asText()).isEqualTo(ann.id());
        assertThat(event.get("by").asText()).isEqualTo("remote");
        assertThat(bob.rpc().await("member_mute_audio").get("by_admin").asBoolean()).isTrue();
        assertThat(calls.get("/session/" + s.id()).json().findValues("is_muted").get(0).asBoolean()).isTrue();
        // as after the HTTP mute: the participant cannot lift it, and muting again changes nothing
        assertThat(ann.rpc().request("unmute_audio", Map.of()).at("/error/message").asText()).isEqualTo("muted by an admin");
        assertThat(control.call("mute_participant", Map.of("participant_id", ann.id(), "session_id", s.id()))
                .get("is_muted").asBoolean()).isTrue();

        JsonNode unmuted = control.call("unmute_participant", Map.of("participant_id", ann.id()));
        assertThat(unmuted.get("is_muted").asBoolean()).isFalse();
        assertThat(control.await("participant_unmuted").get("by").asText()).isEqualTo("remote");
        ann.rpc().call("unmute_audio", Map.of()); // allowed again

        // the HTTP call's errors: 400 INVALID_INPUT, 404 PARTICIPANT_NOT_FOUND, in JSON-RPC with the 003 code as data
        assertRpcError(control.request("mute_participant", Map.of()), 400, "INVALID_INPUT");
        assertRpcError(control.request("mute_participant", Map.of("participant_id", 7)), 400, "INVALID_INPUT");
        assertRpcError(control.request("unmute_participant", Map.of("participant_id", "nobody")), 404, "PARTICIPANT_NOT_FOUND");
        assertRpcError(control.request("mute_participant", Map.of("participant_id", ann.id(),
                "session_id", calls.session("Other").id())), 400, "INVALID_INPUT");
        // "Control Token: Required": a participant's socket and a socket admitted nowhere are refused
        JsonNode byParticipant = bob.rpc().request("mute_participant", Map.of("participant_id", ann.id()));
        assertThat(byParticipant.at("/error/code").asInt()).as(byParticipant.toString()).isEqualTo(403);
        JsonNode byStranger = open.track(RpcClient.connect(server)).request("end_session", Map.of());
        assertThat(byStranger.at("/error/code").asInt()).as(byStranger.toString()).isEqualTo(404);
        assertThat(calls.get("/session/" + s.id()).json().get("status").asText()).isEqualTo("active");
    }

    @Test
    void endSessionOnTheSocketEndsItForEveryoneAndAnswersTheCaller() {
        Session s = calls.session("Ending");
        RpcClient control = control(s);
        Joined ann = calls.join(s, "Ann");
        control.await("participant_joined");

        JsonNode ended = control.call("end_session", Map.of());
        assertThat(ended.get("success").asBoolean()).isTrue();
        assertThat(ended.get("session_id").asText()).isEqualTo(s.id());
        Instant at = Instant.parse(ended.get("ended_at").asText());
        assertThat(control.await("participant_left").get("participant_id").asText()).isEqualTo(ann.id());
        assertThat(control.await("session_ended").get("session_id").asText()).isEqualTo(s.id());
        assertThat(control.closed).succeedsWithin(Duration.ofSeconds(10));
        ann.rpc().await("room_ended");
        assertThat(ann.rpc().closed).succeedsWithin(Duration.ofSeconds(10));

        JsonNode details = calls.get("/session/" + s.id()).json();
        assertThat(details.get("status").asText()).isEqualTo("ended");
        Response again = server.send("DELETE", CallFixture.API + "/session/" + s.id(), null, s.bearer());
        assertThat(Instant.parse(again.json().get("ended_at").asText())).as("the same end as over HTTP").isEqualTo(at);
    }

    /** The room protocol's {@code end_room} by a host of a session (here the control center) is the session's end. */
    @Test
    void endRoomInASessionEndsTheSession() {
        Session s = calls.session("Ended by a host");
        RpcClient control = control(s);
        Joined ann = calls.join(s, "Ann");
        control.await("participant_joined");

        assertThat(control.call("end_room", Map.of())).isEmpty();
        assertThat(control.await("session_ended").get("session_id").asText()).isEqualTo(s.id());
        ann.rpc().await("room_ended");
        assertThat(ann.rpc().closed).succeedsWithin(Duration.ofSeconds(10));
        assertThat(calls.get("/session/" + s.id()).json().get("status").asText()).isEqualTo("ended");
    }

    // ---- item 2: ending a session says who left, then the end ----

    @Test
    void endingASessionSendsParticipantLeftForEveryoneBeforeTheEnd() {
        Session s = calls.session("Goodbye");
        RpcClient control = control(s);
        Joined ann = calls.join(s, "Ann");
        Joined bob = calls.join(s, "Bob");
        control.await("participant_joined");
        control.await("participant_joined");

        Response r = server.send("DELETE", CallFixture.API + "/session/" + s.id(), null, s.bearer());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        control.await("session_ended");
        List<JsonNode> events = control.notifications.stream()
                .filter(n -> List.of("participant_left", "session_ended").contains(n.path("method").asText())).toList();
        assertThat(events).extracting(n -> n.path("method").asText())
                .containsExactly("participant_left", "participant_left", "session_ended");
        assertThat(events.subList(0, 2)).extracting(n -> n.at("/params/participant_id").asText())
                .containsExactlyInAnyOrder(ann.id(), bob.id());
        assertThat(events.subList(0, 2)).allMatch(n -> n.at("/params/session_id").asText().equals(s.id())
                && n.at("/params/removed").asBoolean());
        assertThat(control.closed).succeedsWithin(Duration.ofSeconds(10));
    }

    // ---- one rate limit for both ways in ----

    @Test
    void socketAndHttpCommandsShareTheControlCommandLimit() throws Exception {
        try (TestServer limited = TestServer.start(VideoCallApiTest.config(Files.createTempDirectory("atrium-control-limit-"),
                VideoCallApiTest.limits(null, 100, 100, 2)))) {
            CallFixture few = new CallFixture(limited, open);
            Session s = few.session("Few");
            RpcClient control = few.watch(s, Map.of("auth_token", s.controlToken()));
            String body = "{\"participant_id\":\"nobody\"}";
            assertError(few.post("/session/" + s.id() + "/mute", body, s.bearer()), 404, "PARTICIPANT_NOT_FOUND");
            assertRpcError(control.request("unmute_participant", Map.of("participant_id", "nobody")), 404, "PARTICIPANT_NOT_FOUND");
            JsonNode over = control.request("end_session", Map.of());
            assertRpcError(over, 429, "RATE_LIMITED");
            assertThat(over.at("/error/data/retry_after").asLong()).isPositive();
            assertError(few.post("/session/" + s.id() + "/unmute", body, s.bearer()), 429, "RATE_LIMITED");
            assertThat(few.get("/session/" + s.id()).json().get("status").asText()).isEqualTo("active");
        }
    }
}
