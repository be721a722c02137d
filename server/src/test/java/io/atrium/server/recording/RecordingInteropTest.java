package io.atrium.server.recording;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.sfu.Interop;
import io.atrium.server.testing.ExternalPeer;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.Waits;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two GStreamer publishers (webrtcbin over WHIP: VP8 + Opus and H.264 + Opus, 320x240 test pattern) in one
 * recorded room. After stop, the recording is ready with four files — two Opus WebM, one VP8 WebM, one H.264
 * MP4 — each of the codec it was published with, lasting as long as media flowed while recording (within a
 * tolerance), with frames, decoding without one ffmpeg error, and served with ranges from its signed URL — and
 * the composite asked for: a 1280x720 H.264 MP4 with mixed AAC audio, as long as the recording.
 */
@Isolated
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecordingInteropTest {
    private static final int PUBLISH_SECONDS = 30;
    private static final long RECORD_MILLIS = 8_000;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    TestServer server;
    @TempDir
    Path tmp;

    @BeforeAll
    void start() {
        server = TestServer.start(Db.H2);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void recordsVp8H264AndOpusTracksIntoPlayableFiles() throws Exception {
        String room = server.createRoom("recorded");
        var started = server.post("/v1/rooms/" + room + "/recordings", "{\"composite\": true}");
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        String id = started.json().at("/recording/recording_id").asText();
        assertThat(started.json().at("/recording/state").asText()).isEqualTo("recording");
        assertThat(started.json().at("/recording/composite").asBoolean()).isTrue();

        long mediaFlowing;
        long stoppedAt;
        try (ExternalPeer vp8 = gst("rec-vp8", room, "vp8"); ExternalPeer h264 = gst("rec-h264", room, "h264")) {
            vp8.awaitState("connected", Interop.CONNECT);
            h264.awaitState("connected", Interop.CONNECT);
            Waits.waitUntil(() -> Interop.publisher(server, room).path("packets_in").asLong() > 0
                    && server.get("/v1/rooms/" + room + "/media").json().at("/media/publishers/1/packets_in").asLong() > 0,
                    "both publishers sending");
            mediaFlowing = System.nanoTime();
            Waits.sleep(RECORD_MILLIS);
            var stopped = server.post("/v1/rooms/" + room + "/recordings/" + id + "/stop", "");
            stoppedAt = System.nanoTime();
            assertThat(stopped.status()).as(stopped.body()).isEqualTo(200);
            assertThat(stopped.json().at("/recording/state").asText()).isEqualTo("finishing");
        }
        double recordedSeconds = (stoppedAt - mediaFlowing) / 1e9;

        Waits.waitUntil(() -> !server.get("/v1/rooms/" + room + "/recordings/" + id).json().at("/recording/state").asText()
                .equals("finishing"), "the recording finished", Duration.ofMinutes(2));
        JsonNode recording = server.get("/v1/rooms/" + room + "/recordings/" + id).json().get("recording");
        assertThat(recording.path("state").asText()).as(recording.toString()).isEqualTo("ready");
        assertThat(recording.path("error").isNull()).as(recording.toString()).isTrue();

        Map<String, Integer> codecs = new HashMap<>();
        int composites = 0;
        double recordingSeconds = java.time.Duration.between(java.time.Instant.parse(recording.path("started_at").asText()),
                java.time.Instant.parse(recording.path("stopped_at").asText())).toMillis() / 1000.0;
        for (JsonNode file : recording.path("files")) {
            Path local = download(file);
            if (file.path("filename").asText().equals("composite.mp4")) {
                JsonNode probe = Media.probe(local);
                assertThat(probe.at("/streams/0/codec_name").asText()).isEqualTo("h264");
                assertThat(probe.at("/streams/0/width").asInt()).isEqualTo(1280);
                assertThat(probe.at("/streams/0/height").asInt()).isEqualTo(720);
                assertThat(probe.at("/streams/1/codec_name").asText()).as("mixed audio").isEqualTo("aac");
                assertThat(probe.at("/format/duration").asDouble()).as("the composite lasts as long as the recording")
                        .isBetween(recordedSeconds - 1, recordingSeconds + 1);
                Media.assertDecodesCleanly(local);
                composites++;
                continue;
            }
            JsonNode probe = Media.probe(local);
            JsonNode stream = probe.at("/streams/0");
            String codec = stream.path("codec_name").asText();
            codecs.merge(codec, 1, Integer::sum);
            assertThat(probe.path("streams").size()).as(file.toString()).isEqualTo(1);
            assertThat(file.path("content_type").asText()).isEqualTo(codec.equals("h264") ? "video/mp4" : "video/webm");
            double duration = probe.at("/format/duration").asDouble();
            assertThat(duration).as("%s lasts as long as it was recorded (%.1f s)", codec, recordedSeconds)
                    .isBetween(recordedSeconds - 1.5, recordedSeconds + 4);
            long frames = stream.path("nb_read_frames").asLong();
            if (codec.equals("opus")) {
                assertThat(frames).as("Opus packets").isGreaterThan((long) (recordedSeconds * 40));
            } else {
                assertThat(stream.path("width").asInt()).isEqualTo(320);
                assertThat(stream.path("height").asInt()).isEqualTo(240);
                assertThat(frames).as("%s frames", codec).isGreaterThan((long) (recordedSeconds * 10));
            }
            Media.assertDecodesCleanly(local);
        }
        assertThat(codecs).isEqualTo(Map.of("opus", 2, "vp8", 1, "h264", 1));
        assertThat(composites).isEqualTo(1);

        JsonNode listed = server.get("/v1/rooms/" + room + "/files").json().get("files");
        assertThat(listed.size()).as("the recording's files are the room's files").isEqualTo(5);
        assertThat(listed.get(0).path("uploaded_by").asText()).isEqualTo("recording:" + id);
    }

    private Path download(JsonNode file) throws IOException, InterruptedException {
        URI url = server.uri(file.path("url").asText());
        HttpResponse<byte[]> part = HTTP.send(HttpRequest.newBuilder(url).header("Range", "bytes=0-99").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).hasSize(100);
        Path local = tmp.resolve(file.path("filename").asText());
        HttpResponse<InputStream> whole = HTTP.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(whole.statusCode()).isEqualTo(200);
        try (InputStream in = whole.body()) {
            Files.copy(in, local);
        }
        assertThat(Files.size(local)).isEqualTo(file.path("size").asLong());
        return local;
    }

    private ExternalPeer gst(String name, String room, String codec) {
        return Interop.python(name, "gst_client.py", "publish", server.uri("/whip/" + room).toString(), server.token(room, ""),
                codec, Integer.toString(PUBLISH_SECONDS));
    }
}
