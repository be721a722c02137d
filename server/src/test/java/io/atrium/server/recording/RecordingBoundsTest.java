package io.atrium.server.recording;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Closer;
import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.Waits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bounds of a recording in progress (docs/RECORDING.md, "Bounds"), on a real server with a real publisher (Atrium's
 * Java WebRTC client sending an Opus tone): its track files count against the room's storage quota as they are
 * written, and reaching it stops the recording with the reason told to the room and kept in its error, its files no
 * larger than the quota; a start while the quota is used up, or past {@code files.max_recordings}, is refused with a
 * clear error; a recording stops by itself after {@code files.max_recording_seconds}.
 */
class RecordingBoundsTest {
    /** The room quota of the first test: about 3 s of the 32 kbit/s tone. */
    private static final long ROOM_QUOTA = 16_000;

    @TempDir
    Path tmp;
    @org.junit.jupiter.api.extension.RegisterExtension
    final Closer open = new Closer();

    private TestServer server(AtriumConfig.Files files) {
        return open.track(TestServer.start(TestServer.config(Db.H2, tmp.resolve("data")).withFiles(files)));
    }

    private static String path(String room) {
        return "/v1/rooms/" + room + "/recordings";
    }

    @Test
    void aRecordingThatReachesTheRoomQuotaStopsWithItsReasonAndItsFilesStayWithinIt() {
        TestServer server = server(new AtriumConfig.Files(null, null, null, ROOM_QUOTA, null, null));
        String room = server.createRoom("bounded");
        RpcClient ann = open.track(RpcClient.connect(server));
        JavaPeer annPeer = open.track(new JavaPeer());
        annPeer.connect(ann.call("join_room", Map.of("sdp", annPeer.offer(true), "auth_token",
                server.token(room, "\"identity\": \"ann\""), "audio_muted", false)).get("sdp").asText());
        String id = server.post(path(room), "").json().at("/recording/recording_id").asText();
        Path tracks = server.config().dataPath().resolve("recordings").resolve(id);

        Media.Tone tone = new Media.Tone(annPeer);
        long largest = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (server.get(path(room) + "/" + id).json().at("/recording/state").asText().equals("recording")) {
            assertThat(System.nanoTime()).as("the recording stopped by itself within 60 s of tone").isLessThan(deadline);
            tone.send(25); // half a second
            largest = Math.max(largest, size(tracks));
        }
        tone.send(100); // two more seconds: nothing of it is written
        largest = Math.max(largest, size(tracks));
        // each track file has a header of ~100 bytes besides its records, which the quota counts
        assertThat(largest).as("the track files while recording").isPositive().isLessThanOrEqualTo(ROOM_QUOTA + 2 * 200);

        JsonNode stopped = ann.await("recording_stopped");
        assertThat(stopped.path("recording_id").asText()).isEqualTo(id);
        assertThat(stopped.path("reason").asText()).as("the room is told why")
                .startsWith("stopped because it reached the storage quota: the session's storage quota of " + ROOM_QUOTA
                        + " bytes is used up (files.max_room_bytes)");
        Waits.waitUntil(() -> server.get(path(room) + "/" + id).json().at("/recording/state").asText().equals("ready"),
                "the recording finished what it had", Duration.ofMinutes(1));
        JsonNode recording = server.get(path(room) + "/" + id).json().get("recording");
        assertThat(recording.path("error").asText()).as(recording.toString())
                .startsWith("stopped because it reached the storage quota");
        assertThat(recording.path("files")).hasSize(1);
        assertThat(recording.at("/files/0/size").asLong()).isLessThanOrEqualTo(ROOM_QUOTA);
        assertThat(recording.at("/files/0/duration").asDouble()).as(recording.toString()).isGreaterThan(1);
    }

