package io.atrium.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.config.Compat;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * Issue 21 item 7: a room a contract facade made (000 stream, 001 meeting, 003 session) is marked
 * with its owner, and the native {@code PUT /v1/rooms/{uuid}} refuses changes that would break the
 * facade's rules — 001's text: users "wait until the admin opens the room", so its room keeps
 * {@code force_waiting_room}; a 000 stream is found by its name — with 409 {@code owned_by_facade}.
 */
class FacadeRoomsTest {

    static final String PASSCODE = "live-passcode-for-tests";

    @Test
    void nativeRestCannotReconfigureFacadeRooms() throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-facade-rooms-"))
                .withCompat(new Compat(new Compat.Live(PASSCODE, null, null), null));
        try (TestServer server = TestServer.start(c)) {
            String stream = server.send("POST", "/create-stream", "{\"user_identity\":\"host\",\"stream_name\":\"launch\"}", PASSCODE)
                    .json().get("room_sid").asText();
            long meeting = server.post("/admin/create", "{}").json().get("meeting_id").asLong();
            String meetingRoom = server.post("/admin/join", "{\"meeting_id\":" + meeting + "}").json().get("room_id").asText();
            String session = server.send("POST", "/api/video-call/session", "{}", null).json().get("session_id").asText();

            assertOwned(server, stream, "live", "{\"room\":{\"name\":\"renamed\",\"force_waiting_room\":true}}", "name");
            assertOwned(server, meetingRoom, "meetings", "{\"room\":{\"name\":\"Meeting " + meeting + "\"}}", "force_waiting_room");
            assertOwned(server, session, "video_call", "{\"room\":{\"name\":\"Video call\",\"open\":true}}", "open");
            assertOwned(server, session, "video_call", "{\"room\":{\"name\":\"Video call\",\"password\":\"secret-pass\"}}", "password");

            // what the facade does not rely on may change: the same settings with stored members
            String user = server.createUser("ops");
            TestServer.Response ok = server.put("/v1/rooms/" + meetingRoom, "{\"room\":{\"name\":\"Meeting " + meeting
                    + "\",\"force_waiting_room\":true,\"members\":[{\"user_id\":\"" + user + "\",\"admin\":true}]}}");
            assertThat(ok.status()).as(ok.body()).isEqualTo(200);
            assertThat(ok.json().at("/room/members/0/user_id").asText()).isEqualTo(user);

            String nativeRoom = server.createRoom("native");
            assertThat(server.get("/v1/rooms/" + nativeRoom).json().at("/room/owner").isNull()).isTrue();
            assertThat(server.put("/v1/rooms/" + nativeRoom, "{\"room\":{\"name\":\"renamed\",\"open\":true}}").status()).isEqualTo(200);
        }
    }

    static void assertOwned(TestServer server, String room, String owner, String change, String field) {
        JsonNode before = server.get("/v1/rooms/" + room).json().get("room");
        assertThat(before.get("owner").asText()).isEqualTo(owner);
        TestServer.Response refused = server.put("/v1/rooms/" + room, change);
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.json().at("/error/code").asText()).isEqualTo("owned_by_facade");
        assertThat(refused.json().at("/error/field").asText()).isEqualTo("room." + field);
        assertThat(refused.json().at("/error/message").asText()).contains(owner).contains(field);
        assertThat(server.get("/v1/rooms/" + room).json().get("room")).as("nothing changed").isEqualTo(before);
    }
}
