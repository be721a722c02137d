package io.atrium.server.recording;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.testing.Closer;
import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.Waits;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The room setting {@code record: true}: a room is recorded from its first member on without an API call (the
 * member gets the notification {@code recording_started}), and the recording stops when the room ends. A WebSocket member (Atrium's Java WebRTC client) publishes 5 s of a
 * 440 Hz tone as Opus (Concentus) and leaves; the recording becomes ready with one Opus WebM lasting about
 * 5 s that decodes cleanly (its camera track sent nothing and makes no file). A room without the setting is
 * not recorded.
 */
class RecordSettingTest {
    private static final int PACKETS = 250; // 5 s of 20 ms frames

    @TempDir
    Path tmp;
    @org.junit.jupiter.api.extension.RegisterExtension
    final Closer open = new Closer();

    /**
     * A room admin starts and stops recording from the room protocol; everyone is told; a member who is not an admin
     * is refused (403), a second start and a stop of nothing are 409.
     */
    @Test
    void adminsStartAndStopRecordingFromTheRoom() {
        TestServer server = open.track(TestServer.start(Db.H2));
        String room = server.createRoom("hosted");
        RpcClient admin = open.track(RpcClient.connect(server));
        JavaPeer adminPeer = open.track(new JavaPeer());
        adminPeer.connect(admin.call("join_room", Map.of("sdp", adminPeer.offer(true), "auth_token",
                server.token(room, "\"identity\": \"host\", \"admin\": true"))).get("sdp").asText());
        RpcClient guest = open.track(RpcClient.connect(server));
        JavaPeer guestPeer = open.track(new JavaPeer());
        guestPeer.connect(guest.call("join_room", Map.of("sdp", guestPeer.offer(true), "auth_token",
                server.token(room, "\"identity\": \"guest\""))).get("sdp").asText());

        assertThat(guest.request("start_recording", Map.of()).at("/error/code").asInt()).as("not an admin").isEqualTo(403);
        assertThat(admin.request("stop_recording", Map.of()).at("/error/code").asInt()).as("nothing to stop").isEqualTo(409);
        String id = admin.call("start_recording", Map.of()).path("recording_id").asText();
        assertThat(guest.await("recording_started").path("recording_id").asText()).isEqualTo(id);
        assertThat(server.get("/v1/rooms/" + room + "/recordings/" + id).json().at("/recording/state").asText())
                .isEqualTo("recording");
        assertThat(joinRecordingId(server, room, "late").asText()).as("someone joining now is told in join_room's result").isEqualTo(id);
        assertThat(admin.request("start_recording", Map.of()).at("/error/code").asInt()).as("already recording").isEqualTo(409);
        assertThat(admin.call("stop_recording", Map.of()).path("recording_id").asText()).isEqualTo(id);
        assertThat(guest.await("recording_stopped").path("recording_id").asText()).isEqualTo(id);
        assertThat(joinRecordingId(server, room, "later").isNull()).as("and not once it stopped").isTrue();
        assertThat(server.get("/v1/rooms/" + room + "/recordings/" + id).json().at("/recording/state").asText())
                .isIn("finishing", "failed", "ready");
    }

    /** {@code recording_id} in the join_room result of a new member {@code identity}. */
    private JsonNode joinRecordingId(TestServer server, String room, String identity) {
        RpcClient late = open.track(RpcClient.connect(server));
        JavaPeer peer = open.track(new JavaPeer());
        JsonNode joined = late.call("join_room", Map.of("sdp", peer.offer(true), "auth_token",
                server.token(room, "\"identity\": \"" + identity + "\"")));
        peer.connect(joined.get("sdp").asText());
        return joined.get("recording_id");
    }

    @Test
    void aRoomWithRecordIsRecordedFromItsFirstMemberUntilItEnds() throws Exception {
        TestServer server = open.track(TestServer.start(Db.H2));
        String room = server.post("/v1/rooms", "{\"room\": {\"name\": \"always\", \"open\": true, \"record\": true}}")
                .json().at("/room/uuid").asText();
        assertThat(server.get("/v1/rooms/" + room).json().at("/room/record").asBoolean()).isTrue();
        String plain = server.post("/v1/rooms", "{\"room\": {\"name\": \"plain\", \"open\": true}}").json().at("/room/uuid").asText();
        assertThat(server.get("/v1/rooms/" + plain).json().at("/room/record").asBoolean()).isFalse();
        assertThat(server.get("/v1/rooms/" + room + "/recordings").json().get("recordings")).isEmpty();

        RpcClient member = open.track(RpcClient.connect(server));
        String token = member.call("authenticate", Map.of("room", room, "call_id", "ada-1", "display_name", "Ada"))
                .get("auth_token").asText();
        JavaPeer peer = open.track(new JavaPeer());
        peer.connect(member.call("join_room", Map.of("sdp", peer.offer(true), "auth_token", token,
                "audio_muted", false, "video_muted", false)).get("sdp").asText());
        Waits.waitUntil(() -> server.get("/v1/rooms/" + room + "/recordings").json().at("/recordings/0/state").asText()
                .equals("recording"), "recording started by the first member");
        String id = server.get("/v1/rooms/" + room + "/recordings").json().at("/recordings/0/recording_id").asText();
        assertThat(member.await("recording_started").path("recording_id").asText()).as("the member is told").isEqualTo(id);

        Media.sendTone(peer, PACKETS);
        // the member leaves once the server has taken all but the few a loaded machine may drop on loopback: what it
        // took is recorded, what is still in flight when the room ends is not (235 of 250 so, under load, 2026-12-06)
        Waits.waitUntil(() -> server.get("/v1/rooms/" + room + "/media").json().at("/media/publishers/0/packets_in").asLong()
                >= PACKETS - 5, "the server has the member's packets");
        member.call("leave_room", Map.of());

        Waits.waitUntil(() -> server.get("/v1/rooms/" + room + "/recordings").json().at("/recordings/0/state").asText()
                .equals("ready"), "the recording stopped with the room and finished", Duration.ofMinutes(1));
        JsonNode recording = server.get("/v1/rooms/" + room + "/recordings").json().at("/recordings/0");
        assertThat(recording.path("files")).as(recording.toString()).hasSize(1);
        JsonNode file = recording.at("/files/0");
        Path local = tmp.resolve("audio.webm");
        HttpResponse<InputStream> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri(file.path("url")
                .asText())).build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            Files.copy(in, local);
        }
        JsonNode probe = Media.probe(local);
        assertThat(probe.at("/streams/0/codec_name").asText()).isEqualTo("opus");
        // every packet but the few a loaded machine may drop on loopback or still be reading when the member
        // leaves (the recording stops with the room)
        assertThat(probe.at("/streams/0/nb_read_frames").asLong()).isBetween(PACKETS - 5L, (long) PACKETS);
        assertThat(probe.at("/format/duration").asDouble()).isBetween(4.7, 5.3);
        Media.assertDecodesCleanly(local);
        assertThat(server.get("/v1/rooms/" + plain + "/recordings").json().get("recordings")).isEmpty();
    }
}