    @Test
    void aStartWhileTheQuotaIsHeldByAnotherRecordingIsRefused() {
        // the server's quota is smaller than one reservation: the first recording holds all of it
        TestServer server = server(new AtriumConfig.Files(null, null, null, null, 50_000L, null));
        String first = server.createRoom("first");
        String second = server.createRoom("second");
        String id = server.post(path(first), "").json().at("/recording/recording_id").asText();

        TestServer.Response refused = server.post(path(second), "");
        assertThat(refused.status()).as(refused.body()).isEqualTo(507);
        assertThat(refused.json().at("/error/code").asText()).isEqualTo("quota_exceeded");
        assertThat(refused.json().at("/error/message").asText())
                .isEqualTo("cannot record: the server's storage quota of 50000 bytes is used up (files.max_total_bytes)");
        assertThat(server.get(path(second)).json().get("recordings")).as("nothing was started").isEmpty();

        assertThat(server.post(path(first) + "/" + id + "/stop", "").status()).isEqualTo(200);
        // the reservation goes back once its track files are closed, before the recording is finished (not with the stop's 200)
        Waits.waitUntil(() -> !List.of("recording", "finishing").contains(
                server.get(path(first) + "/" + id).json().at("/recording/state").asText()), "the stopped recording finished");
        assertThat(server.post(path(second), "").status()).as("the stopped recording gave its reservation back")
                .isEqualTo(201);
    }

    @Test
    void aStartPastTheMostRecordingsAtOnceIsRefusedFromTheApiAndTheRoom() {
        TestServer server = server(new AtriumConfig.Files(null, null, null).withRecordingBounds(2, 3600));
        String one = server.createRoom("one");
        String two = server.createRoom("two");
        String three = server.createRoom("three");
        String id = server.post(path(one), "").json().at("/recording/recording_id").asText();
        assertThat(server.post(path(two), "").status()).isEqualTo(201);

        TestServer.Response refused = server.post(path(three), "");
        assertThat(refused.status()).as(refused.body()).isEqualTo(503);
        assertThat(refused.json().at("/error/code").asText()).isEqualTo("too_many_recordings");
        assertThat(refused.json().at("/error/message").asText()).contains("making 2 recordings already")
                .contains("files.max_recordings");

        RpcClient host = open.track(RpcClient.connect(server));
        JavaPeer peer = open.track(new JavaPeer());
        peer.connect(host.call("join_room", Map.of("sdp", peer.offer(true), "auth_token",
                server.token(three, "\"identity\": \"host\", \"admin\": true"))).get("sdp").asText());
        JsonNode error = host.request("start_recording", Map.of()).get("error");
        assertThat(error.path("code").asInt()).isEqualTo(503);
        assertThat(error.path("message").asText()).contains("files.max_recordings");

        assertThat(server.post(path(one) + "/" + id + "/stop", "").status()).isEqualTo(200);
        assertThat(host.call("start_recording", Map.of()).path("recording_id").asText()).as("once one stopped").isNotEmpty();
    }

    @Test
    void aRecordingStopsByItselfAfterTheLongestDuration() {
        TestServer server = server(new AtriumConfig.Files(null, null, null).withRecordingBounds(10, 2));
        String room = server.createRoom("timed");
        RpcClient member = open.track(RpcClient.connect(server));
        JavaPeer peer = open.track(new JavaPeer());
        peer.connect(member.call("join_room", Map.of("sdp", peer.offer(true), "auth_token",
                server.token(room, "\"identity\": \"ann\""))).get("sdp").asText());
        String id = server.post(path(room), "").json().at("/recording/recording_id").asText();

        String reason = "stopped because it reached the longest a recording lasts, 2 s (files.max_recording_seconds)";
        assertThat(member.await("recording_stopped").path("reason").asText()).isEqualTo(reason);
        JsonNode recording = server.get(path(room) + "/" + id).json().get("recording");
        assertThat(recording.path("state").asText()).isIn("finishing", "failed");
        assertThat(Duration.between(java.time.Instant.parse(recording.path("started_at").asText()),
                java.time.Instant.parse(recording.path("stopped_at").asText())).toMillis()).isBetween(2000L, 10_000L);
        Waits.waitUntil(() -> server.get(path(room) + "/" + id).json().at("/recording/state").asText().equals("failed"),
                "finished (nothing was published: no file)");
        assertThat(server.get(path(room) + "/" + id).json().at("/recording/error").asText())
                .isEqualTo(reason);
    }

    /** Bytes of the track files under {@code dir} (not what finishing makes there); 0 when it is gone. */
    private static long size(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".atrk")).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException gone) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
