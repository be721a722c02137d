package io.atrium.server.compat.calls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.testing.Closer;
import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Response;
import java.util.Map;

/** What the call API's tests do again and again: make a session, join a participant over the room protocol. */
final class CallFixture {

    static final String API = "/api/video-call";

    /** A new session: its id and the control token the creator gets. */
    record Session(String id, String controlToken) {
        String bearer() {
            return "Bearer " + controlToken;
        }
    }

    /** A participant joined over the room protocol with a participant token of the session. */
    record Joined(RpcClient rpc, JavaPeer peer, String id, String token) {
    }

    private final TestServer server;
    private final Closer open;

    CallFixture(TestServer server, Closer open) {
        this.server = server;
        this.open = open;
    }

    Response post(String path, String body, String authorization) {
        return server.send("POST", API + path, body, authorization);
    }

    Response get(String path) {
        return server.send("GET", API + path, null, null);
    }

    Session session(String name) {
        Response r = post("/session", name == null ? "" : "{\"name\":\"" + name + "\"}", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return new Session(r.json().get("session_id").asText(), r.json().get("control_token").asText());
    }

    Joined join(Session s, String name) {
        Response t = post("/session/" + s.id() + "/participant-token", "{\"name\":\"" + name + "\"}", null);
        assertThat(t.status()).as(t.body()).isEqualTo(200);
        String token = t.json().get("token").asText();
        RpcClient rpc = open.track(RpcClient.connect(server));
        JavaPeer peer = open.track(new JavaPeer());
        JsonNode joined = rpc.call("join_room", Map.of("sdp", peer.offer(true), "auth_token", token,
                "audio_muted", false, "video_muted", false));
        peer.connect(joined.get("sdp").asText());
        return new Joined(rpc, peer, joined.get("call_id").asText(), token);
    }

    /** A socket watching the session with {@code params} (the token and whatever else), answered with the session's id. */
    RpcClient watch(Session s, Map<String, Object> params) {
        RpcClient control = open.track(RpcClient.connect(server));
        assertThat(control.call("watch_room", params).get("room_id").asText()).isEqualTo(s.id());
        return control;
    }

    /** A socket watching {@code room} (any room) with {@code token} and no {@code events}. */
    RpcClient watchRoom(String token, String room) {
        RpcClient c = open.track(RpcClient.connect(server));
        assertThat(c.call("watch_room", Map.of("auth_token", token)).get("room_id").asText()).isEqualTo(room);
        return c;
    }
}
